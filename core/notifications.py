"""The outbox: notices to people who did not just speak, written in the same transaction as
the change that causes them. The idempotency key makes writing the same notice twice a no-op
(a sweep that runs twice, a retried request)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from core.clock import utcnow
from core.models import Notification, Stakeholder
from core.models.enums import NotificationStatus, Role
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


@dataclass(frozen=True)
class Planned:
    stakeholder_id: int
    kind: str
    key: str
    payload: dict[str, Any]
    not_before: datetime


def write_planned(session: Session, planned: list[Planned], now: datetime) -> int:
    """One statement for the lot; rows whose key exists already are skipped by the database."""
    if not planned:
        return 0
    table = Notification.__table__  # type: ignore[attr-defined]
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(table).on_conflict_do_nothing(index_elements=["idempotency_key"])
    rows = [
        {
            "idempotency_key": p.key,
            "stakeholder_id": p.stakeholder_id,
            "kind": p.kind,
            "payload": p.payload,
            "platform": None,
            "status": NotificationStatus.pending.value,
            "attempts": 0,
            "next_attempt_at": p.not_before,
            "last_error": None,
            "created_at": now,
            "sent_at": None,
        }
        for p in planned
    ]
    before = _count(session)
    for chunk in range(0, len(rows), 5000):
        session.execute(statement, rows[chunk : chunk + 5000])
    return _count(session) - before


def _count(session: Session) -> int:
    return int(session.execute(sa.select(sa.func.count()).select_from(Notification)).scalar_one())
