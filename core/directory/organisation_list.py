"""The public organisations as a list, a page at a time, for the open API: the same ones that
`public_organisation` shows (verified by a coordinator, or with a public listing; never a
rejected one), each with how many public offers and needs it has."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, col, select

from core.directory.filters import MAX_PAGE
from core.directory.listings import MAX_PER_PAGE, is_public
from core.listings import Page
from core.models import Listing, Organisation
from core.models.enums import ListingKind, OrganisationKind, VerificationStatus


@dataclass(frozen=True)
class OrganisationSummary:
    id: int
    name: str
    kind: str
    country: str | None
    region: str | None
    verified: bool  # by a coordinator
    offers: int  # public offers
    needs: int  # public needs


def is_public_organisation(today: date | None = None) -> sa.ColumnElement[bool]:
    """The condition an organisation meets to be seen by anybody, as public_organisation
    has it: not rejected, and verified or with a public listing."""
    with_listing = select(Listing.organisation_id).where(is_public(today))
    return sa.and_(
        Organisation.verification != VerificationStatus.rejected,
        sa.or_(
            Organisation.verification == VerificationStatus.verified,
            col(Organisation.id).in_(with_listing),
        ),
    )


def public_organisations(
    session: Session,
    *,
    kind: OrganisationKind | None = None,
    country: str | None = None,
    page: int = 1,
    per_page: int = 20,
    today: date | None = None,
) -> Page[OrganisationSummary]:
    """One page of the public organisations, by name, optionally of one kind or of one
    country (ISO 3166-1 alpha-2, checked by the caller), with the total."""
    where = [is_public_organisation(today)]
    if kind is not None:
        where.append(Organisation.kind == kind)
    if country is not None:
        where.append(Organisation.country == country)
    per_page = min(max(per_page, 1), MAX_PER_PAGE)
    page = min(max(page, 1), MAX_PAGE)
    total = session.exec(select(sa.func.count()).select_from(Organisation).where(*where)).one()
    found = session.exec(
        select(Organisation)
        .where(*where)
        # name_key is the folded name, unique: an order that does not change between pages
        .order_by(col(Organisation.name_key), col(Organisation.id))
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    counts = _listing_counts(session, [o.id for o in found if o.id is not None], today)
    items = [
        OrganisationSummary(
            id=o.id or 0,
            name=o.name,
            kind=str(o.kind),
            country=o.country,
            region=o.region,
            verified=o.verification == VerificationStatus.verified,
            offers=counts.get((o.id or 0, ListingKind.offer), 0),
            needs=counts.get((o.id or 0, ListingKind.need), 0),
        )
        for o in found
    ]
    return Page(items, int(total), page, per_page)


def _listing_counts(
    session: Session, organisation_ids: list[int], today: date | None
) -> dict[tuple[int, ListingKind], int]:
    if not organisation_ids:
        return {}
    rows = session.exec(
        select(Listing.organisation_id, Listing.kind, sa.func.count())
        .where(is_public(today), col(Listing.organisation_id).in_(organisation_ids))
        .group_by(col(Listing.organisation_id), col(Listing.kind))
    ).all()
    return {(int(org), ListingKind(kind)): int(n) for org, kind, n in rows}


__all__ = ["OrganisationSummary", "is_public_organisation", "public_organisations"]
