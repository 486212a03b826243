"""Progress reports: one per partnership and reporting period, from a partner, reviewed by
the coordinator (approved, or returned for revision with a comment). A late report is
accepted and marked late."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Session, col, select

from core import audit
from core.clock import utcnow
from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from core.models import (
    Indicator,
    IndicatorValue,
    Objective,
    Partnership,
    PartnershipMember,
    ProgressReport,
    ReportingSchedule,
)
from core.models.enums import PartnershipStatus, ReportStatus, Role
from core.notifications import enqueue
from core.partnerships import get_partnership
from core.people import Actor, stakeholders_with_role
from core.schedules import due_after, period_start
from core.storage import possible_id
from core.validation import clean_text

OPEN_BEFORE = timedelta(days=14)  # a period can be reported on two weeks before it is due


@dataclass(frozen=True)
class DueReport:
    partnership: Partnership
    due: date
    returned: ProgressReport | None = None


@dataclass
class IndicatorAnswer:
    total: Decimal
    breakdown: dict[tuple[str, str], Decimal] = field(default_factory=dict)


def due_reports(session: Session, actor: Actor, today: date | None = None) -> list[DueReport]:
    """The reports the actor's organisation can or must write now, the most urgent first."""
    if actor.organisation_id is None:
        return []
    today = today or utcnow().date()
    rows = session.exec(
        select(Partnership, ReportingSchedule)
        .join(ReportingSchedule, col(ReportingSchedule.partnership_id) == Partnership.id)
        .join(PartnershipMember, col(PartnershipMember.partnership_id) == Partnership.id)
        .where(
            PartnershipMember.organisation_id == actor.organisation_id,
            Partnership.status == PartnershipStatus.active,
            col(ReportingSchedule.next_due) <= today + OPEN_BEFORE,
        )
        .order_by(col(ReportingSchedule.next_due))
    ).all()
    found = [DueReport(p, s.next_due) for p, s in rows]
    returned = session.exec(
        select(ProgressReport, Partnership)
        .join(Partnership, col(Partnership.id) == ProgressReport.partnership_id)
        .join(PartnershipMember, col(PartnershipMember.partnership_id) == Partnership.id)
        .where(
            PartnershipMember.organisation_id == actor.organisation_id,
            ProgressReport.status == ReportStatus.returned,
        )
    ).all()
    return [DueReport(p, r.period_end, r) for r, p in returned] + found


def reported(session: Session, partnership_id: int, due: date) -> ProgressReport | None:
    """The report for the period that ends on `due`, once it has been submitted."""
    if not possible_id(partnership_id):
        return None
    return session.exec(
        select(ProgressReport).where(
            ProgressReport.partnership_id == partnership_id,
            ProgressReport.period_end == due,
            col(ProgressReport.status).in_([ReportStatus.submitted, ReportStatus.approved]),
        )
    ).first()


@dataclass(frozen=True)
class Figure:
    """One indicator's reported value in one report, with its breakdown by sex and age."""

    indicator: Indicator
    total: Decimal | None
    parts: tuple[tuple[str, str, Decimal], ...] = ()  # (sex, age group, value)

    @property
    def share(self) -> Decimal | None:
        """How far from the baseline to the target the total has come (0.5: half way)."""
        span = self.indicator.target - self.indicator.baseline
        if self.total is None or span == 0:
            return None
        return (self.total - self.indicator.baseline) / span


def figures_of(session: Session, report: ProgressReport) -> list[Figure]:
    """Every indicator of the report's partnership, with what the report says of it."""
    values = session.exec(select(IndicatorValue).where(IndicatorValue.report_id == report.id)).all()
    by_indicator: dict[int, list[IndicatorValue]] = {}
    for value in values:
        by_indicator.setdefault(value.indicator_id, []).append(value)
    figures = []
    for indicator in indicators_of(session, report.partnership_id):
        mine = by_indicator.get(indicator.id or 0, [])
        total = next((v.value for v in mine if not v.sex and not v.age_group), None)
        parts = tuple((v.sex, v.age_group, v.value) for v in mine if v.sex or v.age_group)
        figures.append(Figure(indicator, total, parts))
    return figures


