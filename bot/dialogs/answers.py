"""Turning what a person typed into a value, one function per kind of answer. Each returns a
JSON-ready value (it is stored in the conversation row) or raises InvalidInput."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal
from functools import cache

from babel.dates import parse_date as babel_parse_date

from bot.dialogs.steps import Choice
from bot.i18n import LANGUAGES, Tr, fold
from core.errors import InvalidInput
from core.validation import check_positive
from core.vocabularies import Vocabularies


def _folded(*words: str) -> frozenset[str]:
    return frozenset(fold(word) for word in words)


# What people type for yes, no and "save", in the six languages, compared folded (fold()).
YES = _folded(
    *("yes", "y", "oui", "o", "si", "sí", "s", "ok", "1"),
    *("نعم", "أجل", "موافق", "да", "д", "ага", "是", "是的", "好", "对", "可以"),
)
NO = _folded("no", "n", "non", "2", "لا", "كلا", "нет", "н", "否", "不", "不是", "没有")
SAVE = _folded("save", "enregistrer", "guardar", "حفظ", "احفظ", "сохранить", "保存")
# Lists are split on these, the Arabic and the full-width Chinese ones with them.
LIST_SEPARATORS = re.compile(r"[;,\n；，、؛،]")
# Arabic's decimal and thousands separators, and the full-width comma and full stop.
_SEPARATORS = str.maketrans({"٫": ".", "٬": ",", "，": ",", "．": "."})
_SYMBOLS = {"$": "USD", "us$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "fr": "CHF"}
_SCALE = {"k": Decimal(1_000), "m": Decimal(1_000_000), "mn": Decimal(1_000_000)}
_AMOUNT = re.compile(
    r"^\s*(?P<pre>[^\d\s.,-]{1,4})?\s*(?P<num>-?[\d][\d\s.,']*)\s*(?P<scale>k|m|mn)?\b\s*(?P<post>.*)$",
    re.IGNORECASE,
)


def western_digits(text: str) -> str:
    """Arabic-Indic (٠-٩), Persian (۰-۹), full-width (０-９) and other decimal digits as
    0-9, with Arabic's decimal and thousands separators: "١٢٫٥" is "12.5"."""
    return "".join(
        str(unicodedata.decimal(c)) if not c.isascii() and c.isdecimal() else c for c in text
    ).translate(_SEPARATORS)


def split_list(text: str) -> list[str]:
    """The parts of a typed list, whichever comma or semicolon separates them."""
    return [part.strip() for part in LIST_SEPARATORS.split(text) if part.strip()]


def parse_number(text: str, field: str) -> str:
    return str(check_positive(_normalise_number(western_digits(text), field), field))


def _normalise_number(raw: str, field: str) -> str:
    """Accepts 250000, 250,000, 250 000, 250.000,50 and 1'000: the last separator followed
    by one or two digits is the decimal point, every other separator groups thousands."""
    digits = re.sub(r"[\s']", "", raw)
    match = re.search(r"[.,](\d{1,2})$", digits)
    whole, fraction = (digits[: match.start()], match.group(1)) if match else (digits, "")
    whole = re.sub(r"[.,]", "", whole)
    if not re.fullmatch(r"-?\d+", whole or "x"):
        raise InvalidInput("invalid.number", field=field, value=raw)
    return f"{whole}.{fraction}" if fraction else whole


def parse_money_or_quantity(text: str, vocab: Vocabularies, field: str) -> dict[str, str]:
    """'50000 USD', 'USD 50,000', '$50k', '40 kits' → an amount with currency, or a quantity
    with its unit."""
    match = _AMOUNT.match(western_digits(text).strip())
    if not match:
        raise InvalidInput("invalid.amount", field=field, value=text)
    number = Decimal(_normalise_number(match["num"], field))
    if match["scale"]:
        number *= _SCALE[match["scale"].lower()]
    pre, post = (match["pre"] or "").strip(), match["post"].strip()
    currency = _currency(pre, vocab) or _currency(post, vocab)
    if currency:
        return {"amount": str(check_positive(number, "amount")), "currency": currency}
    if pre:
        raise InvalidInput("invalid.currency", field="currency", value=pre)
    if not post:
        raise InvalidInput("invalid.amount_unit", field=field)
    unit = post[:32]
    return {"quantity": str(check_positive(number, "quantity")), "unit": unit}


