"""Use cases for needs and offers: create, edit, withdraw, confirm still current, list mine,
and search. Each takes a unit of work (a Session the caller commits) and plain values."""

from __future__ import annotations

import dataclasses
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlmodel import Session, col, select

from core import audit
from core.clock import utcnow
from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from core.models import Listing, ListingArea, Stakeholder
from core.models.enums import Coverage, ListingKind, ListingStatus, Priority, Visibility
from core.models.listing import area_mask
from core.people import Actor
from core.storage import possible_id
from core.validation import (
    check_code,
    check_country,
    check_currency,
    check_positive,
    check_region,
    check_window,
    clean_text,
)
from core.vocabularies import Vocabularies

T = TypeVar("T")
E = TypeVar("E", bound=StrEnum)

LIVE_STATUSES = (ListingStatus.open, ListingStatus.matched)


@dataclass
class ListingDraft:
    """Everything a person says about a need or an offer, before it is stored."""

    kind: ListingKind
    title: str
    assistance_type: str
    areas: list[str]
    coverage: Coverage
    country: str | None = None
    region: str | None = None
    description: str = ""
    amount: Decimal | None = None
    currency: str | None = None
    quantity: Decimal | None = None
    unit: str | None = None
    available_from: date | None = None
    available_until: date | None = None
    priority: Priority | None = None
    modality: str | None = None
    visibility: Visibility = Visibility.public


EDITABLE_FIELDS = frozenset(f.name for f in dataclasses.fields(ListingDraft)) - {"kind"}


@dataclass(frozen=True)
class ListingView:
    listing: Listing
    areas: list[str]


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.page_size))


@dataclass(frozen=True)
class ListingFilter:
    kind: ListingKind | None = None
    assistance_type: str | None = None
    area: str | None = None
    country: str | None = None
    region: str | None = None
    statuses: tuple[ListingStatus, ...] = (ListingStatus.open,)
    organisation_id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def validate_draft(
    draft: ListingDraft, vocab: Vocabularies, *, today: date | None = None
) -> ListingDraft:
    """Returns a cleaned copy of the draft, or raises InvalidInput naming the first bad field.
    `today`, when given, refuses a time window that has already ended."""
    d = dataclasses.replace(draft, areas=list(dict.fromkeys(draft.areas)))
    d.kind = ListingKind(d.kind)
    d.coverage = _member(Coverage, d.coverage, "coverage")
    d.visibility = _member(Visibility, d.visibility, "visibility")
    if d.priority is not None:
        d.priority = _member(Priority, d.priority, "priority")
    d.title = clean_text(d.title, "title", min_len=3, max_len=120)
    d.description = clean_text(d.description, "description", max_len=4000)
    d.assistance_type = check_code(vocab.assistance_types, d.assistance_type, "assistance_type")
    if not d.areas:
        raise InvalidInput("invalid.required", field="areas")
    d.areas = [check_code(vocab.thematic_areas, area, "areas") for area in d.areas]
    _validate_place(d, vocab)
    _validate_amounts(d, vocab)
    check_window(d.available_from, d.available_until, today=today)
    if d.kind is ListingKind.need:
        d.priority = Priority(d.priority or Priority.medium)
    else:
        d.priority = None
        if d.visibility is Visibility.restricted:
            raise InvalidInput("invalid.offer_restricted", field="visibility")
    if d.modality is not None:
        d.modality = check_code(vocab.modalities, d.modality, "modality")
    return d


def _member(enum: type[E], value: object, field: str) -> E:
    try:
        return enum(value)
    except ValueError:
        raise InvalidInput("invalid.choice", field=field, value=str(value)) from None


def _validate_place(d: ListingDraft, vocab: Vocabularies) -> None:
    if d.coverage is Coverage.country:
        d.country = check_country(vocab, d.country)
        d.region = vocab.countries[d.country].subregion
    elif d.coverage is Coverage.region:
        d.country, d.region = None, check_region(vocab, d.region)
    elif d.kind is ListingKind.need:
        raise InvalidInput("invalid.need_global", field="coverage")
    else:
        d.country = d.region = None


