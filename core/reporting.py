"""Progress reports: one per partnership and reporting period, sent by a partner (a late
report is accepted and marked late), then reviewed by a coordinator (core.review: approved,
or returned for revision with a comment)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlmodel import Session, col, select

from core import audit
from core.clock import utcnow
from core.errors import Conflict, InvalidInput, PermissionDenied
from core.models import (
    Indicator,
    IndicatorValue,
    Objective,
    Partnership,
    PartnershipMember,
    ProgressReport,
    ReportingSchedule,
)
from core.models.enums import PartnershipStatus, ReportStatus
from core.notifications import enqueue
from core.partnerships import PartnershipView, get_partnership
from core.people import Actor

# Review (core.review) was written here first; its names are importable from here too.
from core.review import (  # noqa: F401
    approve_report,
    awaiting_review,
    return_report,
    reviewers_of,
    take_partnership,
)
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


@dataclass(frozen=True)
class SubmittedReport:
    id: int  # the report's
    partnership_title: str
    period_end: date
    late: bool


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
) -> SubmittedReport:
    """A partner sends the report for the period that ends on `due`, or the revision of a
    returned one: its figures replace those sent before, the schedule moves on to the next
    period, and the reviewers are told."""
    now = now or utcnow()
    view = _reporting_partnership(session, actor, partnership_id)
    schedule = view.schedule
    assert schedule is not None
    report = _begun_report(session, partnership_id, due, schedule)
    _check_indicators(session, partnership_id, answers)
    texts = {  # checked before anything is written
        "narrative": clean_text(narrative, "narrative", min_len=3, max_len=4000),
        "challenges": clean_text(challenges, "challenges", max_len=4000),
        "help_needed": clean_text(help_needed, "help_needed", max_len=4000),
    }
    report = report or _new_report(session, schedule, due)
    report.sqlmodel_update(texts)
    _mark_sent(report, actor, due, now)
    _replace_figures(session, report, answers)
    if due == schedule.next_due:
        schedule.next_due = due_after(schedule, due)
    assert report.id is not None
    audit.record(
        session,
        actor.id,
        "report.submit",
        "report",
        report.id,
        {"partnership_id": partnership_id, "late": report.late},
    )
    _tell_reviewers(session, view.partnership, report.id, now)
    return SubmittedReport(report.id, view.partnership.title, due, report.late)


def _reporting_partnership(session: Session, actor: Actor, partnership_id: int) -> PartnershipView:
    """The partnership, if the actor is one of its partners and it has a schedule to
    report on."""
    view = get_partnership(session, partnership_id)
    if view.member_of(actor) is None:
        raise PermissionDenied("denied.not_partner")
    if view.schedule is None or view.partnership.status != PartnershipStatus.active:
        raise Conflict("conflict.partnership_not_active")
    return view


def _begun_report(
    session: Session, partnership_id: int, due: date, schedule: ReportingSchedule
) -> ProgressReport | None:
    """The period's report still open to change (a draft, or one returned for revision),
    or None for a period nobody reported on yet, which must be the one due next."""
    report = session.exec(
        select(ProgressReport).where(
            ProgressReport.partnership_id == partnership_id, ProgressReport.period_end == due
        )
    ).first()
    if report is None and due != schedule.next_due:
        raise Conflict("conflict.report_period")
    if report is not None and report.status not in (ReportStatus.draft, ReportStatus.returned):
        raise Conflict("conflict.report_sent")
    return report


def _check_indicators(
    session: Session, partnership_id: int, answers: dict[int, IndicatorAnswer]
) -> None:
    known = {i.id for i in indicators_of(session, partnership_id)}
    if set(answers) - known:
        raise InvalidInput("invalid.choice", field="indicator", value=str(set(answers) - known))


def _new_report(session: Session, schedule: ReportingSchedule, due: date) -> ProgressReport:
    report = ProgressReport(
        partnership_id=schedule.partnership_id,
        period_start=period_start(schedule, due),
        period_end=due,
        due_date=due,
    )
    session.add(report)
    session.flush()
    return report


def _mark_sent(report: ProgressReport, actor: Actor, due: date, now: datetime) -> None:
    if report.status != ReportStatus.returned:  # a revision keeps the first sending's date
        report.late = now.date() > due
    report.status = ReportStatus.submitted
    report.submitted_by_id, report.submitted_at = actor.id, now


def _replace_figures(
    session: Session, report: ProgressReport, answers: dict[int, IndicatorAnswer]
) -> None:
    """The report's indicator values, each total with its breakdown by sex and age."""
    assert report.id is not None
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


def _tell_reviewers(
    session: Session, partnership: Partnership, report_id: int, now: datetime
) -> None:
    for reviewer in reviewers_of(session, partnership):
        enqueue(
            session,
            reviewer,
            "report_submitted",
            f"report:{report_id}:submitted:{now.isoformat()}:{reviewer}",
            {"report_id": report_id, "partnership_id": partnership.id},
        )
