"""Web visits are counted per day, type of information and filter, and nothing else; the
links into the coordinators' pages are signed and expire."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from bot.visits import VisitTally
from core.signed_links import signed_for, verify
from core.storage import Database
from core.visits import visits_between

DAY = datetime(2026, 12, 2, 10, tzinfo=UTC)


def test_views_are_added_up_across_flushes_and_days(db: Database) -> None:
    now = [DAY]
    tally = VisitTally(clock=lambda: now[0])
    tally.view("offers", {"country": "KH", "area": "victim_assistance", "page": "3"})
    tally.view("offers", {"country": "KH"})
    tally.view("listing")
    assert tally.flush(db) == 6  # 3 views, 3 filters counted
    tally.view("offers", {"country": "KH"})
    now[0] = DAY + timedelta(days=1)
    tally.view("offers", {"country": "LA"})
    tally.flush(db)
    with db.read() as session:
        first = {
            (r.kind, r.filter_name, r.filter_value): r.count
            for r in visits_between(session, date(2026, 12, 2), date(2026, 12, 2))
        }
        both = {
            (r.kind, r.filter_name, r.filter_value): r.count
            for r in visits_between(session, date(2026, 12, 2), date(2026, 12, 3))
        }
    assert first == {
        ("offers", "", ""): 3,
        ("offers", "country", "KH"): 3,
        ("offers", "area", "victim_assistance"): 1,
        ("listing", "", ""): 1,
    }
    assert both[("offers", "", "")] == 4 and both[("offers", "country", "LA")] == 1
    assert ("offers", "page", "3") not in both  # paging is not information accessed


def test_nothing_about_the_visitor_is_stored(db: Database) -> None:
    with db.read() as session:
        columns = {c["name"] for c in sa.inspect(session.get_bind()).get_columns("web_visit")}
    assert columns == {"id", "day", "kind", "filter_name", "filter_value", "count"}


def test_counts_survive_a_failed_flush(sqlite_db: Database, tmp_path) -> None:
    tally = VisitTally(clock=lambda: DAY)
    tally.view("gaps")
    broken = Database.from_url(f"sqlite:///{tmp_path / 'missing' / 'nowhere.db'}")
    try:
        tally.flush(broken)
    except Exception:
        pass
    else:
        raise AssertionError("a database that cannot be opened must fail the flush")
    assert tally.flush(sqlite_db) == 1


def test_signed_links_name_their_person_until_they_expire() -> None:
    secret = b"s" * 32
    token = signed_for(secret, 42, DAY, minutes=30)
    assert verify(secret, token, DAY + timedelta(minutes=29)) == 42
    assert verify(secret, token, DAY + timedelta(minutes=31)) is None
    assert verify(b"other" * 8, token, DAY) is None
    person, expiry, mac = token.split(".")
    assert verify(secret, f"43.{expiry}.{mac}", DAY) is None  # another person's link
    assert verify(secret, f"{person}.{int(expiry) + 3600}.{mac}", DAY) is None  # extended
    assert verify(secret, "garbage", DAY) is None


def test_a_token_in_other_characters_is_refused_not_an_error() -> None:
    assert verify(b"s" * 32, "1.2.é", DAY) is None
    assert verify(b"s" * 32, "1" * 500, DAY) is None
