"""The quiet-hours rule on purpose at night and by day, in the recipient's own time, with the
clock given: no test of the suite depends on the hour it runs at."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from core.quiet_hours import QuietHours
from core.reminders import Policy, not_before
from tests.factories import daytime_zone

PHNOM_PENH = ZoneInfo("Asia/Phnom_Penh")  # UTC+7, no daylight saving
POLICY = Policy(quiet=QuietHours())  # 20:00 to 08:00


def test_a_notice_written_at_3_in_the_night_waits_for_8_local() -> None:
    night = datetime(2027, 3, 31, 3, 0, tzinfo=PHNOM_PENH).astimezone(UTC)
    held = not_before(night, "Asia/Phnom_Penh", POLICY)
    assert held.astimezone(PHNOM_PENH) == datetime(2027, 3, 31, 8, 0, tzinfo=PHNOM_PENH)


def test_a_notice_written_at_15_local_goes_at_once() -> None:
    afternoon = datetime(2027, 3, 31, 15, 0, tzinfo=PHNOM_PENH).astimezone(UTC)
    assert not_before(afternoon, "Asia/Phnom_Penh", POLICY) == afternoon


def test_a_notice_written_at_21_local_waits_for_the_next_morning() -> None:
    evening = datetime(2027, 3, 31, 21, 0, tzinfo=PHNOM_PENH).astimezone(UTC)
    held = not_before(evening, "Asia/Phnom_Penh", POLICY)
    assert held.astimezone(PHNOM_PENH) == datetime(2027, 4, 1, 8, 0, tzinfo=PHNOM_PENH)


@pytest.mark.parametrize("hour", range(24))
def test_the_daytime_zone_of_the_tests_is_day_at_every_hour(hour: int) -> None:
    now = datetime(2027, 3, 31, hour, 17, tzinfo=UTC)
    zone, today = daytime_zone(now)
    local = now.astimezone(ZoneInfo(zone))
    assert local.hour == 13 and local.date() == today
    assert not_before(now, zone, POLICY) == now
    # and it stays day for the length of a slow test
    assert not_before(now + timedelta(hours=3), zone, POLICY) == now + timedelta(hours=3)


def test_a_match_notice_written_at_night_waits_for_the_morning(db, vocab) -> None:
    """Event notices keep quiet hours too, not only the sweeps' (a match notice once came at
    02:35 local time)."""
    from core import quiet_hours
    from core.models import Notification, Stakeholder
    from core.notifications import enqueue
    from tests.factories import person

    quiet_hours.configure(QuietHours())
    with db.write() as s:
        someone = person(s, vocab)
        s.get(Stakeholder, someone.id).timezone = "Asia/Phnom_Penh"
        night = datetime(2027, 3, 31, 2, 35, tzinfo=PHNOM_PENH).astimezone(UTC)
        day = datetime(2027, 3, 31, 15, 0, tzinfo=PHNOM_PENH).astimezone(UTC)
        enqueue(s, someone.id, "match_proposed", "k-night", {"match_id": 1}, now=night)
        enqueue(s, someone.id, "match_proposed", "k-day", {"match_id": 1}, now=day)
    with db.read() as s:
        held = {n.idempotency_key: n.next_attempt_at for n in s.exec(select(Notification))}
    assert held["k-night"].astimezone(PHNOM_PENH) == datetime(2027, 3, 31, 8, tzinfo=PHNOM_PENH)
    assert held["k-day"] == day


def test_quiet_hours_are_a_setting() -> None:
    assert QuietHours.parse("off") is None
    assert QuietHours.parse("21:30-07:00") == QuietHours(time(21, 30), time(7, 0))