def reports_of(session: Session, partnership_id: int, limit: int = 4) -> list[ProgressReport]:
    """The partnership's latest reports, the newest period first."""
    return list(
        session.exec(
            select(ProgressReport)
            .where(
                ProgressReport.partnership_id == partnership_id,
                ProgressReport.status != ReportStatus.draft,
            )
            .order_by(col(ProgressReport.period_end).desc())
            .limit(limit)
        )
    )


def take_partnership(session: Session, actor: Actor, partnership_id: int) -> Partnership:
    """A coordinator takes a partnership nobody coordinates: its reports are theirs to
    review from now on."""
    if not actor.is_coordinator:
        raise PermissionDenied("denied.coordinator_only")
    if not possible_id(partnership_id):
        raise NotFound("not_found.partnership")
    partnership = session.get(Partnership, partnership_id, with_for_update=True)
    if partnership is None:
        raise NotFound("not_found.partnership")
    if partnership.coordinator_id not in (None, actor.id):
        raise Conflict("conflict.coordinated")
    partnership.coordinator_id = actor.id
    audit.record(session, actor.id, "partnership.take", "partnership", partnership_id, {})
    return partnership


def awaiting_review(
    session: Session, actor: Actor, limit: int = 20
) -> list[tuple[ProgressReport, Partnership]]:
    """Submitted reports a coordinator can review: of the partnerships they coordinate, then
    of those nobody coordinates, the oldest first."""
    if not actor.is_coordinator:
        return []
    rows = session.exec(
        select(ProgressReport, Partnership)
        .join(Partnership, col(Partnership.id) == ProgressReport.partnership_id)
        .where(
            ProgressReport.status == ReportStatus.submitted,
            sa.or_(
                col(Partnership.coordinator_id) == actor.id,
                col(Partnership.coordinator_id).is_(None),
            ),
        )
        .order_by(
            sa.case((col(Partnership.coordinator_id) == actor.id, 0), else_=1),
            col(ProgressReport.submitted_at),
        )
        .limit(limit)
    ).all()
    return [(r, p) for r, p in rows]


def indicators_of(session: Session, partnership_id: int) -> list[Indicator]:
    return list(
        session.exec(
            select(Indicator)
            .join(Objective, col(Objective.id) == Indicator.objective_id)
            .where(Objective.partnership_id == partnership_id)
            .order_by(col(Indicator.id))
        )
    )


def last_totals(session: Session, partnership_id: int) -> dict[int, Decimal]:
    """Each indicator's total in the latest report sent, for "same as last time"."""
    report = session.exec(
        select(ProgressReport)
        .where(
            ProgressReport.partnership_id == partnership_id,
            col(ProgressReport.status).in_([ReportStatus.submitted, ReportStatus.approved]),
        )
        .order_by(col(ProgressReport.period_end).desc())
    ).first()
    if report is None:
        return {}
    values = session.exec(
        select(IndicatorValue).where(
            IndicatorValue.report_id == report.id,
            IndicatorValue.sex == "",
            IndicatorValue.age_group == "",
        )
    ).all()
    return {v.indicator_id: v.value for v in values}


