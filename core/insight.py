"""What coordinators look at: the gaps (needs not covered by accepted matches) by thematic
area and place, and the figures of the trial (people, listings, matches, reporting, usage)."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from core.models import (
    Listing,
    ListingArea,
    Match,
    MatchOutcome,
    Organisation,
    ProgressReport,
    ReportingSchedule,
    Stakeholder,
    UsageEvent,
)
from core.models.enums import ListingKind, ListingStatus, MatchStatus, ReportStatus
from core.models.match_outcome import Outcome
from core.vocabularies import Vocabularies

LIVE = (ListingStatus.open, ListingStatus.matched)


NOWHERE = "—"  # the place of a need with neither a country nor a region


@dataclass
class AreaGap:
    area: str
    needs: int = 0
    uncovered: int = 0  # needs with nothing accepted yet
    priced: int = 0  # needs with an amount in the gap's currency
    needed: Decimal = Decimal(0)  # what the needs still lack, in the gap's currency
    # What needs given as a quantity still lack, by unit ("kits"): counted in their units,
    # never as money.
    quantities: Counter = field(default_factory=Counter)
    offers: int = 0  # open offers in the area
    offered: Decimal = Decimal(0)  # what open offers in the area hold
    offered_quantities: Counter = field(default_factory=Counter)  # unit -> quantity offered
    committed: Decimal = Decimal(0)  # what accepted matches already covered
    oldest_days: int = 0
    by_country: Counter = field(default_factory=Counter)  # place -> amount still needed
    places: Counter = field(default_factory=Counter)  # place -> number of needs


@dataclass
class Gaps:
    currency: str
    areas: list[AreaGap]
    other_currencies: list[str]
    # Across areas a listing in several areas counts once, so these are not the sums of the
    # areas' figures.
    needs: int = 0
    offers: int = 0
    places: Counter = field(default_factory=Counter)  # place -> number of needs
    by_country: Counter = field(default_factory=Counter)  # place -> amount still needed

    @property
    def has_amounts(self) -> bool:
        """Whether any figure is money: without, amounts would all read as zero."""
        return any(g.priced or g.offered or g.committed for g in self.areas)


def gaps(
    session: Session,
    vocab: Vocabularies,
    now: datetime,
    *,
    area: str | None = None,
    region: str | None = None,
    since: datetime | None = None,
) -> Gaps:
    """The needs still open, by area: how much they lack (in money or in their units), what
    open offers hold, what was committed through accepted matches; amounts in the most common
    currency of the needs."""
    query = (
        select(Listing, ListingArea.area)
        .join(ListingArea, col(ListingArea.listing_id) == Listing.id)
        .where(col(Listing.status).in_(LIVE), Listing.kind == ListingKind.need)
    )
    if area:
        query = query.where(ListingArea.area == area)
    if region:
        query = query.where(col(Listing.country).in_(vocab.countries_in(region)))
    if since:
        query = query.where(col(Listing.created_at) >= since)
    rows = session.exec(query).all()
    distinct = {need.id: need for need, _ in rows}.values()  # a need in two areas is one
    currencies = Counter(need.currency for need in distinct if need.currency)
    currency = currencies.most_common(1)[0][0] if currencies else "USD"
    found = Gaps(currency, [], sorted(set(currencies) - {currency}))
    by_area = _needs_by_area(found, rows, _accepted_amounts(session, currency), now)
    found.offers = _add_offers(session, by_area, currency)
    found.areas = [by_area[c] for c in vocab.thematic_areas.codes() if c in by_area]
    return found


def _place(listing: Listing) -> str:
    return listing.country or listing.region or NOWHERE


def _unit(listing: Listing) -> str:
    """Units compared as matching compares them: "Kits" and "kits" are one unit."""
    return (listing.unit or "").strip().casefold()


def _quantity_left(listing: Listing) -> Decimal | None:
    """What a listing given as a quantity (not as money) still holds or lacks; None for money
    or nothing counted."""
    if listing.quantity is None or (listing.amount is not None and listing.currency):
        return None
    return (
        listing.remaining_quantity if listing.remaining_quantity is not None else listing.quantity
    )


def _needs_by_area(
    found: Gaps,
    rows: Sequence[tuple[Listing, str]],
    accepted: dict[int, Decimal],
    now: datetime,
) -> dict[str, AreaGap]:
    """Each area's needs, and the totals where a need in several areas counts once."""
    by_area: dict[str, AreaGap] = {}
    seen: set[int | None] = set()
    for need, code in rows:
        gap = by_area.setdefault(code, AreaGap(code))
        first = need.id not in seen  # the totals count it once, in its first area
        seen.add(need.id)
        gap.needs += 1
        gap.places[_place(need)] += 1
        if first:
            found.places[_place(need)] += 1
        if need.id not in accepted:
            gap.uncovered += 1
        if need.currency == found.currency and need.amount is not None:
            gap.priced += 1
            left = need.remaining_amount or Decimal(0)
            gap.needed += left
            gap.by_country[_place(need)] += left
            if first:
                found.by_country[_place(need)] += left
        elif (left_quantity := _quantity_left(need)) is not None:
            gap.quantities[_unit(need)] += left_quantity
        gap.committed += accepted.get(need.id or 0, Decimal(0))
        gap.oldest_days = max(gap.oldest_days, (now - need.created_at).days)
    found.needs = len(seen)
    return by_area


