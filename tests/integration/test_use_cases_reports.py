"""Submitting and reviewing progress reports through the use cases, on a real database
(SQLite and PostgreSQL): who may send a report, for which period, what it writes and whom it
tells; who may approve, return or take one."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlmodel import Session, select

from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from core.models import (
    AuditEvent,
    IndicatorValue,
    Notification,
    Partnership,
    ProgressReport,
    ReportingSchedule,
)
from core.models.enums import ReportStatus, Role
from core.people import Actor
from core.reporting import IndicatorAnswer, SubmittedReport, indicators_of, submit_report
from core.review import approve_report, awaiting_review, return_report, take_partnership
from core.vocabularies import Vocabularies
from tests.factories import active_partnership, person

DUE = date(2027, 3, 31)
ON_TIME = datetime(2027, 3, 30, 9, tzinfo=UTC)
LATE = datetime(2027, 4, 5, 9, tzinfo=UTC)


def partnership(session: Session, vocab: Vocabularies) -> tuple[int, Actor, Actor, Actor]:
    """An active partnership, its two partners and its coordinator."""
    boss = person(session, vocab, roles=(Role.coordinator,), country="CH")
    pid, field, donor = active_partnership(session, vocab, first_due=DUE, coordinator=boss)
    return pid, field, donor, boss


def send(
    session: Session,
    actor: Actor,
    pid: int,
    due: date = DUE,
    *,
    now: datetime = ON_TIME,
    answers: dict[int, IndicatorAnswer] | None = None,
    narrative: str = "Good quarter",
) -> SubmittedReport:
    return submit_report(session, actor, pid, due, answers or {}, narrative=narrative, now=now)


def notices(session: Session, kind: str) -> list[Notification]:
    return list(session.exec(select(Notification).where(Notification.kind == kind)))


def next_due(session: Session, pid: int) -> date:
    schedule = session.exec(
        select(ReportingSchedule).where(ReportingSchedule.partnership_id == pid)
    ).one()
    return schedule.next_due


# -- submitting --------------------------------------------------------------------------------


def test_a_partner_submits_a_report_and_its_coordinator_is_told(db, vocab) -> None:
    with db.write() as s:
        pid, field, _, boss = partnership(s, vocab)
        [indicator] = indicators_of(s, pid)
        breakdown = {("female", ""): Decimal(12), ("male", "18-59"): Decimal(8)}
        sent = send(s, field, pid, answers={indicator.id: IndicatorAnswer(Decimal(20), breakdown)})
        title = s.get(Partnership, pid).title
        assert sent == SubmittedReport(sent.id, title, DUE, late=False)
        report = s.get(ProgressReport, sent.id)
        assert report.status == ReportStatus.submitted and report.narrative == "Good quarter"
        assert (report.submitted_by_id, report.submitted_at) == (field.id, ON_TIME)
        values = s.exec(select(IndicatorValue).where(IndicatorValue.report_id == sent.id)).all()
        assert sorted((v.sex, v.age_group, v.value) for v in values) == [
            ("", "", Decimal(20)),
            ("female", "", Decimal(12)),
            ("male", "18-59", Decimal(8)),
        ]
        assert next_due(s, pid) == date(2027, 6, 30)
        [told] = notices(s, "report_submitted")
        assert told.stakeholder_id == boss.id
        assert told.payload == {"report_id": sent.id, "partnership_id": pid}
        audit = s.exec(select(AuditEvent).where(AuditEvent.action == "report.submit")).one()
        assert (audit.actor_id, audit.entity_id) == (field.id, sent.id)
        assert audit.changes == {"partnership_id": pid, "late": False}


def test_a_late_report_is_accepted_and_marked_late(db, vocab) -> None:
    with db.write() as s:
        pid, field, _, _ = partnership(s, vocab)
        assert send(s, field, pid, now=LATE).late


def test_without_a_coordinator_every_coordinator_is_told(db, vocab) -> None:
    with db.write() as s:
        pid, field, _, boss = partnership(s, vocab)
        other = person(s, vocab, roles=(Role.coordinator,), country="FR")
        s.get(Partnership, pid).coordinator_id = None
        send(s, field, pid)
        told = {n.stakeholder_id for n in notices(s, "report_submitted")}
        assert told == {boss.id, other.id}


def test_a_report_by_someone_who_is_not_a_partner_is_refused(db, vocab) -> None:
    with db.write() as s:
        pid, _, _, boss = partnership(s, vocab)
        outsider = person(s, vocab, roles=(Role.donor,), country="NO")
        for stranger in (outsider, boss):  # a coordinator reviews; only partners report
            with pytest.raises(PermissionDenied, match="denied.not_partner"):
                send(s, stranger, pid)
        assert s.exec(select(ProgressReport)).all() == []
        with pytest.raises(NotFound, match="not_found.partnership"):
            send(s, boss, 999_999)


def test_a_draft_partnership_has_nothing_to_report_on(db, vocab) -> None:
    with db.write() as s:
        pid, field, _ = active_partnership(s, vocab, first_due=DUE, confirmed=False)
        with pytest.raises(Conflict, match="conflict.partnership_not_active"):
            send(s, field, pid)


def test_only_the_period_due_next_and_only_once(db, vocab) -> None:
    with db.write() as s:
        pid, field, donor, _ = partnership(s, vocab)
        with pytest.raises(Conflict, match="conflict.report_period"):
            send(s, field, pid, date(2027, 6, 30))
        send(s, field, pid)
        with pytest.raises(Conflict, match="conflict.report_sent"):
            send(s, donor, pid)  # the other partner, for the same period
        assert len(notices(s, "report_submitted")) == 1


@pytest.mark.parametrize(
    ("values", "error", "key"),
    [
        ({"answers": {999_999: IndicatorAnswer(Decimal(1))}}, InvalidInput, "invalid.choice"),
        ({"narrative": " x "}, InvalidInput, "invalid.too_short"),
    ],
)
def test_a_refused_report_writes_nothing(db, vocab, values, error, key) -> None:
    with db.write() as s:
        pid, field, _, _ = partnership(s, vocab)
    with pytest.raises(error, match=key), db.write() as s:
        send(s, field, pid, **values)
    with db.read() as s:
        assert s.exec(select(ProgressReport)).all() == []
        assert next_due(s, pid) == DUE
        assert notices(s, "report_submitted") == []


def test_a_returned_report_is_revised_in_place(db, vocab) -> None:
    with db.write() as s:
        pid, field, _, boss = partnership(s, vocab)
        [indicator] = indicators_of(s, pid)
        first = send(s, field, pid, now=LATE, answers={indicator.id: IndicatorAnswer(Decimal(3))})
        return_report(s, boss, first.id, "Please check the totals", now=LATE)
        revised = send(
            s,
            field,
            pid,
            now=datetime(2027, 4, 20, tzinfo=UTC),
            answers={indicator.id: IndicatorAnswer(Decimal(4))},
            narrative="Checked again",
        )
        assert revised.id == first.id and revised.late  # late as first sent
        values = s.exec(select(IndicatorValue).where(IndicatorValue.report_id == first.id)).all()
        assert [v.value for v in values] == [Decimal(4)]
        assert next_due(s, pid) == date(2027, 6, 30)  # moved once, by the first sending
        assert s.get(ProgressReport, first.id).status == ReportStatus.submitted


# -- reviewing ---------------------------------------------------------------------------------


def test_a_coordinator_approves_and_the_partner_is_told(db, vocab) -> None:
    with db.write() as s:
        pid, field, donor, boss = partnership(s, vocab)
        sent = send(s, field, pid)
        for partner in (field, donor):
            with pytest.raises(PermissionDenied, match="denied.coordinator_only"):
                approve_report(s, partner, sent.id)
        report = approve_report(s, boss, sent.id, now=ON_TIME)
        assert report.status == ReportStatus.approved
        assert (report.reviewed_by_id, report.reviewed_at) == (boss.id, ON_TIME)
        [told] = notices(s, "report_approved")
        assert told.stakeholder_id == field.id and told.payload == {"report_id": sent.id}
        with pytest.raises(Conflict, match="conflict.report_reviewed"):
            return_report(s, boss, sent.id, "Too late to return")
        with pytest.raises(NotFound, match="not_found.report"):
            approve_report(s, boss, 999_999)


def test_a_coordinator_returns_a_report_with_what_to_revise(db, vocab) -> None:
    with db.write() as s:
        pid, field, _, boss = partnership(s, vocab)
        sent = send(s, field, pid)
        with pytest.raises(PermissionDenied):
            return_report(s, field, sent.id, "I return my own report")
        with pytest.raises(InvalidInput, match="invalid.too_short"):
            return_report(s, boss, sent.id, "no")
        report = return_report(s, boss, sent.id, "  Please add the breakdown  ", now=LATE)
        assert report.status == ReportStatus.returned
        assert report.review_comment == "Please add the breakdown"
        [told] = notices(s, "report_returned")
        assert told.stakeholder_id == field.id
        assert told.idempotency_key == f"report:{sent.id}:returned:{LATE.isoformat()}"
        with pytest.raises(Conflict, match="conflict.report_reviewed"):
            approve_report(s, boss, sent.id)


def test_the_review_queue_and_taking_a_partnership(db, vocab) -> None:
    with db.write() as s:
        pid, field, _, boss = partnership(s, vocab)
        orphan, orphan_field, _ = active_partnership(s, vocab, first_due=DUE, coordinator=boss)
        s.get(Partnership, orphan).coordinator_id = None
        other = person(s, vocab, roles=(Role.coordinator,), country="FR")
        nobodys = send(s, orphan_field, orphan, now=datetime(2027, 3, 1, tzinfo=UTC))
        theirs = send(s, field, pid, now=datetime(2027, 3, 2, tzinfo=UTC))
        assert [r.id for r, _ in awaiting_review(s, boss)] == [theirs.id, nobodys.id]
        assert [r.id for r, _ in awaiting_review(s, other)] == [nobodys.id]
        assert awaiting_review(s, field) == []
        with pytest.raises(PermissionDenied):
            take_partnership(s, field, orphan)
        with pytest.raises(Conflict, match="conflict.coordinated"):
            take_partnership(s, other, pid)
        assert take_partnership(s, other, orphan).coordinator_id == other.id
        assert take_partnership(s, other, orphan).coordinator_id == other.id  # again: harmless
        assert [r.id for r, _ in awaiting_review(s, boss)] == [theirs.id]


def test_the_review_is_still_importable_from_reporting() -> None:
    import core.reporting
    import core.review

    for name in ("approve_report", "return_report", "take_partnership", "awaiting_review"):
        assert getattr(core.reporting, name) is getattr(core.review, name)
