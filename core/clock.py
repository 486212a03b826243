"""One place that says what time it is, so tests and simulations can move time."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """Naive datetimes are refused rather than guessed at: every time we store is UTC."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: every time must carry a timezone")
    return moment.astimezone(UTC)
