"""A person's data: all of it, in one file, on request; and forgetting them, on request,
while organisation-level records (listings, partnerships, reports) stay, anonymised."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from core import audit
from core.export import plain
from core.models import (
    AuditEvent,
    ChannelIdentity,
    Conversation,
    LinkCode,
    Listing,
    Notification,
    PartnershipMember,
    ProgressReport,
    Stakeholder,
    StakeholderRole,
    UsageEvent,
)

FORGOTTEN = "(forgotten)"


def personal_data(session: Session, stakeholder_id: int) -> dict[str, Any]:
    person = session.get(Stakeholder, stakeholder_id)
    if person is None:
        return {}

    def dump(rows: Any) -> list[dict[str, Any]]:
        return [{k: plain(v) for k, v in row.model_dump().items()} for row in rows]

    identities = session.exec(
        select(ChannelIdentity).where(ChannelIdentity.stakeholder_id == stakeholder_id)
    ).all()
    return {
        "format": "partnerbot-personal-data/1",
        "person": {k: plain(v) for k, v in person.model_dump().items()},
        "roles": [
            plain(r)
            for r in session.exec(
                select(StakeholderRole.role).where(StakeholderRole.stakeholder_id == stakeholder_id)
            )
        ],
        "accounts": dump(identities),
        "listings_created": dump(
            session.exec(select(Listing).where(Listing.created_by_id == stakeholder_id))
        ),
        "reports_submitted": dump(
            session.exec(
                select(ProgressReport).where(ProgressReport.submitted_by_id == stakeholder_id)
            )
        ),
        "notifications": dump(
            session.exec(select(Notification).where(Notification.stakeholder_id == stakeholder_id))
        ),
        "usage": dump(
            session.exec(select(UsageEvent).where(UsageEvent.stakeholder_id == stakeholder_id))
        ),
        "actions": dump(
            session.exec(select(AuditEvent).where(AuditEvent.actor_id == stakeholder_id))
        ),
    }


def forget(session: Session, stakeholder_id: int) -> list[str]:
    """Deletes what identifies the person: their accounts (and with them their dialogs), their
    notices, codes and roles; empties their profile. What their organisation registered stays,
    pointing at an anonymous record."""
    person = session.get(Stakeholder, stakeholder_id)
    if person is None:
        return []
    identities = session.exec(
        select(ChannelIdentity).where(ChannelIdentity.stakeholder_id == stakeholder_id)
    ).all()
    words = identifying(person, identities)
    _scrub_notices(session, words)
    identity_ids = [i.id for i in identities]
    if identity_ids:
        for conv in session.exec(
            select(Conversation).where(col(Conversation.identity_id).in_(identity_ids))
        ):
            session.delete(conv)
    for row in [
        *identities,
        *session.exec(select(Notification).where(Notification.stakeholder_id == stakeholder_id)),
        *session.exec(select(LinkCode).where(LinkCode.stakeholder_id == stakeholder_id)),
        *session.exec(
            select(StakeholderRole).where(StakeholderRole.stakeholder_id == stakeholder_id)
        ),
    ]:
        session.delete(row)
    for event in session.exec(
        select(UsageEvent).where(UsageEvent.stakeholder_id == stakeholder_id)
    ):
        event.stakeholder_id = None
    for event in session.exec(
        select(AuditEvent).where(
            AuditEvent.entity_type == "stakeholder", AuditEvent.entity_id == stakeholder_id
        )
    ):
        event.changes = {}  # a profile edit's record holds the old name, for instance
    for member in session.exec(
        select(PartnershipMember).where(PartnershipMember.stakeholder_id == stakeholder_id)
    ):
        member.stakeholder_id = None
    for listing in session.exec(select(Listing).where(Listing.created_by_id == stakeholder_id)):
        listing.created_by_id = None  # notices about it now go to the organisation
    person.name = FORGOTTEN
    person.timezone = "UTC"
    person.share_contact = False
    person.contact_email = person.contact_phone = None
    person.requested_organisation_id = None
    person.preferred_platform = None
    person.last_seen_at = None
    person.organisation_id = None
    audit.record(session, None, "stakeholder.forget", "stakeholder", stakeholder_id)
    return words  # what identified them, for what lies outside the database


def identifying(person: Stakeholder, identities: list[ChannelIdentity]) -> list[str]:
    """The words that identify the person in what the bot wrote: name, handles, contact
    details, account ids (short ones would match everything, so they are left out)."""
    words = {person.name, person.contact_email, person.contact_phone}
    for identity in identities:
        words |= {identity.handle, identity.display_name, identity.external_user_id}
        if identity.handle:
            words.add(identity.handle.lstrip("@"))
    return sorted((w for w in words if w and len(w) >= 3 and w != FORGOTTEN), key=len, reverse=True)


def _scrub_notices(session: Session, words: list[str]) -> None:
    """Notices to other people that name the person (a role request, the contacts of a
    match, an introduction) lose those words, before they are delivered and after."""
    if not words:
        return
    text = sa.cast(Notification.payload, sa.Text)
    # The payload is stored as JSON text, where "José" may be written "Jos\\u00e9".
    forms = {form for w in words for form in (w, json.dumps(w)[1:-1])}
    found = session.exec(
        select(Notification).where(
            sa.or_(*(text.like(f"%{_literal(w)}%", escape="\\") for w in forms))
        )
    ).all()
    for notice in found:
        notice.payload = _without(notice.payload, words)


def _literal(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _without(value: Any, words: list[str]) -> Any:
    if isinstance(value, dict):
        return {k: _without(v, words) for k, v in value.items()}
    if isinstance(value, list):
        return [_without(v, words) for v in value]
    if isinstance(value, str):
        for word in words:
            value = value.replace(word, FORGOTTEN)
    return value
