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


def source_messages() -> set[str]:
    found = set()
    for package in ("bot", "core", "adapters"):
        for _, _, message, _, _ in extract_from_dir(
            ROOT / package, method_map=[("**.py", "python")], keywords={"N_": None}
        ):
            found.add(message)
    return found


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_every_message_is_translated(language: str) -> None:
    with (LOCALES_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=language)
    translated = {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}
    missing = sorted(source_messages() - set(translated))
    assert not missing, f"{language} catalog lacks {len(missing)}: {missing[:5]}"
    for msgid, text in translated.items():
        assert set(PLACEHOLDER.findall(msgid)) == set(PLACEHOLDER.findall(text)), msgid
        assert msgid.count("**") == text.count("**"), msgid


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