def submit_report(
    session: Session,
    actor: Actor,
    partnership_id: int,
    due: date,
    answers: dict[int, IndicatorAnswer],
    *,
    narrative: str,
    challenges: str = "",
    help_needed: str = "",
    now: datetime | None = None,
) -> ProgressReport:
    now = now or utcnow()
    view = get_partnership(session, partnership_id)
    if view.member_of(actor) is None:
        raise PermissionDenied("denied.not_partner")
    schedule = view.schedule
    if schedule is None or view.partnership.status != PartnershipStatus.active:
        raise Conflict("conflict.partnership_not_active")
    report = session.exec(
        select(ProgressReport).where(
            ProgressReport.partnership_id == partnership_id, ProgressReport.period_end == due
        )
    ).first()
    if report is None and due != schedule.next_due:
        raise Conflict("conflict.report_period")
    if report is not None and report.status not in (ReportStatus.draft, ReportStatus.returned):
        raise Conflict("conflict.report_sent")
    known = {i.id for i in indicators_of(session, partnership_id)}
    if set(answers) - known:
        raise InvalidInput("invalid.choice", field="indicator", value=str(set(answers) - known))
    if report is None:
        report = ProgressReport(
            partnership_id=partnership_id,
            period_start=period_start(schedule, due),
            period_end=due,
            due_date=due,
        )
        session.add(report)
        session.flush()
    assert report.id is not None
    report.narrative = clean_text(narrative, "narrative", min_len=3, max_len=4000)
    report.challenges = clean_text(challenges, "challenges", max_len=4000)
    report.help_needed = clean_text(help_needed, "help_needed", max_len=4000)
    if report.status != ReportStatus.returned:  # a revision keeps the first sending's date
        report.late = now.date() > due
    report.status = ReportStatus.submitted
    report.submitted_by_id, report.submitted_at = actor.id, now
    for old in session.exec(select(IndicatorValue).where(IndicatorValue.report_id == report.id)):
        session.delete(old)
    session.flush()
    for indicator_id, answer in answers.items():
        session.add(
            IndicatorValue(report_id=report.id, indicator_id=indicator_id, value=answer.total)
        )
        for (sex, age), value in answer.breakdown.items():
            session.add(
                IndicatorValue(
                    report_id=report.id,
                    indicator_id=indicator_id,
                    sex=sex,
                    age_group=age,
                    value=value,
                )
            )
    if due == schedule.next_due:
        schedule.next_due = due_after(schedule, due)
    audit.record(
        session,
        actor.id,
        "report.submit",
        "report",
        report.id,
        {"partnership_id": partnership_id, "late": report.late},
    )
    for reviewer in _reviewers(session, view.partnership):
        enqueue(
            session,
            reviewer,
            "report_submitted",
            f"report:{report.id}:submitted:{now.isoformat()}:{reviewer}",
            {"report_id": report.id, "partnership_id": partnership_id},
        )
    return report


def _reviewers(session: Session, partnership: Partnership) -> list[int]:
    if partnership.coordinator_id:
        return [partnership.coordinator_id]
    return [p.id for p in stakeholders_with_role(session, Role.coordinator) if p.id]


def _reviewable(session: Session, actor: Actor, report_id: int) -> ProgressReport:
    report = session.get(ProgressReport, report_id) if possible_id(report_id) else None
    if report is None:
        raise NotFound("not_found.report")
    partnership = session.get(Partnership, report.partnership_id)
    assert partnership is not None
    if not actor.is_coordinator:  # the role as it is now: a revoked coordinator reviews nothing
        raise PermissionDenied("denied.coordinator_only")
    if report.status != ReportStatus.submitted:
        raise Conflict("conflict.report_reviewed")
    return report


def approve_report(session: Session, actor: Actor, report_id: int) -> ProgressReport:
    report = _reviewable(session, actor, report_id)
    report.status = ReportStatus.approved
    report.reviewed_by_id, report.reviewed_at = actor.id, utcnow()
    audit.record(session, actor.id, "report.approve", "report", report_id)
    if report.submitted_by_id:
        enqueue(
            session,
            report.submitted_by_id,
            "report_approved",
            f"report:{report_id}:approved",
            {"report_id": report_id},
        )
    return report


def return_report(session: Session, actor: Actor, report_id: int, comment: str) -> ProgressReport:
    report = _reviewable(session, actor, report_id)
    report.status = ReportStatus.returned
    report.review_comment = clean_text(comment, "comment", min_len=3, max_len=2000)
    report.reviewed_by_id, report.reviewed_at = actor.id, utcnow()
    audit.record(session, actor.id, "report.return", "report", report_id)
    if report.submitted_by_id:
        enqueue(
            session,
            report.submitted_by_id,
            "report_returned",
            f"report:{report_id}:returned:{report.reviewed_at.isoformat()}",
            {"report_id": report_id, "partnership_id": report.partnership_id},
        )
    return report
