"""A person's data: all of it, in one file, on request; and forgetting them, on request,
while organisation-level records (listings, partnerships, reports) stay, anonymised."""

from __future__ import annotations

from typing import Any

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


def forget(session: Session, stakeholder_id: int) -> None:
    """Deletes what identifies the person: their accounts (and with them their dialogs), their
    notices, codes and roles; empties their profile. What their organisation registered stays,
    pointing at an anonymous record."""
    person = session.get(Stakeholder, stakeholder_id)
    if person is None:
        return
    identities = session.exec(
        select(ChannelIdentity).where(ChannelIdentity.stakeholder_id == stakeholder_id)
    ).all()
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
    person.preferred_platform = None
    person.last_seen_at = None
    person.organisation_id = None
    audit.record(session, None, "stakeholder.forget", "stakeholder", stakeholder_id)
