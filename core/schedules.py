"""Reporting schedules as dates: every due date counted from the first, the one after a
given date, and where a period starts."""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from datetime import date
from itertools import count

from core.models import ReportingSchedule
from core.models.enums import Frequency

MONTHS = {
    Frequency.monthly: 1,
    Frequency.quarterly: 3,
    Frequency.half_yearly: 6,
    Frequency.yearly: 12,
}


def add_months(day: date, months: int) -> date:
    """The same day of the month, `months` later (the 31st becomes the month's last day)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_dates(schedule: ReportingSchedule) -> Iterator[date]:
    """Every due date, counted from the first, so that the 31st stays the month's end
    (31 March, 30 June, 30 September, 31 December) instead of drifting to the 30th."""
    step = MONTHS[Frequency(schedule.frequency)]
    for n in count():
        yield add_months(schedule.first_due, n * step)


def due_after(schedule: ReportingSchedule, due: date) -> date:
    return next(d for d in due_dates(schedule) if d > due)


def period_start(schedule: ReportingSchedule, due: date) -> date:
    if due <= schedule.first_due:
        return add_months(schedule.first_due, -MONTHS[Frequency(schedule.frequency)])
    previous = schedule.first_due
    for day in due_dates(schedule):
        if day >= due:
            return previous
        previous = day
    raise AssertionError("unreachable")
