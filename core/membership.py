"""Joining an organisation that exists already: it always waits for approval, by one of its
members, or by a coordinator when it has no member yet. Until then the person is a pending
member: they act for no organisation, so they see none of its listings, restricted needs,
matches or partnerships."""

from __future__ import annotations

from sqlmodel import Session, col, select

from core import audit
from core.alerts import alert_new_listing
from core.errors import Conflict, NotFound, PermissionDenied
from core.matching_rules import DEFAULT_THRESHOLD, Weights
from core.matchmaking import propose_matches
from core.models import Organisation, Stakeholder
from core.models.enums import Role
from core.notifications import enqueue, notify_role
from core.people import Actor
from core.storage import possible_id
from core.verification import approve
from core.vocabularies import Vocabularies


def request_membership(session: Session, person: Stakeholder, organisation_id: int) -> None:
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound("not_found.organisation")
    assert person.id is not None
    person.organisation_id = None
    person.requested_organisation_id = organisation_id
    session.flush()
    key = f"membership:{person.id}:{organisation_id}"
    payload = {"stakeholder_id": person.id, "organisation_id": organisation_id}
    members = _members(session, organisation_id, besides=person.id)
    for member in members:
        enqueue(session, member, "membership_request", f"{key}:to:{member}", payload)
    if not members:
        notify_role(session, Role.coordinator, "membership_request", key, payload)
    audit.record(session, person.id, "stakeholder.join_request", "stakeholder", person.id, payload)


def _members(session: Session, organisation_id: int, *, besides: int) -> list[int]:
    return [
        int(i)
        for i in session.exec(
            select(Stakeholder.id).where(
                Stakeholder.organisation_id == organisation_id, col(Stakeholder.id) != besides
            )
        )
        if i is not None
    ]


def decide_membership(
    session: Session, actor: Actor, stakeholder_id: int, *, approve: bool
) -> Stakeholder:
    """A member of the organisation, or a coordinator, lets the person in or refuses."""
    if not possible_id(stakeholder_id):
        raise NotFound("not_found.stakeholder")
    person = session.get(Stakeholder, stakeholder_id, with_for_update=True)
    if person is None:
        raise NotFound("not_found.stakeholder")
    organisation_id = person.requested_organisation_id
    if organisation_id is None:
        raise Conflict("conflict.membership_decided")
    if actor.organisation_id != organisation_id and not actor.is_coordinator:
        raise PermissionDenied("denied.not_member")
    if approve:
        person.organisation_id = organisation_id
    person.requested_organisation_id = None
    audit.record(
        session,
        actor.id,
        "stakeholder.join_approve" if approve else "stakeholder.join_refuse",
        "stakeholder",
        stakeholder_id,
        {"organisation_id": organisation_id},
    )
    enqueue(
        session,
        stakeholder_id,
        "membership_result",
        f"membership:{stakeholder_id}:{organisation_id}:result",
        {"organisation_id": organisation_id, "approved": approve},
    )
    return person


def verify_person(
    session: Session,
    vocab: Vocabularies,
    actor: Actor,
    stakeholder_id: int,
    *,
    weights: Weights | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    notice_cap: int | None = None,
) -> list[int]:
    """A coordinator vouches for a person and their organisation: the person's listings
    become visible, and are matched now rather than at their next change. Returns them."""
    visible = approve(session, actor, stakeholder_id)
    for listing_id in visible:
        propose_matches(
            session, vocab, listing_id, weights=weights, threshold=threshold, notice_cap=notice_cap
        )
        alert_new_listing(session, vocab, listing_id)
    return visible