def _add_offers(session: Session, by_area: dict[str, AreaGap], currency: str) -> int:
    """What the open offers in each area hold; returns how many offers there are, each
    counted once however many of the areas it serves."""
    if not by_area:
        return 0
    offers = session.exec(
        select(Listing, ListingArea.area)
        .join(ListingArea, col(ListingArea.listing_id) == Listing.id)
        .where(
            col(Listing.status).in_(LIVE),
            Listing.kind == ListingKind.offer,
            col(ListingArea.area).in_(list(by_area)),
        )
    ).all()
    for offer, code in offers:
        gap = by_area[code]
        gap.offers += 1
        if offer.currency == currency and offer.remaining_amount:
            gap.offered += offer.remaining_amount
        elif (left := _quantity_left(offer)) is not None:
            gap.offered_quantities[_unit(offer)] += left
    return len({offer.id for offer, _ in offers})


def _accepted_amounts(session: Session, currency: str) -> dict[int, Decimal]:
    """Per need with an accepted match, the amount its accepted matches covered. An offer
    accepted for several needs is shared out in the order of the decisions, as accepting
    shared it (see core.matchmaking), never counted in full for each."""
    need, offer = aliased(Listing), aliased(Listing)
    rows = session.execute(
        sa.select(Match.need_id, Match.offer_id, offer.amount, need.amount, offer.currency)
        .join(offer, offer.id == Match.offer_id)
        .join(need, need.id == Match.need_id)
        .where(Match.status == MatchStatus.accepted)
        .order_by(Match.decided_at, Match.id)
    ).all()
    covered: dict[int, Decimal] = defaultdict(Decimal)
    offer_left: dict[int, Decimal] = {}
    for need_id, offer_id, offer_amount, need_amount, offer_currency in rows:
        covered[need_id] += Decimal(0)  # accepted, whatever it covered
        if offer_currency != currency or not offer_amount or not need_amount:
            continue
        held = offer_left.setdefault(offer_id, offer_amount)
        share = max(min(held, need_amount - covered[need_id]), Decimal(0))
        offer_left[offer_id] = held - share
        covered[need_id] += share
    return covered


@dataclass
class Stats:
    since: datetime
    stakeholders_by_kind: Counter
    stakeholders_by_country: Counter
    listings_by_status: Counter
    matches: Counter
    median_days_to_match: float | None
    reports_due: int
    reports_on_time: int
    active_users: int
    usage: Counter
    # Of the matches proposed in the period: accepted by both sides, and realised (a side
    # said it led to cooperation); and the median days from proposal to both accepting.
    matches_proposed: int = 0
    matches_accepted: int = 0
    matches_realised: int = 0
    median_days_to_accept: float | None = None


def stats(session: Session, now: datetime, days: int) -> Stats:
    since = now - timedelta(days=days)
    people = session.exec(
        select(Organisation.kind, Organisation.country).join(
            Stakeholder, col(Stakeholder.organisation_id) == Organisation.id
        )
    ).all()
    listings = session.exec(
        select(Listing.status, sa.func.count()).group_by(col(Listing.status))
    ).all()
    matches = session.exec(
        select(Match.status, sa.func.count())
        .where(col(Match.created_at) >= since)
        .group_by(col(Match.status))
    ).all()
    waits = session.exec(
        select(Match.created_at, Listing.created_at)
        .join(Listing, col(Listing.id) == Match.need_id)
        .where(col(Match.created_at) >= since)
    ).all()
    due = session.exec(
        select(ProgressReport.late).where(
            col(ProgressReport.due_date) >= since.date(),
            col(ProgressReport.status) != ReportStatus.draft,
        )
    ).all()
    overdue = session.exec(
        select(sa.func.count())
        .select_from(ReportingSchedule)
        .where(
            col(ReportingSchedule.next_due) < now.date(),
            col(ReportingSchedule.next_due) >= since.date(),
        )
    ).one()
    usage = session.exec(
        select(UsageEvent.category, UsageEvent.name, UsageEvent.stakeholder_id).where(
            col(UsageEvent.at) >= since
        )
    ).all()
    days_waited = [(made - listed).total_seconds() / 86400 for made, listed in waits]
    accepted = session.exec(
        select(Match.created_at, Match.decided_at).where(
            col(Match.created_at) >= since,
            Match.status == MatchStatus.accepted,
            col(Match.decided_at).is_not(None),
        )
    ).all()
    days_to_accept = [(decided - made).total_seconds() / 86400 for made, decided in accepted]
    realised = session.exec(
        select(sa.func.count(sa.distinct(MatchOutcome.match_id)))
        .join(Match, col(Match.id) == MatchOutcome.match_id)
        .where(col(Match.created_at) >= since, MatchOutcome.outcome == Outcome.yes)
    ).one()
    return Stats(
        since=since,
        stakeholders_by_kind=Counter(str(kind) for kind, _ in people),
        stakeholders_by_country=Counter(country or "—" for _, country in people),
        listings_by_status=Counter({str(s): n for s, n in listings}),
        matches=Counter({str(s): n for s, n in matches}),
        median_days_to_match=statistics.median(days_waited) if days_waited else None,
        reports_due=len(due) + int(overdue),
        reports_on_time=sum(1 for late in due if not late),
        active_users=len({who for _, _, who in usage if who is not None}),
        usage=Counter(f"{category}:{name}" for category, name, _ in usage),
        matches_proposed=sum(n for _, n in matches),
        matches_accepted=len(accepted),
        matches_realised=int(realised),
        median_days_to_accept=statistics.median(days_to_accept) if days_to_accept else None,
    )
