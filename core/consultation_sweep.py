"""What the sweep does for consultations: reminds, some days before the deadline, those who
have not answered; and closes each consultation whose deadline has passed, once, sending its
synthesis to its author (and to the participants when it was meant to be shared)."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col

from core.models import Consultation, ConsultationResponse, Notification, Stakeholder
from core.models.consultation import ConsultationStatus
from core.notifications import Planned
from core.quiet_hours import QuietHours, not_before


def consultation_reminders(
    session: Session, now: datetime, days_before: tuple[int, ...], quiet: QuietHours | None
) -> list[Planned]:
    """For each open consultation, the latest reminder day that has come (a sweep after
    downtime sends one reminder, not two), to everyone who has not answered, unless it was
    sent after that day began (a consultation sent two days before its deadline has no
    three-day reminder)."""
    planned: list[Planned] = []
    for days in sorted(set(days_before)):
        if days <= 0:
            continue
        window = timedelta(days=days)
        later = [d for d in days_before if 0 < d < days]
        open_ones = session.execute(
            sa.select(Consultation)
            .where(
                Consultation.status == ConsultationStatus.open,
                col(Consultation.deadline) > now,
                col(Consultation.deadline) <= now + window,
            )
            .order_by(col(Consultation.id))
        ).scalars()
        for consultation in open_ones:
            starts = consultation.deadline - window
            if consultation.sent_at is None or consultation.sent_at >= starts:
                continue
            if any(consultation.deadline - timedelta(days=d) <= now for d in later):
                continue  # a later reminder has come: that one is sent instead
            assert consultation.id is not None
            consultation_id = consultation.id
            planned += _unanswered(session, consultation_id, days, now, quiet)
    return planned


def _unanswered(
    session: Session,
    consultation_id: int,
    days: int,
    now: datetime,
    quiet: QuietHours | None,
) -> list[Planned]:
    prefix = f"consult:{consultation_id}:remind:{days}:"
    key = sa.literal(prefix) + sa.cast(ConsultationResponse.stakeholder_id, sa.String)
    # Reminded before: the outbox holds the key. Without this, every sweep would plan every
    # silent person again for the key to refuse.
    reminded = sa.exists().where(Notification.idempotency_key == key)
    rows = session.execute(
        sa.select(ConsultationResponse.stakeholder_id, Stakeholder.timezone)
        .join(Stakeholder, col(Stakeholder.id) == ConsultationResponse.stakeholder_id)
        .where(
            ConsultationResponse.consultation_id == consultation_id,
            col(ConsultationResponse.answered_at).is_(None),
            ~reminded,
        )
        .order_by(col(ConsultationResponse.stakeholder_id))
    ).all()
    return [
        Planned(
            pid,
            "consultation_reminder",
            f"{prefix}{pid}",
            {"consultation_id": consultation_id, "days": days},
            not_before(now, timezone, quiet),
        )
        for pid, timezone in rows
    ]


def close_due(session: Session, now: datetime, quiet: QuietHours | None) -> list[Planned]:
    """Closes what is past its deadline. The update names the status it expects, so two
    workers sweeping at once close a consultation once; the keys make its notices once."""
    planned: list[Planned] = []
    due = session.execute(
        sa.select(Consultation.id).where(
            Consultation.status == ConsultationStatus.open, col(Consultation.deadline) <= now
        )
    ).scalars()
    for consultation_id in list(due):
        closed = session.execute(
            sa.update(Consultation)
            .where(
                col(Consultation.id) == consultation_id,
                Consultation.status == ConsultationStatus.open,
            )
            .values(status=ConsultationStatus.closed.value, closed_at=now)
        )
        if closed.rowcount != 1:  # type: ignore[attr-defined]
            continue
        consultation = session.get(Consultation, consultation_id)
        assert consultation is not None
        session.refresh(consultation)
        planned += _syntheses(session, consultation, now, quiet)
    return planned


def _syntheses(
    session: Session, consultation: Consultation, now: datetime, quiet: QuietHours | None
) -> list[Planned]:
    payload = {"consultation_id": consultation.id}
    recipients: list[tuple[int, str]] = []
    if consultation.created_by_id is not None:
        author = session.get(Stakeholder, consultation.created_by_id)
        if author is not None and author.id is not None:
            recipients.append((author.id, author.timezone))
    if consultation.share_results:
        rows = session.execute(
            sa.select(Stakeholder.id, Stakeholder.timezone)
            .join(ConsultationResponse, col(ConsultationResponse.stakeholder_id) == Stakeholder.id)
            .where(ConsultationResponse.consultation_id == consultation.id)
            .order_by(col(Stakeholder.id))
        ).all()
        recipients += [(int(pid), tz) for pid, tz in rows if pid != consultation.created_by_id]
    return [
        Planned(
            pid,
            "consultation_synthesis",
            f"consult:{consultation.id}:synthesis:{pid}",
            payload,
            not_before(now, timezone, quiet),
        )
        for pid, timezone in recipients
    ]
