"""The rules of match-making, over the facts of two listings (a `Side` each) and nothing
else: whether a need and an offer can be paired at all, and how well they fit, with the
reasons for it.

Hard filters decide whether a pair is possible at all: a compatible assistance type,
overlapping time windows, an offer whose coverage includes the need's place, both open and
not expired, from different organisations. The score then weighs thematic overlap,
geographic precision, how much of the need the offer covers, timing, similar descriptions
and the cooperation modality (a South-South bonus).

No database here: core/matching_ranking.py reads the sides and ranks the candidates."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from core.models.enums import Coverage, ListingKind, ListingStatus
from core.vocabularies import Vocabularies

# A match is proposed at this score or above (0 to 1), unless the settings say otherwise.
DEFAULT_THRESHOLD = 0.55

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
    need_regions = regions_of(need, vocab)
    if offer.coverage == Coverage.country:
        if need.coverage == Coverage.country and offer.country == need.country:
            return 1.0, Reason("place_country", {"country": offer.country})
        return None
    if offer.region in need_regions:
        depth = need_regions.index(offer.region)
        return max(0.8 - 0.1 * depth, 0.5), Reason("place_region", {"region": offer.region})
    return None


def regions_of(side: Side, vocab: Vocabularies) -> tuple[str, ...]:
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
