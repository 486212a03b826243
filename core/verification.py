"""Verification by coordinators, where it is required: a new organisation, or the first
listing of a person not yet verified, goes to the coordinators, who approve with one tap or
reject with a reason. Until then the person's listings are invisible to others."""

from __future__ import annotations

from sqlmodel import Session, select

from core import audit
from core.clock import utcnow
from core.errors import NotFound, PermissionDenied
from core.models import Listing, Organisation, Stakeholder
from core.models.enums import Role, VerificationStatus
from core.notifications import enqueue, notify_role
from core.people import Actor
from core.storage import possible_id
from core.validation import clean_text


def is_trusted(session: Session, actor: Actor) -> bool:
    person = session.get(Stakeholder, actor.id)
    organisation = session.get(Organisation, actor.organisation_id or 0)
    return bool(
        person is not None
        and person.verified
        and organisation is not None
        and organisation.verification == VerificationStatus.verified
    )


def request_verification(session: Session, stakeholder_id: int) -> None:
    """Asks the coordinators, once per person, to check them and their organisation."""
    person = session.get(Stakeholder, stakeholder_id)
    if person is None or person.verified:
        return
    notify_role(
        session,
        Role.coordinator,
        "verify_request",
        f"verify:{stakeholder_id}",
        {"stakeholder_id": stakeholder_id},
    )


def _reviewed(session: Session, actor: Actor, stakeholder_id: int) -> Stakeholder:
    if not actor.is_coordinator:
        raise PermissionDenied("denied.coordinator_only")
    person = session.get(Stakeholder, stakeholder_id) if possible_id(stakeholder_id) else None
    if person is None:
        raise NotFound("not_found.stakeholder")
    return person


def approve(session: Session, actor: Actor, stakeholder_id: int) -> list[int]:
    """Verifies the person and their organisation; their listings become visible. Returns
    the listings that just became visible (to look for matches now)."""
    person = _reviewed(session, actor, stakeholder_id)
    person.verified = True
    if person.requested_organisation_id is not None:
        person.organisation_id = person.requested_organisation_id
        person.requested_organisation_id = None
    organisation = session.get(Organisation, person.organisation_id or 0)
    if organisation is not None:
        organisation.verification = VerificationStatus.verified
    listings = session.exec(
        select(Listing).where(Listing.created_by_id == stakeholder_id, Listing.verified == False)  # noqa: E712
    ).all()
    for listing in listings:
        listing.verified = True
    audit.record(session, actor.id, "stakeholder.verify", "stakeholder", stakeholder_id)
    enqueue(
        session,
        stakeholder_id,
        "verification_result",
        f"verified:{stakeholder_id}",
        {"approved": True},
    )
    return [listing.id for listing in listings if listing.id]


def reject(session: Session, actor: Actor, stakeholder_id: int, reason: str) -> None:
    person = _reviewed(session, actor, stakeholder_id)
    person.requested_organisation_id = None
    organisation = session.get(Organisation, person.organisation_id or 0)
    if organisation is not None and organisation.verification == VerificationStatus.pending:
        organisation.verification = VerificationStatus.rejected
    why = clean_text(reason, "reason", min_len=3, max_len=500)
    audit.record(
        session, actor.id, "stakeholder.reject", "stakeholder", stakeholder_id, {"reason": why}
    )
    enqueue(
        session,
        stakeholder_id,
        "verification_result",
        f"rejected:{stakeholder_id}:{utcnow().isoformat()}",  # one each time
        {"approved": False, "reason": why},
    )
