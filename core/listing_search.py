"""Finding listings: by kind, type, area, country or region, page by page, each viewer
seeing only what they may (restricted needs, unverified listings)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, col, select

from core.listings import ListingFilter, ListingView, Page, _views
from core.models import Listing, ListingArea, Match
from core.models.enums import Coverage, Visibility
from core.people import Actor
from core.validation import check_country, check_region
from core.vocabularies import Vocabularies


def search_listings(
    session: Session,
    vocab: Vocabularies,
    viewer: Actor,
    filters: ListingFilter,
    *,
    page: int = 1,
    page_size: int = 5,
) -> Page[ListingView]:
    conditions = [col(Listing.status).in_(filters.statuses), _visible_to(viewer)]
    if filters.kind:
        conditions.append(Listing.kind == filters.kind)
    if filters.assistance_type:
        conditions.append(Listing.assistance_type == filters.assistance_type)
    if filters.organisation_id:
        conditions.append(Listing.organisation_id == filters.organisation_id)
    if filters.area:
        conditions.append(
            col(Listing.id).in_(
                select(ListingArea.listing_id).where(ListingArea.area == filters.area)
            )
        )
    if filters.country:
        conditions.append(_applies_to_country(vocab, check_country(vocab, filters.country)))
    if filters.region:
        conditions.append(_applies_to_region(vocab, check_region(vocab, filters.region)))
    where = sa.and_(*conditions)
    total = session.exec(select(sa.func.count()).select_from(Listing).where(where)).one()
    page = max(1, page)
    listings = session.exec(
        select(Listing)
        .where(where)
        .order_by(col(Listing.created_at).desc(), col(Listing.id).desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    return Page(_views(session, list(listings)), int(total), page, page_size)


def _visible_to(viewer: Actor) -> sa.ColumnElement[bool]:
    """Restricted needs are seen by coordinators, by their own organisation, and by the
    owners of the offers they were matched with."""
    if viewer.is_coordinator:
        return sa.true()
    if viewer.organisation_id is None:
        return sa.and_(Listing.visibility == Visibility.public, Listing.verified == sa.true())
    matched_offers = (
        select(Match.need_id)
        .join(Listing, col(Listing.id) == Match.offer_id)
        .where(Listing.organisation_id == viewer.organisation_id)
    )
    return sa.or_(
        Listing.organisation_id == viewer.organisation_id,
        sa.and_(
            Listing.verified == sa.true(),
            sa.or_(Listing.visibility == Visibility.public, col(Listing.id).in_(matched_offers)),
        ),
    )


def _applies_to_country(vocab: Vocabularies, country: str) -> sa.ColumnElement[bool]:
    return sa.or_(
        Listing.country == country,
        sa.and_(
            Listing.coverage == Coverage.region,
            col(Listing.region).in_(vocab.countries[country].regions),
        ),
        Listing.coverage == Coverage.world,
    )


def _applies_to_region(vocab: Vocabularies, region: str) -> sa.ColumnElement[bool]:
    return sa.or_(
        col(Listing.country).in_(vocab.countries_in(region)),
        sa.and_(
            Listing.coverage == Coverage.region,
            col(Listing.region).in_(sorted(vocab.regions_within(region))),
        ),
        Listing.coverage == Coverage.world,
    )
