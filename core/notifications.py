"""The outbox: notices to people who did not just speak, written in the same transaction as
the change that causes them. The idempotency key makes writing the same notice twice a no-op
(a sweep that runs twice, a retried request)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from core.clock import utcnow
from core.models import Notification, Stakeholder
from core.models.enums import Role
from core.people import stakeholders_with_role
from core.quiet_hours import current, not_before
from core.storage import insert_or_ignore


def enqueue(
    session: Session,
    stakeholder_id: int,
    kind: str,
    key: str,
    payload: dict[str, Any],
    *,
    now: datetime | None = None,
) -> bool:
    """True if the notice is new, False if one with this key was already written. It goes
    out at once, or when the recipient's night is over."""
    now = now or utcnow()
    person = session.get(Stakeholder, stakeholder_id)
    row = Notification(
        idempotency_key=key,
        stakeholder_id=stakeholder_id,
        kind=kind,
        payload=payload,
        created_at=now,
        next_attempt_at=not_before(now, person.timezone if person else "UTC", current()),
    )
    values = row.model_dump(exclude={"id"})
    return insert_or_ignore(session, Notification, values, ["idempotency_key"]) is not None


def notify_role(session: Session, role: Role, kind: str, key: str, payload: dict[str, Any]) -> int:
    """One notice for every holder of the role; the key is made unique per recipient."""
    sent = 0
    for person in stakeholders_with_role(session, role):
        assert person.id is not None
        sent += enqueue(session, person.id, kind, f"{key}:to:{person.id}", payload)
    return sent
