"""Public listings: the one condition that makes a listing public, pages of them, one of them,
the newest, and the counts."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from core.clock import utcnow
from core.directory.filters import MAX_PAGE, Filters
from core.listing_search import _applies_to_country, _applies_to_region
from core.listings import Page, areas_for
from core.models import Listing, ListingArea, Organisation, Partnership
from core.models.enums import (
    ListingKind,
    ListingStatus,
    PartnershipStatus,
    VerificationStatus,
    Visibility,
)
from core.storage import possible_id
from core.vocabularies import Vocabularies

PUBLIC_STATUSES = (ListingStatus.open, ListingStatus.matched)
MAX_PER_PAGE = 100


@dataclass(frozen=True)
class PublicListing:
    id: int
    kind: ListingKind
    title: str
    description: str
    assistance_type: str
    areas: tuple[str, ...]
    coverage: str  # country, region or global
    country: str | None
    region: str | None
    amount: Decimal | None
    currency: str | None
    remaining_amount: Decimal | None
    quantity: Decimal | None
    unit: str | None
    remaining_quantity: Decimal | None
    available_from: date | None
    available_until: date | None
    priority: str | None  # needs only: the affected state's priority
    modality: str | None
    status: ListingStatus  # open or matched
    organisation_id: int
    organisation_name: str
    organisation_kind: str
    organisation_country: str | None
    last_confirmed: datetime
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class PublicCounts:
    offers: int
    needs: int
    organisations: int  # with at least one public listing
    countries: int  # named by a public listing
    partnerships: int  # active


def is_public(today: date | None = None) -> sa.ColumnElement[bool]:
    """The condition a listing meets to be seen by anybody: one definition for every page,
    feed and API answer. A listing past its time window is expired, whether or not the
    sweep has marked it yet."""
    today = today or utcnow().date()
    rejected = select(Organisation.id).where(
        Organisation.verification == VerificationStatus.rejected
    )
    return sa.and_(
        col(Listing.status).in_(PUBLIC_STATUSES),
        Listing.visibility == Visibility.public,
        Listing.verified == sa.true(),
        sa.or_(col(Listing.available_until).is_(None), col(Listing.available_until) >= today),
        col(Listing.organisation_id).not_in(rejected),
    )


def matching(
    vocab: Vocabularies, filters: Filters, today: date | None = None
) -> list[sa.ColumnElement[bool]]:
    """The conditions of the public listings that fit the filters."""
    conditions = [is_public(today)]
    if filters.kind:
        conditions.append(Listing.kind == filters.kind)
    if filters.assistance_type:
        conditions.append(Listing.assistance_type == filters.assistance_type)
    if filters.modality:
        conditions.append(Listing.modality == filters.modality)
    if filters.area:
        in_area = select(ListingArea.listing_id).where(ListingArea.area == filters.area)
        conditions.append(col(Listing.id).in_(in_area))
    # A country's listings include those of its regions and the global offers: what could
    # help there, as the chat's search has it.
    if filters.country:
        conditions.append(_applies_to_country(vocab, filters.country))
    if filters.region:
        conditions.append(_applies_to_region(vocab, filters.region))
    return conditions


def _rows(where: list[sa.ColumnElement[bool]]) -> Any:
    return (
        select(Listing, Organisation)
        .join(Organisation, col(Organisation.id) == Listing.organisation_id)
        .where(*where)
        .order_by(col(Listing.id).desc())  # ids grow with time: newest first, by the key
    )


def _public(session: Session, rows: list[Any]) -> list[PublicListing]:
    areas = areas_for(session, [listing.id for listing, _ in rows])
    return [_listing(listing, owner, areas.get(listing.id, [])) for listing, owner in rows]


def _listing(listing: Listing, organisation: Organisation, areas: list[str]) -> PublicListing:
    assert listing.id is not None and organisation.id is not None
    return PublicListing(
        id=listing.id,
        kind=ListingKind(listing.kind),
        title=listing.title,
        description=listing.description,
        assistance_type=listing.assistance_type,
        areas=tuple(areas),
        coverage=str(listing.coverage),
        country=listing.country,
        region=listing.region,
        amount=listing.amount,
        currency=listing.currency,
        remaining_amount=listing.remaining_amount,
        quantity=listing.quantity,
        unit=listing.unit,
        remaining_quantity=listing.remaining_quantity,
        available_from=listing.available_from,
        available_until=listing.available_until,
        priority=str(listing.priority) if listing.priority else None,
        modality=listing.modality,
        status=ListingStatus(listing.status),
        organisation_id=organisation.id,
        organisation_name=organisation.name,
        organisation_kind=str(organisation.kind),
        organisation_country=organisation.country,
        last_confirmed=listing.last_confirmed_at,
        created_at=listing.created_at,
        updated_at=listing.updated_at,
    )


class Totals:
    """The totals of filtered listings, kept for `seconds`: counting every listing that fits
    costs more than reading a page of them (tens of milliseconds at 100,000 listings), and a
    total a minute old is what the pages' own Cache-Control already allows. The rows are
    always read fresh, and a page that contradicts its total has it counted again."""

    def __init__(self, seconds: float = 60.0, size: int = 4096) -> None:
        self.seconds, self.size = seconds, size
        self._kept: dict[Any, tuple[float, int]] = {}
        self._lock = threading.Lock()

    def get(self, key: Any) -> int | None:
        with self._lock:
            kept = self._kept.get(key)
        if kept is None or kept[0] < time.monotonic():
            return None
        return kept[1]

    def put(self, key: Any, total: int) -> None:
        with self._lock:
            if len(self._kept) >= self.size:  # bounded: the oldest half goes
                for old in sorted(self._kept, key=lambda k: self._kept[k][0])[: self.size // 2]:
                    del self._kept[old]
            self._kept[key] = (time.monotonic() + self.seconds, total)


def public_listings(
    session: Session,
    vocab: Vocabularies,
    filters: Filters | None = None,
    *,
    page: int = 1,
    per_page: int = 20,
    today: date | None = None,
    totals: Totals | None = None,
) -> Page[PublicListing]:
    """One page of the public listings that fit the filters, newest first, with the total
    (from `totals` while it is fresh and the page agrees with it)."""
    filters = filters or Filters()
    today = today or utcnow().date()
    where = matching(vocab, filters, today)
    per_page = min(max(per_page, 1), MAX_PER_PAGE)
    page = min(max(page, 1), MAX_PAGE)
    rows = list(session.exec(_rows(where).offset((page - 1) * per_page).limit(per_page)).all())
    key = (filters, today)
    total = totals.get(key) if totals is not None else None
    if total is None or len(rows) != min(max(total - (page - 1) * per_page, 0), per_page):
        total = int(session.exec(select(sa.func.count()).select_from(Listing).where(*where)).one())
        if totals is not None:
            totals.put(key, total)
    return Page(_public(session, rows), total, page, per_page)


def public_listing(
    session: Session, listing_id: int, *, today: date | None = None
) -> PublicListing | None:
    """The listing if anybody may see it; None alike for a private one and for none at all."""
    if not possible_id(listing_id):
        return None
    row = session.exec(_rows([Listing.id == listing_id, is_public(today)])).first()
    return _public(session, [row])[0] if row else None


def newest(
    session: Session, kind: ListingKind, n: int = 5, *, today: date | None = None
) -> list[PublicListing]:
    return listings_of(session, [Listing.kind == kind], n, today=today)


def listings_of(
    session: Session,
    conditions: list[sa.ColumnElement[bool]],
    n: int,
    *,
    today: date | None = None,
) -> list[PublicListing]:
    """The newest `n` public listings that also meet these conditions."""
    limit = min(max(n, 0), MAX_PER_PAGE)
    rows = session.exec(_rows([is_public(today), *conditions]).limit(limit)).all()
    return _public(session, list(rows))


def public_counts(session: Session, *, today: date | None = None) -> PublicCounts:
    """The figures of the home page, in one pass over the public listings."""
    offers, needs, organisations, countries = session.exec(
        select(
            sa.func.count(sa.case((Listing.kind == ListingKind.offer, 1))),
            sa.func.count(sa.case((Listing.kind == ListingKind.need, 1))),
            sa.func.count(sa.distinct(Listing.organisation_id)),
            sa.func.count(sa.distinct(Listing.country)),  # NULL, of a region, is not counted
        ).where(is_public(today))
    ).one()
    partnerships = session.exec(
        select(sa.func.count())
        .select_from(Partnership)
        .where(Partnership.status == PartnershipStatus.active)
    ).one()
    return PublicCounts(
        offers=int(offers),
        needs=int(needs),
        organisations=int(organisations),
        countries=int(countries),
        partnerships=int(partnerships),
    )
