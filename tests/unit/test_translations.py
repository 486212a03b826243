"""Every string people read exists in every catalog, with the same placeholders and markup;
every error key core can raise has words."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.errors import MESSAGES
from bot.i18n import LANGUAGES, LOCALES_DIR, Tr

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"\{\w*\}")


def source_messages() -> set[str | tuple[str, str]]:
    """Every msgid, and every plural pair (singular, plural), marked in the sources."""
    found: set[str | tuple[str, str]] = set()
    for package in ("bot", "core", "adapters"):
        for _, _, message, _, _ in extract_from_dir(
            ROOT / package,
            method_map=[("**.py", "python")],
            keywords={"N_": None, "NP_": (1, 2)},
        ):
            found.add(tuple(message) if isinstance(message, tuple | list) else message)
    return found


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_every_message_is_translated(language: str) -> None:
    with (LOCALES_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=language)
    translated = {
        (tuple(m.id) if isinstance(m.id, tuple | list) else m.id): m.string
        for m in catalog
        if m.id and m.string and all(m.string) and not m.fuzzy
    }
    missing = sorted(map(str, source_messages() - set(translated)))
    assert not missing, f"{language} catalog lacks {len(missing)}: {missing[:5]}"
    for msgid, text in translated.items():
        for source, words in zip(*_forms(msgid, text), strict=False):
            assert set(PLACEHOLDER.findall(source)) == set(PLACEHOLDER.findall(words)), msgid
            assert source.count("**") == words.count("**"), msgid


def _forms(msgid: object, text: object) -> tuple[list[str], list[str]]:
    """A message's source and translated forms, side by side: the plural's last form is
    compared with each translated form past the first."""
    if isinstance(msgid, tuple):
        forms = list(text) if isinstance(text, tuple | list) else [str(text)]
        return [msgid[0]] + [msgid[1]] * (len(forms) - 1), forms
    return [str(msgid)], [str(text)]


def test_plural_forms_follow_the_number() -> None:
    from bot.i18n import NP_

    pair = NP_("{n} need", "{n} needs")
    assert str(Tr("en").plural(*pair, 1)) == "1 need"
    assert str(Tr("en").plural(*pair, 2)) == "2 needs"
    assert str(Tr("fr").plural(*pair, 1)) != str(Tr("fr").plural(*pair, 2))


def test_the_check_notices_a_missing_message(tmp_path: Path) -> None:
    assert "From now on I will write to you in English." in source_messages()
    assert "a string nobody wrote" not in source_messages()


def test_translations_are_used() -> None:
    assert str(Tr("fr")("From now on I will write to you in English.")).startswith("Désormais")
    assert str(Tr("es")("✖ Cancel")) == "✖ Cancelar"
    assert str(Tr("en")("✖ Cancel")) == "✖ Cancel"


def raised_keys() -> set[str]:
    pattern = re.compile(
        r"(?:InvalidInput|PermissionDenied|NotFound|Conflict|DomainError)\(\s*\"([a-z_.]+)\""
    )
    keys = set()
    for path in [*ROOT.joinpath("core").rglob("*.py"), *ROOT.joinpath("bot").rglob("*.py")]:
        keys |= set(pattern.findall(path.read_text(encoding="utf-8")))
    return keys


def test_every_domain_error_has_words() -> None:
    keys = raised_keys()
    assert {"invalid.country", "denied.not_owner"} <= keys
    assert sorted(keys - set(MESSAGES)) == []
