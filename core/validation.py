"""Field rules shared by the use cases and by the dialogs that ask for each field.
Each check returns the cleaned value or raises InvalidInput with a message key."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation

from core.errors import InvalidInput
from core.vocabularies import Vocabularies, Vocabulary

MAX_AMOUNT = Decimal("1e15")
# Control characters, and the invisible ones that make a blank name look filled or reorder
# what others read (zero-width space, word joiner, byte-order mark, bidirectional overrides
# and isolates). The zero-width joiners stay: Arabic and Persian spelling needs them.
_CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\u2060\ufeff\u202a-\u202e\u2066-\u2069]"
)


def clean_text(value: str | None, field: str, *, min_len: int = 0, max_len: int) -> str:
    """Trimmed, NFC-normalised text without control characters, within the given length."""
    text = unicodedata.normalize("NFC", _CONTROL.sub("", value or "")).strip()
    if len(text) < min_len:
        key = "invalid.required" if not text else "invalid.too_short"
        raise InvalidInput(key, field=field, min=min_len)
    if len(text) > max_len:
        raise InvalidInput("invalid.too_long", field=field, max=max_len, length=len(text))
    return text


def check_code(vocabulary: Vocabulary, code: str | None, field: str) -> str:
    if code not in vocabulary:
        raise InvalidInput("invalid.choice", field=field, value=str(code))
    return str(code)


def check_country(vocab: Vocabularies, code: str | None, field: str = "country") -> str:
    normal = (code or "").strip().upper()
    if normal not in vocab.countries:
        raise InvalidInput("invalid.country", field=field, value=code or "")
    return normal


def check_region(vocab: Vocabularies, code: str | None, field: str = "region") -> str:
    normal = (code or "").strip()
    if normal.isdigit():
        normal = normal.zfill(3)
    if normal not in vocab.regions:
        raise InvalidInput("invalid.region", field=field, value=code or "")
    return normal


def check_currency(vocab: Vocabularies, code: str | None, field: str = "currency") -> str:
    normal = (code or "").strip().upper()
    if normal not in vocab.currencies:
        raise InvalidInput("invalid.currency", field=field, value=code or "")
    return normal


def check_positive(value: Decimal | int | str | None, field: str) -> Decimal:
    try:
        number = Decimal(str(value).strip().replace(",", "")) if value is not None else None
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise InvalidInput("invalid.number", field=field, value=str(value))
    if number <= 0:
        raise InvalidInput("invalid.not_positive", field=field)
    if number >= MAX_AMOUNT:
        raise InvalidInput("invalid.too_large", field=field)
    return number.quantize(Decimal("0.01"))


def check_window(start: date | None, end: date | None, *, today: date | None = None) -> None:
    if start and end and end < start:
        raise InvalidInput("invalid.window_order", field="available_until")
    if today and end and end < today:
        raise InvalidInput("invalid.window_past", field="available_until")


_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>.]{2,}$")
_PHONE = re.compile(r"^\+?[0-9][0-9 ().-]{5,38}$")


def check_email(value: str | None, field: str = "email") -> str:
    text = clean_text(value, field, min_len=3, max_len=254)
    if not _EMAIL.match(text):
        raise InvalidInput("invalid.email", field=field)
    return text


def check_phone(value: str | None, field: str = "phone") -> str:
    text = clean_text(value, field, min_len=6, max_len=40)
    if not _PHONE.match(text):
        raise InvalidInput("invalid.phone", field=field)
    return text
