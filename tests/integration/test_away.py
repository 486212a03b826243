"""Time away, on SQLite and PostgreSQL: no reminders, freshness prompts or outcome questions
while someone is away, no escalation of a report due in their time away (the digest says
until when they are away), one summary on their return; an organisation's holidays count for
all its people."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from bot.chatbot import ChatBot
from bot.i18n import Tr
from bot.notices import render_notice
from core.away import set_away, set_holidays
from core.errors import PermissionDenied
from core.models import ChannelIdentity, Notification, Stakeholder, StakeholderRole
from core.models.enums import Platform, Role
from core.people import load_actor
from core.reminders import Policy, sweep
from tests.chat import Person, onboard
from tests.factories import active_partnership

DUE = date(2027, 3, 31)
POLICY = Policy(quiet=None)


def run_sweep(db, now: datetime) -> Counter:
    with db.write() as s:
        before = {n.id for n in s.exec(select(Notification))}
        sweep(s, now, POLICY)
        return Counter(n.kind for n in s.exec(select(Notification)) if n.id not in before)


def chat_person(db, stakeholder_id: int, user: str) -> None:
    with db.write() as s:
        s.add(
            ChannelIdentity(
                stakeholder_id=stakeholder_id,
                platform=Platform.console,
                external_user_id=user,
                chat_id=user,
            )
        )


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def test_away_holds_reminders_and_escalation_and_sends_one_summary_on_return(db, vocab) -> None:
    with db.write() as s:
        _pid, field, donor = active_partnership(s, vocab, first_due=DUE)
        coordinator_id = s.exec(
            select(StakeholderRole.stakeholder_id).where(StakeholderRole.role == Role.coordinator)
        ).first()
    chat_person(db, field.id, "field")
    bot = ChatBot(db, vocab, clock=lambda: at(DUE - timedelta(days=10)))
    field_person = Person(bot, "field")
    field_person.command("away", "2027-04-12")
    assert "you are away until Apr 12, 2027" in field_person.text
    # Seven days before, the due day, and a week late: the field contact hears nothing,
    # the donor is reminded; nobody escalates a report due while a partner is away.
    for day in (DUE - timedelta(days=7), DUE, DUE + timedelta(days=8)):
        sent = run_sweep(db, at(day))
        assert sent["report_escalation"] == 0
    with db.read() as s:
        reminded = {
            n.stakeholder_id for n in s.exec(select(Notification)) if n.kind == "report_reminder"
        }
        digest = next(n for n in s.exec(select(Notification)) if n.kind == "digest")
        text = "\n".join(str(r.text) for r in render_notice(s, vocab, Tr("en"), digest))
    assert reminded == {donor.id}
    assert "away until Apr 12, 2027" in text
    assert digest.stakeholder_id == coordinator_id
    # Back: one summary, with the report to write; the reminder of the stage now due
    back = run_sweep(db, at(date(2027, 4, 13)))
    assert back["back_from_away"] == 1 and back["report_reminder"] == 1
    assert run_sweep(db, at(date(2027, 4, 13), 10))["back_from_away"] == 0
    with db.read() as s:
        summary = next(n for n in s.exec(select(Notification)) if n.kind == "back_from_away")
        replies = render_notice(s, vocab, Tr("en"), summary)
        assert s.get(Stakeholder, field.id).away_until is None
    assert "Welcome back" in str(replies[0].text) and "1 report to write" in str(replies[0].text)


def test_back_early_with_away_off(db, vocab) -> None:
    with db.write() as s:
        _pid, field, _donor = active_partnership(s, vocab, first_due=DUE)
    chat_person(db, field.id, "field")
    bot = ChatBot(db, vocab, clock=lambda: at(DUE - timedelta(days=20)))
    field_person = Person(bot, "field")
    field_person.command("away")
    field_person.answer("Until when are you away?", say="2027-05-01")
    assert "you are away until May 1, 2027" in field_person.text
    field_person.command("away", "off")
    assert "Welcome back" in field_person.text
    sent = run_sweep(db, at(DUE - timedelta(days=7)))
    assert sent["back_from_away"] == 1 and sent["report_reminder"] == 2


def test_an_organisations_holidays_count_for_its_people(db, vocab) -> None:
    with db.write() as s:
        _pid, field, donor = active_partnership(s, vocab, first_due=DUE)
        boss_id = s.exec(
            select(StakeholderRole.stakeholder_id).where(StakeholderRole.role == Role.coordinator)
        ).first()
        boss = load_actor(s, boss_id)
        set_holidays(
            s,
            boss,
            donor.organisation_id,
            DUE - timedelta(days=10),
            DUE + timedelta(days=10),
            today=DUE - timedelta(days=20),
        )
    sent = run_sweep(db, at(DUE - timedelta(days=7)))
    with db.read() as s:
        reminded = {
            n.stakeholder_id for n in s.exec(select(Notification)) if n.kind == "report_reminder"
        }
    assert sent["report_reminder"] == 1 and reminded == {field.id}


def test_away_is_refused_for_more_than_a_year_or_in_the_past(db, vocab) -> None:
    bot = ChatBot(db, vocab, clock=lambda: at(date(2027, 1, 10)))
    ana = Person(bot, "ana")
    onboard(ana)
    ana.command("away", "2029-01-01")
    assert "at most a year" in ana.text
    ana.command("away")
    ana.answer("Until when are you away?", say="2026-12-01")
    ana.expect("Until when are you away?")  # the error, and the question again
    assert "already passed" in ana.text


def test_only_coordinators_set_holidays(db, vocab) -> None:
    with db.write() as s:
        _pid, field, donor = active_partnership(s, vocab, first_due=DUE)
        with pytest.raises(PermissionDenied):
            set_holidays(s, field, donor.organisation_id, DUE, DUE, today=DUE)
        set_away(s, field, DUE, today=DUE)
