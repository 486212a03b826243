"""What coordinators look at: the gaps (needs not covered by accepted matches) by thematic
area and place, and the figures of the trial (people, listings, matches, reporting, usage)."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
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
    Organisation,
    ProgressReport,
    ReportingSchedule,
    Stakeholder,
    UsageEvent,
)
from core.models.enums import ListingKind, ListingStatus, MatchStatus, ReportStatus
from core.vocabularies import Vocabularies

LIVE = (ListingStatus.open, ListingStatus.matched)


@dataclass
class AreaGap:
    area: str
    needs: int = 0
    uncovered: int = 0  # needs with nothing accepted yet
    needed: Decimal = Decimal(0)  # what the needs still lack, in the gap's currency
    offered: Decimal = Decimal(0)  # what open offers in the area hold
    committed: Decimal = Decimal(0)  # what accepted matches already covered
    oldest_days: int = 0
    by_country: Counter = field(default_factory=Counter)  # country -> amount still needed


@dataclass
class Gaps:
    currency: str
    areas: list[AreaGap]
    other_currencies: list[str]


def gaps(
    session: Session,
    vocab: Vocabularies,
    now: datetime,
    *,
    area: str | None = None,
    region: str | None = None,
    since: datetime | None = None,
) -> Gaps:
    """The needs still open, by area: how much they lack, what open offers hold, what was
    committed through accepted matches; amounts in the most common currency of the needs."""
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
    currencies = Counter(n.currency for n, _ in rows if n.currency)
    currency = currencies.most_common(1)[0][0] if currencies else "USD"
    accepted = _accepted_amounts(session, currency)
    found: dict[str, AreaGap] = {}
    for need, code in rows:
        gap = found.setdefault(code, AreaGap(code))
        gap.needs += 1
        if need.id not in accepted:
            gap.uncovered += 1
        if need.currency == currency and need.remaining_amount:
            gap.needed += need.remaining_amount
            gap.by_country[need.country or need.region or "—"] += need.remaining_amount
        gap.committed += accepted.get(need.id or 0, Decimal(0))
        gap.oldest_days = max(gap.oldest_days, (now - need.created_at).days)
    offers = session.exec(
        select(ListingArea.area, sa.func.sum(Listing.remaining_amount))
        .join(Listing, col(Listing.id) == ListingArea.listing_id)
        .where(
            col(Listing.status).in_(LIVE),
            Listing.kind == ListingKind.offer,
            Listing.currency == currency,
        )
        .group_by(col(ListingArea.area))
    ).all()
    for code, amount in offers:
        if code in found:
            found[code].offered = Decimal(amount or 0)
    ordered = [found[c] for c in vocab.thematic_areas.codes() if c in found]
    return Gaps(currency, ordered, sorted(set(currencies) - {currency}))


def _accepted_amounts(session: Session, currency: str) -> dict[int, Decimal]:
    """Per need, the amount its accepted matches covered (the smaller of the two sides)."""
    need, offer = aliased(Listing), aliased(Listing)
    rows = session.execute(
        sa.select(Match.need_id, offer.amount, need.amount, offer.currency)
        .join(offer, offer.id == Match.offer_id)
        .join(need, need.id == Match.need_id)
        .where(Match.status == MatchStatus.accepted)
    ).all()
    covered: dict[int, Decimal] = defaultdict(Decimal)
    for need_id, offer_amount, need_amount, offer_currency in rows:
        covered[need_id] += (
            min(offer_amount, need_amount)
            if offer_currency == currency and offer_amount and need_amount
            else Decimal(0)
        )
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
    )
