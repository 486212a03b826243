"""The history of a record: who did what to a listing or a partnership, and when, from the
audit trail. Only those who may change the record (its organisation, its partners, a
coordinator) may read it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from core.errors import InvalidInput, NotFound, PermissionDenied
from core.listings import can_edit, get_listing
from core.models import AuditEvent, Stakeholder
from core.partnerships import can_manage, get_partnership
from core.people import Actor

KINDS = ("listing", "partnership")
SHOWN = 30  # the latest events; a chat message has no room for a record's whole life


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    actor_name: str | None  # None: the system did it, or the person is no more
    action: str  # the audit action, like "need.edit" or "partnership.take"


def history_of(
    session: Session, actor: Actor, kind: str, record_id: int, *, limit: int = SHOWN
) -> list[HistoryEntry]:
    """The latest events of the record, the oldest of them first."""
    _check_allowed(session, actor, kind, record_id)
    latest = session.exec(
        select(AuditEvent)
        .where(AuditEvent.entity_type == kind, AuditEvent.entity_id == record_id)
        .order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc())
        .limit(limit)
    ).all()
    if not latest:
        raise NotFound("not_found.history")
    events = list(reversed(latest))
    names = _names(session, {e.actor_id for e in events if e.actor_id is not None})
    return [HistoryEntry(e.at, names.get(e.actor_id or 0), e.action) for e in events]


def _check_allowed(session: Session, actor: Actor, kind: str, record_id: int) -> None:
    if kind == "listing":
        allowed = can_edit(actor, get_listing(session, record_id).listing)
    elif kind == "partnership":
        allowed = can_manage(actor, get_partnership(session, record_id))
    else:
        raise InvalidInput("invalid.choice", field="kind", value=kind)
    if not allowed:
        raise PermissionDenied("denied.history")


def _names(session: Session, people: set[int]) -> dict[int, str]:
    if not people:
        return {}
    found = session.exec(select(Stakeholder).where(col(Stakeholder.id).in_(people)))
    return {p.id: p.name for p in found if p.id is not None}
