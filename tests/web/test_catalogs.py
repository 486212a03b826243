"""The web pages' catalogs: every string of the pages (templates and Python) is translated
in French and Spanish, keeps its placeholders, and holds nothing a page would read as
markup (the templates trust their translations, so that they are not escaped twice)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from adapters.web.i18n import LOCALES_DIR, translations

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")


def page_strings() -> set[str | tuple[str, str]]:
    with (ROOT / "adapters/web/babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    keywords = {**DEFAULT_KEYWORDS, "W_": None}
    found: set[str | tuple[str, str]] = set()
    for _, _, message, _, _ in extract_from_dir(
        ROOT, method_map, options_map, keywords=keywords, strip_comment_tags=True
    ):
        found.add(message if isinstance(message, str) else (message[0], message[1]))
    return found


def placeholders(text: str) -> set[str]:
    return {a or b for a, b in PLACEHOLDER.findall(text)}


@pytest.mark.parametrize("language", ["fr", "es"])
def test_every_page_string_is_translated(language: str) -> None:
    strings = page_strings()
    assert len(strings) > 100  # the extraction found the templates and the Python alike
    with (LOCALES_DIR / language / "LC_MESSAGES" / "web.po").open("rb") as po:
        catalog = read_po(po, locale=language)
    missing = []
    for msgid in strings:
        key = msgid[0] if isinstance(msgid, tuple) else msgid
        message = catalog.get(key)
        forms = (
            list(message.string)
            if message and isinstance(message.string, tuple)
            else [message.string if message else ""]
        )
        if message is None or message.fuzzy or not all(forms):
            missing.append(key)
            continue
        original = " ".join(msgid) if isinstance(msgid, tuple) else msgid
        for form in forms:
            assert placeholders(form) <= placeholders(original) | {"num"}, (key, form)
            assert placeholders(original) - {"num"} <= placeholders(form), (key, form)
            assert not set(form) & set('<>"&'), (key, form)
    assert not missing, f"{language}: not translated: {sorted(missing)}"


def test_the_catalogs_are_read_as_the_pages_read_them() -> None:
    assert translations("fr").gettext("Offers") == "Offres"
    assert translations("es").ngettext("%(num)d need", "%(num)d needs", 2) == "%(num)d necesidades"
    assert translations("en").gettext("Offers") == "Offers"