def _validate_amounts(d: ListingDraft, vocab: Vocabularies) -> None:
    if d.amount is not None:
        d.amount = check_positive(d.amount, "amount")
        if not d.currency:
            raise InvalidInput("invalid.currency_required", field="currency")
        d.currency = check_currency(vocab, d.currency)
    elif d.currency:
        raise InvalidInput("invalid.amount_required", field="amount")
    if d.quantity is not None:
        d.quantity = check_positive(d.quantity, "quantity")
        d.unit = clean_text(d.unit, "unit", min_len=1, max_len=32)
    else:
        d.unit = None


def can_edit(actor: Actor, listing: Listing) -> bool:
    return actor.is_coordinator or (
        actor.organisation_id is not None and actor.organisation_id == listing.organisation_id
    )


def _created_today(session: Session, stakeholder_id: int | None) -> int:
    since = utcnow() - timedelta(days=1)
    query = select(sa.func.count()).where(
        Listing.created_by_id == stakeholder_id, col(Listing.created_at) >= since
    )
    return int(session.exec(query).one())  # type: ignore[call-overload]


def create_listing(
    session: Session,
    vocab: Vocabularies,
    actor: Actor,
    draft: ListingDraft,
    *,
    today: date | None = None,
    require_verification: bool = False,
    daily_limit: int | None = None,
) -> ListingView:
    """Stores a listing. Where verification is required, the listing of someone not yet
    verified is kept from others until a coordinator verifies them. One person creates at
    most `daily_limit` listings in 24 hours: a flood of offers is a flood of notices."""
    if actor.organisation_id is None:
        person = session.get(Stakeholder, actor.id)
        pending = person is not None and person.requested_organisation_id is not None
        raise PermissionDenied("denied.membership_pending" if pending else "denied.no_organisation")
    if daily_limit is not None and _created_today(session, actor.id) >= daily_limit:
        raise Conflict("limit.listings", limit=daily_limit)
    d = validate_draft(draft, vocab, today=today or utcnow().date())
    from core.verification import is_trusted, request_verification

    verified = not require_verification or actor.is_coordinator or is_trusted(session, actor)
    values = {k: v for k, v in dataclasses.asdict(d).items() if k != "areas"}
    listing = Listing(
        organisation_id=actor.organisation_id,
        created_by_id=actor.id,
        remaining_amount=d.amount,
        remaining_quantity=d.quantity,
        verified=verified,
        **values,
    )
    session.add(listing)
    session.flush()
    assert listing.id is not None
    if not verified:
        request_verification(session, actor.id)
    _set_areas(session, listing.id, d.areas)
    audit.record(session, actor.id, f"{d.kind}.create", "listing", listing.id)
    return ListingView(listing, d.areas)


def get_listing(session: Session, listing_id: int) -> ListingView:
    listing = session.get(Listing, listing_id) if possible_id(listing_id) else None
    if listing is None or listing.id is None:
        raise NotFound("not_found.listing")
    return ListingView(listing, areas_for(session, [listing.id]).get(listing.id, []))


def draft_of(view: ListingView) -> ListingDraft:
    values = view.listing.model_dump(include={f.name for f in dataclasses.fields(ListingDraft)})
    return ListingDraft(**{**values, "areas": list(view.areas)})


def edit_listing(
    session: Session,
    vocab: Vocabularies,
    actor: Actor,
    listing_id: int,
    changes: dict[str, Any],
    *,
    today: date | None = None,
) -> ListingView:
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    view = _editable(session, actor, listing_id)
    listing = view.listing
    if listing.status not in LIVE_STATUSES:
        raise Conflict("conflict.listing_closed", status=listing.status)
    window_changed = "available_until" in changes
    d = validate_draft(
        dataclasses.replace(draft_of(view), **changes),
        vocab,
        today=(today or utcnow().date()) if window_changed else None,
    )
    before = draft_of(view)
    _rebase_remaining(listing, d)
    for key, value in dataclasses.asdict(d).items():
        if key != "areas":
            setattr(listing, key, value)
    listing.updated_at = utcnow()
    assert listing.id is not None
    _set_areas(session, listing.id, d.areas)
    changed = {
        key: value for key, value in dataclasses.asdict(d).items() if getattr(before, key) != value
    }
    audit.record(session, actor.id, f"{listing.kind}.edit", "listing", listing.id, changed)
    return ListingView(listing, d.areas)


