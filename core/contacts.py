"""Who partners may contact, and how they are put in touch.

An organisation has national and regional contact points, kept by its members (or a
coordinator). A person may agree to share their chat handle, an e-mail or a phone with a
match partner. Nothing is shared before both sides accept a match; then each side gets the
other's contact points and the consented details of the person who accepted. When neither
side has anything to share, the coordinators are asked to introduce them."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from core import audit
from core.errors import NotFound, PermissionDenied
from core.models import ChannelIdentity, ContactPoint, Listing, Organisation, Stakeholder
from core.models.enums import ContactScope, Role
from core.notifications import enqueue, notify_role
from core.people import Actor, name_key, stakeholders_with_role
from core.validation import check_country, check_email, check_phone, clean_text
from core.vocabularies import Vocabularies


def contact_points(session: Session, organisation_id: int) -> list[ContactPoint]:
    return list(
        session.exec(
            select(ContactPoint)
            .where(ContactPoint.organisation_id == organisation_id)
            .order_by(col(ContactPoint.id))
        )
    )


def save_contact_point(
    session: Session,
    vocab: Vocabularies,
    actor: Actor,
    organisation_id: int,
    *,
    scope: ContactScope,
    name: str,
    email: str | None = None,
    phone: str | None = None,
    country: str | None = None,
    point_id: int | None = None,
    published: bool = False,
) -> ContactPoint:
    """Adds a contact point, or edits one (`point_id`); a member of the organisation or a
    coordinator may."""
    _may_keep(session, actor, organisation_id)
    name = clean_text(name, "name", min_len=2, max_len=200)
    point = session.get(ContactPoint, point_id) if point_id else None
    if point_id and (point is None or point.organisation_id != organisation_id):
        raise NotFound("not_found.contact_point")
    point = point or ContactPoint(organisation_id=organisation_id, scope=scope, name=name)
    point.scope, point.name = scope, name
    # Names repeat across organisations ("Liaison office"): the key is the organisation's.
    point.name_key = f"{organisation_id}:{name_key(name)}:{point_id or ''}"
    point.email = check_email(email) if email else None
    point.phone = check_phone(phone) if phone else None
    point.country = check_country(vocab, country) if country else None
    point.published = published
    session.add(point)
    session.flush()
    audit.record(
        session,
        actor.id,
        "contact_point.edit" if point_id else "contact_point.add",
        "organisation",
        organisation_id,
        {"contact_point": point.id, "name": point.name},
    )
    return point


def remove_contact_point(session: Session, actor: Actor, point_id: int) -> None:
    point = session.get(ContactPoint, point_id)
    if point is None:
        raise NotFound("not_found.contact_point")
    _may_keep(session, actor, point.organisation_id)
    session.delete(point)
    audit.record(
        session, actor.id, "contact_point.remove", "organisation", point.organisation_id, {}
    )


def _may_keep(session: Session, actor: Actor, organisation_id: int) -> None:
    if session.get(Organisation, organisation_id) is None:
        raise NotFound("not_found.organisation")
    if actor.organisation_id != organisation_id and not actor.is_coordinator:
        raise PermissionDenied("denied.not_member")


def shared_by(session: Session, listing: Listing) -> dict[str, Any]:
    """What the other side of an accepted match receives: the organisation's contact points
    and what the listing's owner agreed to share."""
    organisation = session.get(Organisation, listing.organisation_id)
    found: dict[str, Any] = {
        "organisation": organisation.name if organisation else "",
        "points": [
            {"name": p.name, "email": p.email, "phone": p.phone, "scope": p.scope}
            for p in contact_points(session, listing.organisation_id)
        ],
        "people": [],
    }
    owner = session.get(Stakeholder, listing.created_by_id) if listing.created_by_id else None
    if owner is not None:
        person = _consented(session, owner)
        if person:
            found["people"].append(person)
    return found


def _consented(session: Session, person: Stakeholder) -> dict[str, Any] | None:
    handles = []
    if person.share_contact:
        identities = session.exec(
            select(ChannelIdentity).where(ChannelIdentity.stakeholder_id == person.id)
        ).all()
        handles = [{"platform": i.platform, "handle": i.handle} for i in identities if i.handle]
    if not (handles or person.contact_email or person.contact_phone):
        return None
    return {
        "name": person.name,
        "handles": handles,
        "email": person.contact_email,
        "phone": person.contact_phone,
    }


def nothing_shared(*contacts: dict[str, Any]) -> bool:
    return not any(c["points"] or c["people"] for c in contacts)


def ask_for_introduction(session: Session, partnership_id: int, coordinator_id: int | None) -> bool:
    """Nobody shared anything: the partnership's coordinator, or every coordinator, is asked
    to introduce the partners. False when there is no coordinator to ask."""
    key = f"introduce:{partnership_id}"
    payload = {"partnership_id": partnership_id}
    if coordinator_id is not None:
        return enqueue(session, coordinator_id, "introduction_needed", key, payload) or True
    if not stakeholders_with_role(session, Role.coordinator):
        return False
    notify_role(session, Role.coordinator, "introduction_needed", key, payload)
    return True


def introduce(session: Session, actor: Actor, partnership_id: int) -> list[int]:
    """A coordinator puts the partners in touch: each is told whom they are working with and
    how to reach the coordinator, who passes messages on. Recorded in the audit. Returns the
    people told (once each, however often it is tapped)."""
    from core.models import Partnership, PartnershipMember

    if not actor.is_coordinator:
        raise PermissionDenied("denied.coordinator_only")
    partnership = session.get(Partnership, partnership_id)
    if partnership is None:
        raise NotFound("not_found.partnership")
    members = session.exec(
        select(PartnershipMember).where(PartnershipMember.partnership_id == partnership_id)
    ).all()
    coordinator = session.get(Stakeholder, actor.id)
    assert coordinator is not None
    handles = session.exec(
        select(ChannelIdentity).where(ChannelIdentity.stakeholder_id == actor.id)
    ).all()
    via = {
        "name": coordinator.name,
        "handles": [{"platform": i.platform, "handle": i.handle} for i in handles if i.handle],
        "email": coordinator.contact_email,
        "phone": coordinator.contact_phone,
    }
    told = []
    for member in members:
        others = [
            session.get(Organisation, m.organisation_id)
            for m in members
            if m.organisation_id != member.organisation_id
        ]
        if member.stakeholder_id is None:
            continue
        payload = {
            "partnership_id": partnership_id,
            "coordinator": via,
            "partners": [o.name for o in others if o is not None],
        }
        key = f"introduction:{partnership_id}:{member.stakeholder_id}"
        if enqueue(session, member.stakeholder_id, "introduction", key, payload):
            told.append(member.stakeholder_id)
    if partnership.coordinator_id is None:
        partnership.coordinator_id = actor.id  # who introduced them follows them
    audit.record(
        session, actor.id, "partnership.introduce", "partnership", partnership_id, {"told": told}
    )
    return told
