"""The review of progress reports: coordinators approve a report or return it with a comment.
Reports awaiting review are a queue every coordinator sees: those of the partnerships they
coordinate first, then those of partnerships nobody coordinates, which any of them may take."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from core import audit
from core.clock import utcnow
from core.errors import Conflict, NotFound, PermissionDenied
from core.models import Partnership, ProgressReport
from core.models.enums import ReportStatus, Role
from core.notifications import enqueue
from core.people import Actor, stakeholders_with_role
from core.storage import possible_id
from core.validation import clean_text


def reviewers_of(session: Session, partnership: Partnership) -> list[int]:
    """Who reviews the partnership's reports: its coordinator, or else every coordinator."""
    if partnership.coordinator_id:
        return [partnership.coordinator_id]
    return [p.id for p in stakeholders_with_role(session, Role.coordinator) if p.id]


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


def _reviewable(session: Session, actor: Actor, report_id: int) -> ProgressReport:
    report = session.get(ProgressReport, report_id) if possible_id(report_id) else None
    if report is None:
        raise NotFound("not_found.report")
    if not actor.is_coordinator:  # the role as it is now: a revoked coordinator reviews nothing
        raise PermissionDenied("denied.coordinator_only")
    if report.status != ReportStatus.submitted:
        raise Conflict("conflict.report_reviewed")
    return report


def approve_report(
    session: Session, actor: Actor, report_id: int, *, now: datetime | None = None
) -> ProgressReport:
    report = _reviewable(session, actor, report_id)
    report.status = ReportStatus.approved
    report.reviewed_by_id, report.reviewed_at = actor.id, now or utcnow()
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


def return_report(
    session: Session, actor: Actor, report_id: int, comment: str, *, now: datetime | None = None
) -> ProgressReport:
    """Sends the report back to its partners for revision, with what to revise."""
    report = _reviewable(session, actor, report_id)
    why = clean_text(comment, "comment", min_len=3, max_len=2000)  # before anything changes
    report.status = ReportStatus.returned
    report.review_comment = why
    report.reviewed_by_id, report.reviewed_at = actor.id, now or utcnow()
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