def _currency(word: str, vocab: Vocabularies) -> str | None:
    word = word.strip().rstrip(".")
    if not word:
        return None
    if word.upper() in vocab.currencies:
        return word.upper()
    return _SYMBOLS.get(word.lower())


def parse_date(text: str, tr: Tr, field: str) -> str:
    raw = western_digits(text).strip()
    for pattern, order in (
        (r"(\d{4})-(\d{1,2})-(\d{1,2})", "ymd"),
        (r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", "dmy" if tr.language != "en" else "auto"),
        (r"(\d{4})-(\d{1,2})", "ym"),
    ):
        found = re.fullmatch(pattern, raw)
        if found:
            return _date_from(found.groups(), order, raw, field).isoformat()
    try:
        return babel_parse_date(raw, locale=tr.language).isoformat()
    except (ValueError, IndexError):
        raise InvalidInput("invalid.date", field=field, value=raw) from None


def _date_from(groups: tuple[str, ...], order: str, raw: str, field: str) -> date:
    numbers = [int(g) for g in groups]
    try:
        if order == "ymd":
            return date(numbers[0], numbers[1], numbers[2])
        if order == "ym":
            return date(numbers[0], numbers[1], 1)
        day, month, year = numbers
        if order == "auto" and month > 12 >= day:  # 03/25/2027 is American
            day, month = month, day
        return date(year, month, day)
    except ValueError:
        raise InvalidInput("invalid.date", field=field, value=raw) from None


def parse_yes_no(text: str, field: str) -> bool:
    word = fold(western_digits(text)).strip(" .!。！")
    if word in YES:
        return True
    if word in NO:
        return False
    raise InvalidInput("invalid.yes_no", field=field)


def match_country(text: str, tr: Tr, vocab: Vocabularies, field: str = "country") -> str:
    """A code (KH) or a name in the person's language or in English (Cambodia, Cambodge).
    Several candidates come back as suggestions for the person to tap."""
    return _match_place(text, tr, list(vocab.countries), field, "invalid.country")


def match_region(text: str, tr: Tr, vocab: Vocabularies, field: str = "region") -> str:
    raw = western_digits(text).strip()
    if raw.isascii() and raw.isdigit() and raw.zfill(3) in vocab.regions:
        return raw.zfill(3)
    return _match_place(raw, tr, sorted(vocab.regions), field, "invalid.region")


def _match_place(text: str, tr: Tr, codes: list[str], field: str, key: str) -> str:
    raw = text.strip()
    if raw.upper() in codes:
        return raw.upper()
    wanted = fold(raw)
    if len(wanted) < 2:
        raise InvalidInput(key, field=field, value=raw, suggestions=[])
    names = {code: _names(code) for code in codes}
    exact = [code for code, known in names.items() if wanted in known]
    if len(exact) == 1:
        return exact[0]
    partial = [code for code, known in names.items() if any(wanted in name for name in known)]
    if len(partial) == 1:
        return partial[0]
    raise InvalidInput(key, field=field, value=raw, suggestions=partial[:6])


@cache
def _names(code: str) -> frozenset[str]:
    """A place's name in every language we speak: people type what they know."""
    return frozenset(fold(Tr(language).region(code)) for language in LANGUAGES)


def match_choice(choices: list[Choice], text: str, name: str) -> str:
    """A number, a label or the start of one, or a unique part of one, whatever the case,
    accents or punctuation: people type what they see."""
    typed = fold(western_digits(text))
    if (
        typed.isascii()
        and typed.isdecimal()
        and len(typed) <= 4
        and 1 <= int(typed) <= len(choices)
    ):
        return choices[int(typed) - 1].value
    bare = _alnum(typed)
    exact = [c for c in choices if typed in (fold(c.label), fold(c.value))]
    starts = [c for c in choices if bare and _alnum(fold(c.label)).startswith(bare)]
    inside = [c for c in choices if len(bare) >= 3 and bare in _alnum(fold(c.label))]
    for found in (exact, starts, inside):
        if len(found) == 1:
            return found[0].value
    raise InvalidInput("invalid.choice_text", field=name)


def _alnum(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum())
