"""Match-making: which offers can answer a need, and which needs an offer can answer, ranked
with the reasons for each pairing.

Hard filters decide whether a pair is possible at all: a compatible assistance type,
overlapping time windows, an offer whose coverage includes the need's place, both open and
not expired, from different organisations. The score then weighs thematic overlap,
geographic precision, how much of the need the offer covers, timing, similar descriptions
and the cooperation modality (a South-South bonus).

Candidates are selected in the database through the listing indexes, ranked there by a
pre-score (the components SQL can compute), and only the best few are scored exactly here."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from core.clock import utcnow
from core.models import Listing, ListingArea, Organisation
from core.models.enums import Coverage, ListingKind, ListingStatus
from core.models.listing import area_bit
from core.vocabularies import Vocabularies

PRESELECT = 50  # candidates ranked in SQL, then scored exactly
_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
_STOP = frozenset(
    """and for the with from this that are our their your des les pour avec dans une del
    las los para con por una que""".split()
)


@dataclass(frozen=True)
class Weights:
    """How much each component counts; they need not add up to one (scores are divided by
    their sum). Set from configuration."""

    area: float = 0.30
    place: float = 0.20
    amount: float = 0.20
    time: float = 0.10
    text: float = 0.10
    modality: float = 0.10

    @property
    def total(self) -> float:
        return self.area + self.place + self.amount + self.time + self.text + self.modality


@dataclass(frozen=True)
class Side:
    """What matching needs to know of one listing."""

    id: int
    kind: ListingKind
    organisation_id: int
    assistance_type: str
    areas: frozenset[str]
    coverage: Coverage
    country: str | None
    region: str | None
    amount: Decimal | None
    currency: str | None
    quantity: Decimal | None
    unit: str | None
    available_from: date | None
    available_until: date | None
    modality: str | None
    status: ListingStatus
    global_south: bool
    words: frozenset[str] = field(default_factory=frozenset)
    verified: bool = True


@dataclass(frozen=True)
class Reason:
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, **self.params}


@dataclass(frozen=True)
class Scored:
    need: Side
    offer: Side
    score: float
    reasons: tuple[Reason, ...]

    def other(self, side: Side) -> Side:
        return self.offer if side.id == self.need.id else self.need


def words_of(*texts: str) -> frozenset[str]:
    return frozenset(w for text in texts for w in _WORD.findall(text.casefold()) if w not in _STOP)


# -- hard filters ------------------------------------------------------------------------------


def possible(need: Side, offer: Side, vocab: Vocabularies, today: date) -> bool:
    return (
        need.kind is ListingKind.need
        and offer.kind is ListingKind.offer
        and need.status == ListingStatus.open
        and offer.status == ListingStatus.open
        and need.organisation_id != offer.organisation_id
        and offer.assistance_type in vocab.offer_types_for(need.assistance_type)
        and _current(need, today)
        and _current(offer, today)
        and _windows_overlap(need, offer)
        and place_precision(need, offer, vocab) is not None
    )


def _current(side: Side, today: date) -> bool:
    return side.available_until is None or side.available_until >= today


def _windows_overlap(a: Side, b: Side) -> bool:
    starts_in_time = (
        a.available_until is None
        or b.available_from is None
        or (b.available_from <= a.available_until)
    )
    ends_in_time = (
        b.available_until is None
        or a.available_from is None
        or (b.available_until >= a.available_from)
    )
    return starts_in_time and ends_in_time


def place_precision(need: Side, offer: Side, vocab: Vocabularies) -> tuple[float, Reason] | None:
    """How precisely the offer's coverage meets the need's place; None if it does not."""
    if offer.coverage == Coverage.world:
        return 0.4, Reason("place_world")
    need_regions = _regions_of(need, vocab)
    if offer.coverage == Coverage.country:
        if need.coverage == Coverage.country and offer.country == need.country:
            return 1.0, Reason("place_country", {"country": offer.country})
        return None
    if offer.region in need_regions:
        depth = need_regions.index(offer.region)
        return max(0.8 - 0.1 * depth, 0.5), Reason("place_region", {"region": offer.region})
    return None


def _regions_of(side: Side, vocab: Vocabularies) -> tuple[str, ...]:
    if side.coverage == Coverage.country and side.country in vocab.countries:
        return vocab.countries[side.country].regions
    if side.coverage == Coverage.region and side.region:
        return vocab.regions_containing(side.region)
    return ()


# -- the score ---------------------------------------------------------------------------------


def score_pair(
    need: Side, offer: Side, vocab: Vocabularies, weights: Weights, today: date
) -> Scored | None:
    if not possible(need, offer, vocab, today):
        return None
    reasons: list[Reason] = []
    if offer.assistance_type == need.assistance_type:
        reasons.append(Reason("type", {"type": need.assistance_type}))
    else:
        reasons.append(Reason("type_compatible", {"type": offer.assistance_type}))

    shared = need.areas & offer.areas
    area = 2 * len(shared) / (len(need.areas) + len(offer.areas)) if shared else 0.0
    if shared:
        reasons.append(Reason("area", {"areas": sorted(shared)}))

    place, place_reason = place_precision(need, offer, vocab) or (0.0, None)
    if place_reason:
        reasons.append(place_reason)

    amount, amount_reason = _amount_fit(need, offer)
    if amount_reason:
        reasons.append(amount_reason)

    timing, time_reason = _time_fit(need, offer, today)
    reasons.append(time_reason)

    text = _similarity(need.words, offer.words)
    if text >= 0.2:
        reasons.append(Reason("text"))

    modality = 0.0
    if need.modality and need.modality == offer.modality:
        modality = 1.0
        reasons.append(Reason("modality", {"modality": need.modality}))
    elif need.global_south and offer.global_south:
        modality = 1.0
        reasons.append(Reason("south_south"))

    total = (
        weights.area * area
        + weights.place * place
        + weights.amount * amount
        + weights.time * timing
        + weights.text * text
        + weights.modality * modality
    ) / (weights.total or 1.0)
    return Scored(need, offer, round(total, 4), tuple(reasons))


def _amount_fit(need: Side, offer: Side) -> tuple[float, Reason | None]:
    """The share of what the need still lacks that the offer covers; neutral when the two
    cannot be compared (no amounts, other currencies or units)."""
    if need.amount and offer.amount and need.currency == offer.currency:
        share = min(offer.amount / need.amount, Decimal(1))
        return float(share), Reason("amount", {"percent": round(share * 100)})
    if need.quantity and offer.quantity and _same_unit(need.unit, offer.unit):
        share = min(offer.quantity / need.quantity, Decimal(1))
        return float(share), Reason("quantity", {"percent": round(share * 100)})
    return 0.5, None


def _same_unit(a: str | None, b: str | None) -> bool:
    def base(unit: str | None) -> str:
        word = (unit or "").casefold().strip()
        return word[:-1] if word.endswith("s") else word

    return bool(a and b) and base(a) == base(b)


def _time_fit(need: Side, offer: Side, today: date) -> tuple[float, Reason]:
    """Available now, or soon enough: a wait of a year or more scores lowest."""
    wanted = max(need.available_from or today, today)
    if offer.available_from is None or offer.available_from <= wanted:
        return 1.0, Reason("available_now")
    wait = (offer.available_from - wanted).days
    return max(0.3, 1.0 - wait / 365), Reason(
        "available_from", {"date": offer.available_from.isoformat()}
    )


def _similarity(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


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
        regions = list(_regions_of(me, vocab))
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