def _rebase_remaining(listing: Listing, d: ListingDraft) -> None:
    """What partners already covered stays covered when the total changes."""
    covered = (listing.amount or 0) - (listing.remaining_amount or 0)
    listing.remaining_amount = max(d.amount - covered, Decimal(0)) if d.amount else None
    covered_q = (listing.quantity or 0) - (listing.remaining_quantity or 0)
    listing.remaining_quantity = max(d.quantity - covered_q, Decimal(0)) if d.quantity else None


def withdraw_listing(session: Session, actor: Actor, listing_id: int) -> ListingView:
    view = _editable(session, actor, listing_id)
    if view.listing.status not in LIVE_STATUSES:
        raise Conflict("conflict.listing_closed", status=view.listing.status)
    view.listing.status = ListingStatus.withdrawn
    view.listing.updated_at = utcnow()
    audit.record(session, actor.id, f"{view.listing.kind}.withdraw", "listing", listing_id)
    return view


def confirm_listing(session: Session, actor: Actor, listing_id: int) -> ListingView:
    """ "Still current": keeps the listing alive, and revives one that expired unconfirmed."""
    view = _editable(session, actor, listing_id)
    listing = view.listing
    if listing.status not in (*LIVE_STATUSES, ListingStatus.expired):
        raise Conflict("conflict.listing_closed", status=listing.status)
    if listing.status == ListingStatus.expired:
        listing.status = ListingStatus.open
    listing.last_confirmed_at = utcnow()
    audit.record(session, actor.id, f"{listing.kind}.confirm", "listing", listing_id)
    return view


def list_mine(session: Session, actor: Actor, *, include_closed: bool = False) -> list[ListingView]:
    """The listings of the actor's organisation, newest first."""
    if actor.organisation_id is None:
        return []
    query = select(Listing).where(Listing.organisation_id == actor.organisation_id)
    if not include_closed:
        query = query.where(col(Listing.status).in_([*LIVE_STATUSES, ListingStatus.expired]))
    listings = list(session.exec(query.order_by(col(Listing.id).desc())))
    return _views(session, listings)


def areas_for(session: Session, listing_ids: Iterable[int]) -> dict[int, list[str]]:
    ids = list(listing_ids)
    found: dict[int, list[str]] = defaultdict(list)
    if ids:
        rows = session.exec(
            select(ListingArea)
            .where(col(ListingArea.listing_id).in_(ids))
            .order_by(col(ListingArea.area))
        )
        for row in rows:
            found[row.listing_id].append(row.area)
    return found


def _views(session: Session, listings: list[Listing]) -> list[ListingView]:
    areas = areas_for(session, [lst.id for lst in listings if lst.id is not None])
    return [ListingView(lst, areas.get(lst.id or 0, [])) for lst in listings]


def _set_areas(session: Session, listing_id: int, areas: list[str]) -> None:
    listing = session.get(Listing, listing_id)
    if listing is not None:
        listing.area_mask = area_mask(areas)
    current = set(areas_for(session, [listing_id]).get(listing_id, []))
    for area in current - set(areas):
        row = session.get(ListingArea, (listing_id, area))
        if row is not None:
            session.delete(row)
    for area in [a for a in areas if a not in current]:
        session.add(ListingArea(listing_id=listing_id, area=area))
    session.flush()


def _editable(session: Session, actor: Actor, listing_id: int) -> ListingView:
    view = get_listing(session, listing_id)
    if not can_edit(actor, view.listing):
        raise PermissionDenied("denied.not_owner")
    return view
