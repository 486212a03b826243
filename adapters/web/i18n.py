"""The web pages' languages: their own gettext domain ("web", catalogs in
adapters/web/locales/<lang>/LC_MESSAGES/web.po, compiled when first read, as bot.i18n does for
the chat's), the choice of a language for a request, and one Jinja environment per language.

Strings in Python are marked W_("…") and translated where they are shown; in templates they
are {% trans %} blocks or _("…"). Refresh the catalogs with

    .venv/bin/pybabel extract -F adapters/web/babel.cfg -k W_ --no-location --sort-output \
        --omit-header -o adapters/web/locales/web.pot .
    .venv/bin/pybabel update -D web -i adapters/web/locales/web.pot -d adapters/web/locales \
        --no-fuzzy-matching --ignore-obsolete

and translate the new entries; tests/web/test_catalogs.py fails while one is missing."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path

import jinja2
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from markupsafe import Markup

from bot.i18n import LANGUAGE_NAMES, LANGUAGES, is_rtl

HERE = Path(__file__).parent
LOCALES_DIR = HERE / "locales"
TEMPLATES_DIR = HERE / "templates"
DOMAIN = "web"
COOKIE = "lang"  # holds the language and nothing else


def W_(msgid: str) -> str:
    """Marks a string for the web catalogs; translated where it is shown."""
    return msgid


@cache
def translations(language: str) -> NullTranslations:
    po = LOCALES_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po.is_file():
        return NullTranslations()  # English: the msgids are the English text
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=language, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


@cache
def environment(language: str) -> jinja2.Environment:
    """The templates in one language. Autoescaping is on for everything, SVG included, and
    an undefined name is an error rather than an empty string. `text_direction` is "rtl" in a
    language written right to left (Arabic), for <html dir>: the style sheet's logical
    properties mirror the layout from it; there, the `isolate` filter puts people's text in
    <bdi> (elsewhere it changes nothing)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    rtl = is_rtl(language)
    env.globals["text_direction"] = "rtl" if rtl else "ltr"  # <html dir=…>
    env.filters["isolate"] = _isolate if rtl else _as_is
    return env


def _isolate(text: object) -> Markup:
    """People's text (a title, a name) in a right-to-left page: in <bdi>, so that a Latin
    title ending in "(KH)" keeps its brackets where they belong."""
    return Markup("<bdi>{}</bdi>").format(text)


def _as_is(text: object) -> object:
    return text


def _accepted(header: str) -> list[str]:
    """The languages of an Accept-Language header, the most wanted first."""
    weighted = []
    for position, part in enumerate(header.split(",")):
        code, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if code and quality > 0:
            weighted.append((-quality, position, code.split("-")[0].split("_")[0].lower()))
    return [code for _, _, code in sorted(weighted)]


def choose_language(
    query: Mapping[str, str],
    cookies: Mapping[str, str],
    accept_language: str,
    languages: Sequence[str] = LANGUAGES,
) -> tuple[str, bool]:
    """The language of a page: the one asked for in the link (?lang=), else the one
    remembered, else the browser's, else the first. True when the link asked for it."""
    asked = (query.get("lang") or "").lower()
    if asked in languages:
        return asked, True
    remembered = (cookies.get(COOKIE) or "").lower()
    if remembered in languages:
        return remembered, False
    for code in _accepted(accept_language):
        if code in languages:
            return code, False
    return languages[0], False


def language_names(languages: Sequence[str]) -> dict[str, str]:
    """Each language in its own name, as a switch shows them."""
    return {code: LANGUAGE_NAMES.get(code, code) for code in languages}


__all__ = [
    "COOKIE",
    "LANGUAGES",
    "W_",
    "choose_language",
    "environment",
    "language_names",
    "translations",
]
