"""Quiet hours: a notice written at night where its recipient is waits until the morning,
in the recipient's own time zone. Every notice keeps them, from a sweep or from an event.

The hours are a setting (PARTNERBOT_QUIET_HOURS), applied once by the composition root;
tests turn them off unless they test them, with a clock of their own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


@dataclass(frozen=True)
class QuietHours:
    start: time = time(20, 0)
    end: time = time(8, 0)

    @classmethod
    def parse(cls, text: str) -> QuietHours | None:
        """'20:00-08:00', or 'off' for none."""
        if text.strip().lower() in ("off", "none", ""):
            return None
        start, _, end = text.partition("-")
        return cls(time.fromisoformat(start.strip()), time.fromisoformat(end.strip()))


DEFAULT = QuietHours()
_configured: list[QuietHours | None] = [DEFAULT]


def configure(hours: QuietHours | None) -> None:
    _configured[0] = hours


def current() -> QuietHours | None:
    return _configured[0]


@cache
def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def not_before(now: datetime, timezone: str, hours: QuietHours | None = DEFAULT) -> datetime:
    """`now`, or the end of the recipient's quiet hours if it is night where they are."""
    if hours is None:
        return now
    local = now.astimezone(zone(timezone))
    quiet = local.time() >= hours.start or local.time() < hours.end
    if not quiet:
        return now
    day = local.date() + (timedelta(days=1) if local.time() >= hours.start else timedelta(0))
    return datetime.combine(day, hours.end, tzinfo=local.tzinfo).astimezone(now.tzinfo)
