"""Numbers as the IATI file writes them: decimals without exponent or trailing zeros, and
percentages that add up to exactly 100, as the IATI Standard Ruleset checks."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from core.iati_parts import clean, number, shares


def test_numbers_read_as_written() -> None:
    cases = {
        "1.20": "1.2",
        "100.00": "100",
        "0.00": "0",
        "250000.50": "250000.5",
        "-1.50": "-1.5",
        "1E+2": "100",
        "10": "10",
    }
    assert {raw: number(Decimal(raw)) for raw in cases} == cases


@given(st.integers(min_value=1, max_value=400))
def test_shares_add_up_to_exactly_100(count: int) -> None:
    found = [Decimal(s) for s in shares(count)]
    assert len(found) == count
    assert sum(found) == 100
    assert all(s > 0 for s in found)
    assert max(found) - min(found) <= Decimal("0.01")


def test_no_share_of_nothing() -> None:
    assert shares(0) == []
    assert shares(3) == ["33.33", "33.33", "33.34"]


def test_text_xml_cannot_carry() -> None:
    assert clean(" a\x00b\x07c\x0bd\x1fe\ud800f\ufffe ") == "abcdef"
    assert clean("tab\tline\nreturn\r") == "tab\tline\nreturn"
