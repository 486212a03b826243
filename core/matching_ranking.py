"""Ranking the counterparts of a listing: candidates are selected in the database through
the listing indexes, ranked there by a pre-score (the components SQL can compute), and only
the best few are scored exactly by the rules (core/matching_rules.py)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from core.clock import utcnow
from core.matching_rules import Scored, Side, Weights, regions_of, score_pair, words_of
from core.models import Listing, ListingArea, Organisation
from core.models.enums import Coverage, ListingKind, ListingStatus
from core.models.listing import area_bit
from core.vocabularies import Vocabularies

PRESELECT = 50  # candidates ranked in SQL, then scored exactly


# -- reading listings --------------------------------------------------------------------------


_SIDE_COLUMNS = (
    Listing.id,
    Listing.kind,
    Listing.organisation_id,
    Listing.assistance_type,
    Listing.coverage,
    Listing.country,
    Listing.region,
    Listing.remaining_amount,
    Listing.currency,
    Listing.remaining_quantity,
    Listing.unit,
    Listing.available_from,
    Listing.available_until,
    Listing.modality,
    Listing.status,
    Listing.title,
    Listing.description,
    Listing.verified,
    Organisation.country,
)


def sides(
    session: Session, vocab: Vocabularies, listing_ids: Iterable[int] | None
) -> dict[int, Side]:
    """The matching facts of the given listings (of every listing, for None). Plain columns,
    not ORM objects: this runs for every candidate of every match."""
    ids = None if listing_ids is None else list(listing_ids)
    if ids == []:
        return {}
    query = sa.select(*_SIDE_COLUMNS).join(
        Organisation, col(Organisation.id) == Listing.organisation_id
    )
    area_query = sa.select(ListingArea.listing_id, ListingArea.area)
    if ids is not None:
        query = query.where(col(Listing.id).in_(ids))
        area_query = area_query.where(col(ListingArea.listing_id).in_(ids))
    areas: dict[int, set[str]] = defaultdict(set)
    for listing_id, area in session.execute(area_query):
        areas[listing_id].add(area)
    found = {}
    for row in session.execute(query):
        (
            listing_id,
            kind,
            organisation_id,
            assistance_type,
            coverage,
            country,
            region,
            amount,
            currency,
            quantity,
            unit,
            start,
            end,
            modality,
            status,
            title,
            description,
            verified,
            org_country,
        ) = row
        home = vocab.countries.get(org_country or "")
        found[listing_id] = Side(
            id=listing_id,
            kind=ListingKind(kind),
            organisation_id=organisation_id,
            assistance_type=assistance_type,
            areas=frozenset(areas[listing_id]),
            coverage=Coverage(coverage),
            country=country,
            region=region,
            amount=amount,
            currency=currency,
            quantity=quantity,
            unit=unit,
            available_from=start,
            available_until=end,
            modality=modality,
            status=ListingStatus(status),
            global_south=bool(home and home.global_south),
            words=words_of(title, description),
            verified=bool(verified),
        )
    return found


# -- ranking -----------------------------------------------------------------------------------


def rank(
    session: Session,
    vocab: Vocabularies,
    listing_id: int,
    *,
    weights: Weights | None = None,
    limit: int = 10,
    today: date | None = None,
) -> list[Scored]:
    """The best counterparts of a listing (offers for a need, needs for an offer), best first."""
    weights = weights or Weights()
    today = today or utcnow().date()
    me = sides(session, vocab, [listing_id]).get(listing_id)
    if me is None or me.status != ListingStatus.open or not me.verified:
        return []
    candidate_ids = _candidates(session, vocab, me, weights, today)
    others = sides(session, vocab, candidate_ids)
    scored = []
    for other in others.values():
        need, offer = (me, other) if me.kind is ListingKind.need else (other, me)
        result = score_pair(need, offer, vocab, weights, today)
        if result is not None:
            scored.append(result)
    scored.sort(key=lambda s: (-s.score, -s.other(me).id))
    return scored[:limit]


def _candidates(
    session: Session, vocab: Vocabularies, me: Side, weights: Weights, today: date
) -> list[int]:
    """The hard filters in SQL, and a pre-score to keep the best few for exact scoring."""
    other = Listing
    is_need = me.kind is ListingKind.need
    types = (
        vocab.offer_types_for(me.assistance_type)
        if is_need
        else vocab.compatible_types(me.assistance_type)
    )
    conditions = [
        other.kind == (ListingKind.offer if is_need else ListingKind.need),
        other.status == ListingStatus.open,
        other.verified == sa.true(),
        col(other.assistance_type).in_(types),
        other.organisation_id != me.organisation_id,
        sa.or_(col(other.available_until).is_(None), col(other.available_until) >= today),
    ]
    if me.available_until is not None:
        conditions.append(
            sa.or_(
                col(other.available_from).is_(None), col(other.available_from) <= me.available_until
            )
        )
    if me.available_from is not None:
        conditions.append(
            sa.or_(
                col(other.available_until).is_(None),
                col(other.available_until) >= me.available_from,
            )
        )
    place, place_score = _place_sql(vocab, me, is_need)
    conditions.append(place)
    prescore = (
        weights.area * _area_overlap_sql(me)
        + weights.place * place_score
        + weights.amount * _amount_sql(me, is_need)
    )
    query = (
        select(other.id)
        .where(*conditions)
        .order_by(prescore.desc(), col(other.id).desc())
        .limit(PRESELECT)
    )
    return [int(i) for i in session.exec(query)]


def _area_overlap_sql(me: Side) -> Any:
    """The share of my areas the other listing has, read from its area bits."""
    if not me.areas:
        return sa.literal(0.0)
    hits = [
        sa.case((Listing.area_mask.op("&")(area_bit(area)) != 0, 1.0), else_=0.0)
        for area in sorted(me.areas)
    ]
    return sum(hits[1:], hits[0]) / len(hits)


def _place_sql(vocab: Vocabularies, me: Side, is_need: bool) -> tuple[Any, Any]:
    """The place filter and the place part of the pre-score, for either direction."""
    other = Listing
    if is_need:
        regions = list(regions_of(me, vocab))
        in_country = (
            sa.and_(other.coverage == Coverage.country, other.country == me.country)
            if me.coverage == Coverage.country
            else sa.false()
        )
        in_region = sa.and_(other.coverage == Coverage.region, col(other.region).in_(regions))
        allowed = sa.or_(other.coverage == Coverage.world, in_country, in_region)
        score = sa.case(
            (other.coverage == Coverage.world, 0.4),
            (other.coverage == Coverage.country, 1.0),
            else_=0.7,
        )
        return allowed, score
    if me.coverage == Coverage.world:
        return sa.true(), sa.literal(0.4)
    if me.coverage == Coverage.country:
        allowed = sa.and_(other.coverage == Coverage.country, other.country == me.country)
        return allowed, sa.literal(1.0)
    assert me.region is not None
    within = sorted(vocab.regions_within(me.region))
    allowed = sa.or_(
        col(other.country).in_(vocab.countries_in(me.region)),
        sa.and_(other.coverage == Coverage.region, col(other.region).in_(within)),
    )
    return allowed, sa.literal(0.7)


def _amount_sql(me: Side, is_need: bool) -> Any:
    """The share of the need covered, where both sides speak of the same currency."""
    other = Listing
    if me.amount and me.currency:
        if is_need:
            share = other.remaining_amount / float(me.amount)
        else:
            share = float(me.amount) / sa.func.nullif(other.remaining_amount, 0)
        return sa.case(
            (sa.and_(other.currency == me.currency, share >= 1), 1.0),
            (other.currency == me.currency, share),
            else_=0.5,
        )
    return sa.literal(0.5)
