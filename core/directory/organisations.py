"""Public organisations: their public listings, their confirmed partnerships (a title and a
status), and the contact points that agreed to be published."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, col, select

from core.directory.listings import PublicListing, listings_of
from core.models import (
    ContactPoint,
    Listing,
    Match,
    Organisation,
    Partnership,
    PartnershipMember,
)
from core.models.enums import ListingKind, PartnershipStatus, VerificationStatus, Visibility
from core.storage import possible_id

# Drafts are not agreed by every partner yet, and cancelled ones never were.
PUBLIC_PARTNERSHIPS = (PartnershipStatus.active, PartnershipStatus.completed)
ORGANISATION_LISTINGS = 100  # an organisation's page lists at most this many of each kind


@dataclass(frozen=True)
class PublicContactPoint:
    id: int
    scope: str  # national or regional
    name: str
    email: str | None
    phone: str | None
    country: str | None
    region: str | None


@dataclass(frozen=True)
class PublicPartnership:
    id: int
    title: str
    status: PartnershipStatus


@dataclass(frozen=True)
class PublicOrganisation:
    id: int
    name: str
    kind: str
    country: str | None
    region: str | None
    verified: bool  # by a coordinator
    offers: tuple[PublicListing, ...]
    needs: tuple[PublicListing, ...]
    partnerships: tuple[PublicPartnership, ...]
    contact_points: tuple[PublicContactPoint, ...]


def public_contact_points(session: Session, organisation_id: int) -> list[PublicContactPoint]:
    """The organisation's contact points that agreed to publication (a consent of its own:
    one given for match partners has not agreed to be on the web), and nothing of the
    others, not even how many there are."""
    points = session.exec(
        select(ContactPoint)
        .where(ContactPoint.organisation_id == organisation_id, ContactPoint.published == sa.true())
        .order_by(col(ContactPoint.id))
    ).all()
    return [
        PublicContactPoint(
            id=p.id or 0,
            scope=str(p.scope),
            name=p.name,
            email=p.email,
            phone=p.phone,
            country=p.country,
            region=p.region,
        )
        for p in points
    ]


def public_partnerships(session: Session, organisation_id: int) -> list[PublicPartnership]:
    """The organisation's agreed partnerships, but none drafted from a restricted need: its
    title was the need's (core.matchmaking), and the IATI file leaves them out too."""
    from_restricted = (
        select(Match.id)
        .join(Listing, col(Listing.id) == Match.need_id)
        .where(Listing.visibility == Visibility.restricted)
    )
    partnerships = session.exec(
        select(Partnership)
        .join(PartnershipMember, col(PartnershipMember.partnership_id) == Partnership.id)
        .where(
            PartnershipMember.organisation_id == organisation_id,
            col(Partnership.status).in_(PUBLIC_PARTNERSHIPS),
            sa.or_(
                col(Partnership.match_id).is_(None),
                col(Partnership.match_id).not_in(from_restricted),
            ),
        )
        .order_by(col(Partnership.id).desc())
    ).all()
    return [
        PublicPartnership(p.id or 0, p.title, PartnershipStatus(p.status)) for p in partnerships
    ]


def public_organisation(
    session: Session, organisation_id: int, *, today: date | None = None
) -> PublicOrganisation | None:
    """An organisation that a coordinator verified, or that has a public listing, with its
    public listings (the newest ORGANISATION_LISTINGS of each kind), its confirmed
    partnerships and its published contact points. None alike for a private organisation
    and for none at all."""
    found = session.get(Organisation, organisation_id) if possible_id(organisation_id) else None
    if found is None or found.id is None or found.verification == VerificationStatus.rejected:
        return None
    listings = {
        kind: listings_of(
            session,
            [Listing.organisation_id == found.id, Listing.kind == kind],
            ORGANISATION_LISTINGS,
            today=today,
        )
        for kind in ListingKind
    }
    verified = found.verification == VerificationStatus.verified
    if not verified and not any(listings.values()):
        return None
    return PublicOrganisation(
        id=found.id,
        name=found.name,
        kind=str(found.kind),
        country=found.country,
        region=found.region,
        verified=verified,
        offers=tuple(listings[ListingKind.offer]),
        needs=tuple(listings[ListingKind.need]),
        partnerships=tuple(public_partnerships(session, found.id)),
        contact_points=tuple(public_contact_points(session, found.id)),
    )
