"""The quiet-hours rule on purpose at night and by day, in the recipient's own time, with the
clock given: no test of the suite depends on the hour it runs at."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.reminders import Policy, not_before
from tests.factories import daytime_zone

PHNOM_PENH = ZoneInfo("Asia/Phnom_Penh")  # UTC+7, no daylight saving


def test_a_notice_written_at_3_in_the_night_waits_for_8_local() -> None:
    night = datetime(2027, 3, 31, 3, 0, tzinfo=PHNOM_PENH).astimezone(UTC)
    held = not_before(night, "Asia/Phnom_Penh", Policy())
    assert held.astimezone(PHNOM_PENH) == datetime(2027, 3, 31, 8, 0, tzinfo=PHNOM_PENH)


def test_a_notice_written_at_15_local_goes_at_once() -> None:
    afternoon = datetime(2027, 3, 31, 15, 0, tzinfo=PHNOM_PENH).astimezone(UTC)
    assert not_before(afternoon, "Asia/Phnom_Penh", Policy()) == afternoon


def test_a_notice_written_at_21_local_waits_for_the_next_morning() -> None:
    evening = datetime(2027, 3, 31, 21, 0, tzinfo=PHNOM_PENH).astimezone(UTC)
    held = not_before(evening, "Asia/Phnom_Penh", Policy())
    assert held.astimezone(PHNOM_PENH) == datetime(2027, 4, 1, 8, 0, tzinfo=PHNOM_PENH)


@pytest.mark.parametrize("hour", range(24))
def test_the_daytime_zone_of_the_tests_is_day_at_every_hour(hour: int) -> None:
    now = datetime(2027, 3, 31, hour, 17, tzinfo=UTC)
    zone, today = daytime_zone(now)
    local = now.astimezone(ZoneInfo(zone))
    assert local.hour == 13 and local.date() == today
    assert not_before(now, zone, Policy()) == now
    # and it stays day for the length of a slow test
    assert not_before(now + timedelta(hours=3), zone, Policy()) == now + timedelta(hours=3)
