"""The follow-up process with a clock the test controls: partnerships in chat, reports,
reviews, and the sweeps (reminders, escalation, digests, stale listings), on SQLite and
PostgreSQL."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from bot.chatbot import ChatBot
from core.listings import create_listing
from core.matchmaking import decide, propose_matches
from core.models import Listing, Notification, Partnership, ProgressReport
from core.models.enums import ListingStatus, PartnershipStatus, ReportStatus, Role
from core.quiet_hours import QuietHours
from core.reminders import Policy, sweep
from tests.chat import Person, onboard
from tests.factories import active_partnership, need, offer, person


class Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


def run_sweep(db, now: datetime, policy: Policy | None = None) -> Counter:
    """Sweeps, and counts by kind the notices it wrote (not those it found written)."""
    with db.write() as s:
        before = {n.id for n in s.exec(select(Notification))}
        sweep(s, now, policy)
        return Counter(n.kind for n in s.exec(select(Notification)) if n.id not in before)


def notices(db, kind: str | None = None) -> list[Notification]:
    with db.read() as s:
        query = select(Notification).order_by(Notification.id)
        if kind:
            query = query.where(Notification.kind == kind)
        return list(s.exec(query))


START = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)  # a Monday


def test_a_partnership_is_built_and_confirmed_in_chat(db, vocab) -> None:
    clock = Clock(START)
    bot = ChatBot(db, vocab, clock=clock)
    ana, kim = Person(bot, "ana"), Person(bot, "kim")
    onboard(ana)
    onboard(
        kim,
        organisation="Nordic Fund",
        kind="Government",
        country="Norway",
        role="I offer assistance",
    )
    with db.write() as s:
        from core.models import ChannelIdentity
        from core.people import load_actor

        ids = {i.external_user_id: i.stakeholder_id for i in s.exec(select(ChannelIdentity))}
        ana_actor, kim_actor = load_actor(s, ids["ana"]), load_actor(s, ids["kim"])
        need_id = create_listing(s, vocab, ana_actor, need()).listing.id
        create_listing(s, vocab, kim_actor, offer(assistance_type="equipment"))
        [match] = propose_matches(s, vocab, need_id, threshold=0)
        decide(s, ana_actor, match.id, accept=True)
        decide(s, kim_actor, match.id, accept=True)
        partnership_id = s.exec(select(Partnership)).one().id
    ana.command("partnerships")
    assert "draft: waiting for every partner to confirm" in ana.text
    ana.tap("Confirm our participation")
    assert "add at least one objective" in ana.text
    ana.tap("Our responsibilities")
    ana.say("Run the workshop and report on fittings")
    ana.tap("Save")
    ana.tap("Add an objective")
    ana.say("Fit 40 prosthetic kits")
    ana.say("2027-12-31")
    ana.say("People fitted")
    ana.say("people")
    ana.tap("Skip")
    ana.say("40")
    ana.tap("By sex")
    ana.tap("Save")
    assert "Objective: Fit 40 prosthetic kits" in ana.text
    ana.tap("Reporting schedule")
    ana.tap("Quarterly")
    ana.say("2027-03-31")
    ana.tap("Save")
    assert "Reports: Quarterly, next due Mar 31, 2027" in ana.text
    kim.command("partnership", str(partnership_id))
    kim.tap("Add a commitment")
    kim.tap("Money")
    kim.say("50000 USD")
    kim.say("Fitting costs")
    kim.say("2027-2028")
    kim.tap("Save")
    assert "$50,000.00 (2027–2028) Fitting costs" in kim.text
    ana.command("partnership", str(partnership_id))
    ana.tap("Confirm our participation")
    kim.command("partnership", str(partnership_id))
    kim.tap("Confirm our participation")
    assert "— active" in kim.text
    with db.read() as s:
        assert s.get(Partnership, partnership_id).status == PartnershipStatus.active
    assert len(notices(db, "partnership_active")) == 2


def submit(bot: ChatBot, who: str, value: str = "12", *, narrative: str = "Good quarter") -> Person:
    partner = Person(bot, who)
    partner.command("report")
    partner.say(value)
    partner.say(narrative)
    partner.tap("Skip")
    partner.tap("Skip")
    partner.tap("Save")
    return partner


def test_a_quarterly_partnership_over_a_year(db, vocab) -> None:
    clock = Clock(START)
    bot = ChatBot(db, vocab, clock=clock)
    claire = Person(bot, "claire")
    onboard(
        claire,
        organisation="Support Unit",
        kind="Intergovernmental organisation",
        country="Switzerland",
        role="I register needs",
    )
    with db.write() as s:
        from core.models import ChannelIdentity, StakeholderRole

        identity = s.exec(select(ChannelIdentity)).one()
        s.add(StakeholderRole(stakeholder_id=identity.stakeholder_id, role=Role.coordinator))
    with db.write() as s:
        from core.people import load_actor

        boss = load_actor(s, identity.stakeholder_id)
        _pid, field, _donor = active_partnership(
            s, vocab, first_due=date(2027, 3, 31), coordinator=boss
        )
    # The field contact talks to the bot on the console as "field".
    with db.write() as s:
        from core.models import ChannelIdentity

        s.add(
            ChannelIdentity(
                stakeholder_id=field.id,
                platform="console",
                external_user_id="field",
                chat_id="field",
            )
        )
    dues = [date(2027, 3, 31), date(2027, 6, 30), date(2027, 9, 30), date(2027, 12, 31)]
    sent: Counter = Counter()
    for day in range(365):
        clock.now = START + timedelta(days=day)
        today = clock.now.date()
        sent += run_sweep(db, clock.now)
        if today in (dues[0], dues[1], dues[3]):
            submit(bot, "field")
        if today == dues[2] + timedelta(days=9):
            partner = submit(bot, "field", narrative="Late, sorry")
            assert "It is marked late." in partner.text
        if today in (dues[0] + timedelta(days=1), dues[2] + timedelta(days=10)):
            claire.command("start")
            _review(bot, db, "claire", approve=True)
        if today == dues[1] + timedelta(days=2):
            _review(bot, db, "claire", approve=False)
        if today == dues[1] + timedelta(days=4):
            partner = Person(bot, "field")
            partner.command("report")
            assert "asked for a revision" in partner.text
            partner.tap("Change a field")
            partner.tap("Area released")
            partner.say("14")
            partner.tap("Save")
            _review(bot, db, "claire", approve=True)
    with db.read() as s:
        reports = s.exec(select(ProgressReport).order_by(ProgressReport.period_end)).all()
    assert [r.period_end for r in reports] == dues
    assert [r.late for r in reports] == [False, False, True, False]
    assert [r.status for r in reports][:3] == [ReportStatus.approved] * 3
    # Two partners, three reminders a quarter (7 days, 1 day, due day), never after sending:
    # the third quarter's report came late, so its due-day reminder went out; no more.
    assert sent["report_reminder"] == 2 * 3 * 4
    assert sent["report_escalation"] == 1  # the third quarter, to the coordinator
    [escalation] = notices(db, "report_escalation")
    assert escalation.payload["due"] == "2027-09-30" and escalation.stakeholder_id == boss.id
    assert 51 <= sent["digest"] <= 53  # one a week for the coordinator
    assert len(notices(db, "report_returned")) == 1


def _review(bot: ChatBot, db, who: str, *, approve: bool) -> None:
    with db.read() as s:
        report = s.exec(
            select(ProgressReport).where(ProgressReport.status == ReportStatus.submitted)
        ).first()
    assert report is not None
    reviewer = Person(bot, who)
    if approve:
        reviewer.press(f"c:approve:{report.id}")
        assert "Approved" in reviewer.text
    else:
        reviewer.press(f"c:return:{report.id}")
        reviewer.say("Please give the numbers by sex.")
        assert "Returned for revision" in reviewer.text


def test_downtime_across_a_due_date_sends_one_reminder(db, vocab) -> None:
    with db.write() as s:
        _pid, _field, _donor = active_partnership(s, vocab, first_due=date(2027, 3, 31))
    run_sweep(db, datetime(2027, 3, 20, 9, tzinfo=UTC))  # nothing yet: 11 days before
    back = run_sweep(db, datetime(2027, 4, 2, 9, tzinfo=UTC))  # down from the 21st to the 2nd
    assert back["report_reminder"] == 2  # one each, not three each
    reminders = notices(db, "report_reminder")
    assert {r.payload["stage"] for r in reminders} == {"due"}


def test_a_double_sweep_sends_nothing_twice(db, vocab) -> None:
    with db.write() as s:
        active_partnership(s, vocab, first_due=date(2027, 3, 31))
        listing = create_listing(s, vocab, person(s, vocab), need()).listing
        listing.last_confirmed_at = datetime(2026, 12, 1, tzinfo=UTC)
    now = datetime(2027, 3, 25, 9, tzinfo=UTC)
    before = len(notices(db))
    first = run_sweep(db, now)
    second = run_sweep(db, now)
    third = run_sweep(db, now + timedelta(hours=3))
    assert first["report_reminder"] == 2 and first["listing_stale"] == 1
    assert not second and not third
    assert len(notices(db)) - before == sum(first.values())


def test_time_zones_and_quiet_hours(db, vocab) -> None:
    with db.write() as s:
        active_partnership(
            s, vocab, first_due=date(2027, 3, 31), timezones=("Asia/Phnom_Penh", "UTC")
        )
    # 20:30 UTC on the 30th: already the 31st, 03:30, in Phnom Penh (UTC+7).
    late_evening = datetime(2027, 3, 30, 20, 30, tzinfo=UTC)
    run_sweep(db, late_evening, Policy(quiet=QuietHours()))
    stages = {r.payload["stage"]: r for r in notices(db, "report_reminder")}
    assert set(stages) == {"due", "before1"}
    phnom_penh, london = stages["due"], stages["before1"]
    # Night in both places: held until 08:00 local.
    assert phnom_penh.next_attempt_at == datetime(2027, 3, 31, 1, 0, tzinfo=UTC)
    assert london.next_attempt_at == datetime(2027, 3, 31, 8, 0, tzinfo=UTC)


def test_stale_listings_are_asked_then_expire(db, vocab) -> None:
    with db.write() as s:
        listing = create_listing(s, vocab, person(s, vocab), need()).listing
        listing.last_confirmed_at = datetime(2027, 1, 1, 9, tzinfo=UTC)
        listing_id = listing.id
    assert not run_sweep(db, datetime(2027, 3, 31, 9, tzinfo=UTC))  # 89 days: fine
    asked = run_sweep(db, datetime(2027, 4, 2, 9, tzinfo=UTC))
    assert asked["listing_stale"] == 1
    assert not run_sweep(db, datetime(2027, 4, 30, 9, tzinfo=UTC))
    gone = run_sweep(db, datetime(2027, 5, 2, 9, tzinfo=UTC))
    assert gone["listing_expired"] == 1
    with db.read() as s:
        assert s.get(Listing, listing_id).status == ListingStatus.expired
    assert not run_sweep(db, datetime(2027, 5, 3, 9, tzinfo=UTC))


@pytest.mark.parametrize(
    ("text", "total", "parts"),
    [
        ("42", "42", []),
        ("women 12, men 8", "20", [["female", "", "12"], ["male", "", "8"]]),
        ("femmes 18-59 5; hommes 60+ 2", "7", [["female", "18-59", "5"], ["male", "60+", "2"]]),
        ("girls 3, boys 4", "7", [["female", "0-17", "3"], ["male", "0-17", "4"]]),
    ],
)
def test_indicator_breakdowns(text, total, parts) -> None:
    from bot.dialogs.report import parse_value
    from core.models.enums import Disaggregation

    value = parse_value(text, "ind1", Disaggregation.sex_age)
    assert value == {"total": total, "parts": parts}


def test_a_partner_who_confirms_again_after_a_change_is_announced_again(db, vocab) -> None:
    from core.partnerships import confirm, set_responsibilities

    with db.write() as s:
        pid, field_contact, donor = active_partnership(
            s, vocab, first_due=date(2027, 3, 31), confirmed=False
        )
        set_responsibilities(s, donor, pid, "Funding and reporting")  # the donor takes part
        confirm(s, field_contact, pid)
    with db.write() as s:
        confirm(s, field_contact, pid)  # tapped twice: nobody is told twice
    assert len([n for n in notices(db, "partnership_confirm") if n.stakeholder_id == donor.id]) == 1
    with db.write() as s:
        set_responsibilities(s, field_contact, pid, "A bigger part of the work")  # unconfirms
        confirm(s, field_contact, pid)
    asked = [n for n in notices(db, "partnership_confirm") if n.stakeholder_id == donor.id]
    assert len(asked) == 2
