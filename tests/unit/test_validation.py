from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from core.errors import InvalidInput
from core.listings import validate_draft
from core.models.enums import Coverage, Priority, Visibility
from core.validation import (
    check_country,
    check_currency,
    check_positive,
    check_region,
    check_window,
    clean_text,
)
from tests.factories import need, offer


def error_of(call, *args, **kwargs) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        call(*args, **kwargs)
    return caught.value


def test_clean_text_trims_normalises_and_drops_control_characters() -> None:
    assert clean_text("  Cafe\u0301\x07 ", "title", max_len=10) == "Café"


def test_clean_text_limits() -> None:
    assert error_of(clean_text, "   ", "title", min_len=3, max_len=10).key == "invalid.required"
    short = error_of(clean_text, "ab", "title", min_len=3, max_len=10)
    assert (short.key, short.field, short.params) == ("invalid.too_short", "title", {"min": 3})
    long = error_of(clean_text, "x" * 11, "title", max_len=10)
    assert long.key == "invalid.too_long" and long.params == {"max": 10, "length": 11}


def test_country_codes(vocab) -> None:
    assert check_country(vocab, " kh ") == "KH"
    assert error_of(check_country, vocab, "XX").key == "invalid.country"
    assert error_of(check_country, vocab, None).key == "invalid.country"


def test_region_codes_accept_unpadded_numbers(vocab) -> None:
    assert check_region(vocab, "35") == "035"
    assert check_region(vocab, "202") == "202"
    assert error_of(check_region, vocab, "999").key == "invalid.region"


def test_currencies(vocab) -> None:
    assert check_currency(vocab, "eur") == "EUR"
    assert error_of(check_currency, vocab, "EUX").key == "invalid.currency"


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("abc", "invalid.number"),
        ("NaN", "invalid.number"),
        ("Infinity", "invalid.number"),
        ("0", "invalid.not_positive"),
        ("-5", "invalid.not_positive"),
        ("1e16", "invalid.too_large"),
        (None, "invalid.number"),
    ],
)
def test_positive_numbers_refused(raw, key) -> None:
    assert error_of(check_positive, raw, "amount").key == key


def test_positive_numbers_accept_thousands_separators() -> None:
    assert check_positive("250,000.5", "amount") == Decimal("250000.50")


def test_time_window() -> None:
    today = date(2026, 1, 10)
    check_window(today, today, today=today)
    assert error_of(check_window, today, today - timedelta(days=1)).key == "invalid.window_order"
    past = error_of(check_window, None, today - timedelta(days=1), today=today)
    assert past.key == "invalid.window_past"


def test_a_need_gets_its_region_and_a_default_priority(vocab) -> None:
    draft = validate_draft(need(country="kh", priority=None), vocab)
    assert (draft.country, draft.region, draft.priority) == ("KH", "035", Priority.medium)


def test_a_need_cannot_be_global(vocab) -> None:
    failure = error_of(validate_draft, need(coverage=Coverage.world, country=None), vocab)
    assert (failure.key, failure.field) == ("invalid.need_global", "coverage")


def test_an_offer_may_be_global_and_has_no_priority(vocab) -> None:
    draft = validate_draft(offer(priority=Priority.high, country="FR"), vocab)
    assert draft.priority is None and draft.country is None and draft.region is None


def test_an_offer_cannot_be_restricted(vocab) -> None:
    failure = error_of(validate_draft, offer(visibility=Visibility.restricted), vocab)
    assert failure.key == "invalid.offer_restricted"


def test_region_coverage_clears_the_country(vocab) -> None:
    draft = validate_draft(offer(coverage=Coverage.region, region="202", country="FR"), vocab)
    assert (draft.country, draft.region) == (None, "202")


@pytest.mark.parametrize(
    ("changes", "key", "field"),
    [
        ({"title": "ab"}, "invalid.too_short", "title"),
        ({"assistance_type": "money"}, "invalid.choice", "assistance_type"),
        ({"areas": []}, "invalid.required", "areas"),
        ({"areas": ["victim_assistance", "cooking"]}, "invalid.choice", "areas"),
        ({"country": "ZZ"}, "invalid.country", "country"),
        ({"amount": Decimal(10), "currency": None}, "invalid.currency_required", "currency"),
        ({"currency": "USD"}, "invalid.amount_required", "amount"),
        ({"quantity": Decimal(3), "unit": " "}, "invalid.required", "unit"),
        ({"modality": "telepathy"}, "invalid.choice", "modality"),
        (
            {"available_from": date(2026, 5, 1), "available_until": date(2026, 4, 1)},
            "invalid.window_order",
            "available_until",
        ),
    ],
)
def test_every_invalid_field_is_named(vocab, changes, key, field) -> None:
    failure = error_of(validate_draft, need(**changes), vocab)
    assert (failure.key, failure.field) == (key, field)


def test_duplicate_areas_are_folded(vocab) -> None:
    draft = validate_draft(need(areas=["victim_assistance", "victim_assistance"]), vocab)
    assert draft.areas == ["victim_assistance"]


def test_invisible_characters_neither_fill_a_name_nor_reorder_it() -> None:
    import pytest

    from core.errors import InvalidInput
    from core.validation import clean_text

    with pytest.raises(InvalidInput):
        clean_text("\u200b\u200b\ufeff", "name", min_len=2, max_len=20)
    assert clean_text("Ana\u202e López\u2066", "name", min_len=2, max_len=20) == "Ana López"
    assert clean_text("می\u200cخواهم", "name", min_len=2, max_len=20) == "می\u200cخواهم"
