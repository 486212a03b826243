"""Translations: gettext catalogs (bot/locales/<lang>/LC_MESSAGES/messages.po) read with Babel,
plus localised names of countries, regions, dates and amounts from Babel's CLDR data.
Vocabulary labels travel with the vocabulary data itself (see core.vocabularies).

Strings are marked with N_() (pairs of plural forms with NP_()) where they are declared and
translated when a reply is built, in the language of the person it is for."""

from __future__ import annotations

import io
import unicodedata
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal, format_percent
from babel.support import NullTranslations, Translations

from bot.text import Text, markup
from core.people import LANGUAGES
from core.vocabularies import Term

LANGUAGE_NAMES = {
    "en": "English",
    "fr": "Français",
    "es": "Español",
    "ar": "العربية",
    "zh": "中文",
    "ru": "Русский",
}
RTL = frozenset({"ar"})  # written right to left: parameters are isolated (see Tr.__call__)
LOCALES_DIR = Path(__file__).parent / "locales"


def N_(msgid: str) -> str:
    """Marks a string for extraction into the catalogs; translated later, per person."""
    return msgid


def NP_(singular: str, plural: str) -> tuple[str, str]:
    """Marks a pair of plural forms for extraction (keyword `NP_:1,2`); translated later
    with Tr.plural(*pair, n), which picks the form that fits n in the reader's language."""
    return singular, plural


def supported(language: str | None, fallback: str = "en") -> str:
    """One of LANGUAGES for a platform's language tag: "ru-RU" is "ru", "zh-Hans" and
    "zh-CN" are "zh" (CLDR's "zh" is Simplified Chinese), "ar-EG" is "ar"."""
    code = (language or "").split("-")[0].split("_")[0].lower()
    return code if code in LANGUAGES else fallback


@cache
def _translations(language: str, directory: Path = LOCALES_DIR) -> NullTranslations:
    po = directory / language / "LC_MESSAGES" / "messages.po"
    if not po.is_file():
        return NullTranslations()
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(fp=buffer)


def fold(text: str) -> str:
    """Case- and accent-insensitive form, for matching what people type against labels;
    direction marks and isolates (format characters) and Arabic's tatweel do not count."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = (
        c
        for c in decomposed
        if not unicodedata.combining(c) and unicodedata.category(c) != "Cf" and c != "\u0640"
    )
    return " ".join("".join(kept).split())


def is_rtl(language: str) -> bool:
    return supported(language) in RTL


class Tr:
    """Everything a reply needs to speak one person's language."""

    def __init__(self, language: str) -> None:
        self.language = supported(language)
        self._gettext = _translations(self.language)
        self._locale = Locale.parse(self.language)
        self.rtl = self.language in RTL

    def __call__(self, msgid: str, **params: Any) -> Text:
        """The translated template with its parameters filled in; in a language written
        right to left, each parameter is isolated (FSI … PDI) so that a Latin name, a code
        or a number inside it keeps its order and does not reorder the sentence around it."""
        return markup(self._gettext.gettext(msgid), isolate=self.rtl, **params)

    def s(self, msgid: str, **params: Any) -> str:
        """A translated plain string (button labels, where no formatting is possible)."""
        return str(self(msgid, **params))

    def plural(self, singular: str, plural: str, n: int, **params: Any) -> Text:
        return markup(self._gettext.ngettext(singular, plural, n), isolate=self.rtl, n=n, **params)

    def term(self, term: Term | None, code: str = "") -> str:
        return term.label(self.language) if term else code

    def country(self, code: str | None) -> str:
        return self._locale.territories.get(code or "", code or "")

    def region(self, code: str | None) -> str:
        if code == "001":
            return self.s(N_("Worldwide"))
        return self._locale.territories.get(code or "", code or "")

    def territories(self) -> dict[str, str]:
        return dict(self._locale.territories)

    def date(self, value: date | None) -> str:
        return format_date(value, "medium", locale=self._locale) if value else "—"

    def money(self, amount: Decimal, currency: str) -> str:
        return format_currency(amount, currency, locale=self._locale)

    def percent(self, share: Decimal) -> str:
        return format_percent(share, locale=self._locale)

    def number(self, value: Decimal) -> str:
        return format_decimal(
            value.normalize() if value == value.to_integral() else value, locale=self._locale
        )
