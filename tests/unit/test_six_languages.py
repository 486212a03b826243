"""The six official UN languages: one list of them, plural forms by each language's rules,
country names, numbers and dates from CLDR, vocabulary labels, and what people type read in
each (yes and no, save, lists with Arabic or Chinese commas, Arabic-Indic digits, a report's
breakdown by sex and age)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from babel.messages.pofile import read_po

from bot.dialogs.answers import (
    NO,
    SAVE,
    YES,
    match_country,
    parse_money_or_quantity,
    parse_number,
    parse_yes_no,
    split_list,
)
from bot.dialogs.engine import SAVE_WORDS
from bot.dialogs.report import parse_value
from bot.i18n import LANGUAGE_NAMES, LANGUAGES, LOCALES_DIR, NP_, Tr, fold, supported
from core import people
from core.models.enums import Disaggregation
from core.vocabularies import default_vocabularies

NEEDS = NP_("{n} need", "{n} needs")
COUNTS = (0, 1, 2, 5, 11, 100)


def test_one_list_of_the_six_languages() -> None:
    assert LANGUAGES is people.LANGUAGES
    assert set(LANGUAGES) == {"en", "fr", "es", "ar", "zh", "ru"} and LANGUAGES[0] == "en"
    assert LANGUAGE_NAMES["ar"] == "العربية" and LANGUAGE_NAMES["zh"] == "中文"
    assert LANGUAGE_NAMES["ru"] == "Русский"
    assert people.check_language("zh") == "zh"


@pytest.mark.parametrize(
    ("tag", "language"),
    [
        ("zh-hans", "zh"),
        ("zh-CN", "zh"),
        ("zh_Hans", "zh"),
        ("ar", "ar"),
        ("ar-EG", "ar"),
        ("ru-RU", "ru"),
        ("fr-CA", "fr"),
        ("de", "en"),
        (None, "en"),
    ],
)
def test_platform_language_tags(tag: str | None, language: str) -> None:
    assert supported(tag) == language


def _plurals(language: str) -> int:
    with (LOCALES_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=language).num_plurals


def _forms(language: str) -> list[str]:
    tr = Tr(language)
    return [str(tr.plural(*NEEDS, n)).replace("\u2068", "").replace("\u2069", "") for n in COUNTS]


def test_arabic_plural_forms() -> None:
    """Arabic has six forms: zero, one, two, a few (3-10), many (11-99), other (100…)."""
    assert _plurals("ar") == 6
    zero, one, two, few, many, other = _forms("ar")
    assert few == "5 احتياجات" and many == "11 احتياجًا" and other == "100 احتياج"
    assert (zero, one, two) == ("0 احتياج", "1 احتياج", "2 احتياج")


def test_russian_plural_forms() -> None:
    """Russian has three: one (1, 21…), few (2-4, 22-24…), many (0, 5-20, 100…)."""
    assert _plurals("ru") == 3
    assert _forms("ru") == [
        "0 потребностей",
        "1 потребность",
        "2 потребности",
        "5 потребностей",
        "11 потребностей",
        "100 потребностей",
    ]


def test_chinese_has_one_form() -> None:
    assert _plurals("zh") == 1
    assert _forms("zh") == [f"{n} 项需求" for n in COUNTS]


@pytest.mark.parametrize("language", LANGUAGES)
def test_cldr_names_numbers_dates_and_money(language: str) -> None:
    tr = Tr(language)
    assert tr.country("KH") and tr.country("KH") != "KH"
    assert tr.date(date(2027, 1, 15)) != "—"
    assert tr.money(Decimal("1500"), "USD")
    assert tr.number(Decimal("1234.5"))


def test_cldr_in_the_new_languages() -> None:
    assert Tr("ar").country("IQ") == "العراق"
    assert Tr("zh").country("KH") == "柬埔寨"
    assert Tr("ru").country("UA") == "Украина"
    assert "2027" in Tr("zh").date(date(2027, 1, 15)) and "年" in Tr("zh").date(date(2027, 1, 15))
    assert "янв" in Tr("ru").date(date(2027, 1, 15))


@pytest.mark.parametrize("language", LANGUAGES)
def test_vocabulary_labels_in_each_language(language: str) -> None:
    vocab = default_vocabularies()
    for vocabulary in (vocab.assistance_types, vocab.thematic_areas, vocab.modalities):
        for term in vocabulary:
            assert term.labels.get(language), (vocabulary.name, term.code, language)


def test_the_field_s_terms() -> None:
    victims = default_vocabularies().thematic_areas.get("victim_assistance")
    assert victims is not None
    assert victims.label("ar") == "مساعدة الضحايا"
    assert victims.label("ru") == "Помощь пострадавшим"
    assert victims.label("zh") == "受害者援助"


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_country_typed_in_any_language(language: str) -> None:
    vocab = default_vocabularies()
    for code in ("KH", "IQ", "UA"):
        typed = Tr(language).country(code)
        assert match_country(typed, Tr("en"), vocab) == code  # whatever language one speaks


@pytest.mark.parametrize(
    ("typed", "meaning"),
    [
        *[("نعم", True), ("لا", False), ("да", True), ("Нет", False), ("是", True), ("否", False)],
        *[("oui", True), ("sí", True), ("no", False)],
    ],
)
def test_yes_and_no_in_the_six(typed: str, meaning: bool) -> None:
    assert parse_yes_no(typed, "x") is meaning


def test_save_words() -> None:
    for word in ("حفظ", "Сохранить", "保存", "enregistrer", "guardar", "save"):
        assert fold(word) in SAVE_WORDS and fold(word) in SAVE
    assert not (YES & NO)


def test_lists_split_on_every_script_s_comma() -> None:
    assert split_list("a، b؛ c") == ["a", "b", "c"]
    assert split_list("甲，乙、丙；丁") == ["甲", "乙", "丙", "丁"]
    assert split_list("1, 2;3\n4") == ["1", "2", "3", "4"]


def test_arabic_indic_digits() -> None:
    assert parse_number("٢٥٠٠٠٠", "amount") == parse_number("250000", "amount")
    assert parse_number("١٢٫٥", "amount") == parse_number("12.5", "amount")
    assert parse_number("۱۲", "amount") == parse_number("12", "amount")  # Persian forms
    assert parse_number("１２", "amount") == parse_number("12", "amount")  # full-width
    assert parse_money_or_quantity("٤٠ طقمًا", default_vocabularies(), "amount") == {
        "quantity": "40.00",
        "unit": "طقمًا",
    }


@pytest.mark.parametrize(
    "typed",
    [
        "женщины 12, мужчины 8",
        "نساء ١٢، رجال ٨",
        "女性 12，男性 8",
        "女性12、男性8",
        "women 12; men 8",
    ],
)
def test_a_report_breakdown_in_each_script(typed: str) -> None:
    assert parse_value(typed, "ind1", Disaggregation.sex) == {
        "total": "20",
        "parts": [["female", "", "12"], ["male", "", "8"]],
    }


def test_children_and_age_groups() -> None:
    value = parse_value("девочки 3, мальчики 4, 女孩 1, فتيات 2", "x", Disaggregation.sex)
    assert value["parts"] == [
        ["female", "0-17", "3"],
        ["male", "0-17", "4"],
        ["female", "0-17", "1"],
        ["female", "0-17", "2"],
    ]
    assert parse_value("filles 2, garçons 1", "x", Disaggregation.sex)["total"] == "3"


def test_the_report_examples_read_as_written() -> None:
    """The example each catalog gives is one the parser reads."""
    examples = {"ru": "женщины 12, мужчины 8", "ar": "نساء 12، رجال 8", "zh": "女性 12，男性 8"}
    prompt = (
        "**{name}** ({unit}), target {target}: the value now? You can give a "
        "breakdown, like “women 12, men 8”."
    )
    for language, example in examples.items():
        assert example in str(Tr(language)(prompt, name="n", unit="u", target="t"))
        assert parse_value(example, "x", Disaggregation.sex)["total"] == "20"
