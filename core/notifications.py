"""The outbox: notices to people who did not just speak, written in the same transaction as
the change that causes them. The idempotency key makes writing the same notice twice a no-op
(a sweep that runs twice, a retried request)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from core.models import Notification
from core.models.enums import Role
from core.people import stakeholders_with_role


def enqueue(
    session: Session, stakeholder_id: int, kind: str, key: str, payload: dict[str, Any]
) -> bool:
    """True if the notice is new, False if one with this key was already written."""
    values = {
        "idempotency_key": key,
        "stakeholder_id": stakeholder_id,
        "kind": kind,
        "payload": payload,
    }
    row = Notification(**values)
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = (
        insert(Notification)
        .values(**row.model_dump(exclude={"id"}))
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
    )
    result = session.execute(statement)
    return bool(result.rowcount)


def notify_role(session: Session, role: Role, kind: str, key: str, payload: dict[str, Any]) -> int:
    """One notice for every holder of the role; the key is made unique per recipient."""
    sent = 0
    for person in stakeholders_with_role(session, role):
        assert person.id is not None
        sent += enqueue(session, person.id, kind, f"{key}:to:{person.id}", payload)
    return sent


def take_pending(session: Session, stakeholder_id: int) -> list[Notification]:
    """Claims a person's pending notices and marks them sent, for a surface that shows them
    when the person is next active (the console)."""
    from sqlmodel import col, select

    from core.clock import utcnow
    from core.models.enums import NotificationStatus

    rows = list(
        session.exec(
            select(Notification)
            .where(
                Notification.stakeholder_id == stakeholder_id,
                Notification.status == NotificationStatus.pending,
            )
            .order_by(col(Notification.id))
        )
    )
    for row in rows:
        row.status = NotificationStatus.sent
        row.sent_at = utcnow()
        row.attempts += 1
    return rows
