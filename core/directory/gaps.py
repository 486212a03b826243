"""The public gaps: the figures of core.insight.gaps (the same Gaps, area by area), counted
over public listings only, so that no restricted need shows through a total.

They are summed by the database rather than from rows, as a public page asks for them at
every visit: reading 100,000 listings into objects takes seconds, grouping them does not."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from core import insight
from core.clock import utcnow
from core.directory.listings import is_public
from core.models import Listing, ListingArea, Match
from core.models.enums import ListingKind, MatchStatus
from core.vocabularies import Vocabularies


def _place(code: str | None) -> str:
    return code or insight.NOWHERE


def _unit(unit: str | None) -> str:
    """As core.insight compares units: "Kits" and "kits" are one."""
    return (unit or "").strip().casefold()


def _number(value: Any) -> Decimal:
    return Decimal(str(value)) if value is not None else Decimal(0)


def public_gaps(
    session: Session,
    vocab: Vocabularies,
    *,
    now: datetime | None = None,
    area: str | None = None,
    region: str | None = None,
) -> insight.Gaps:
    """The public needs still live, by area, as core.insight.gaps counts them: how much they
    lack (in money or in their units), what public offers hold, what accepted matches
    committed; amounts in the most common currency of the needs."""
    now = now or utcnow()
    public = is_public(now.date())
    need = [public, Listing.kind == ListingKind.need]
    if region:
        need.append(col(Listing.country).in_(vocab.countries_in(region)))
    in_areas = select(ListingArea.listing_id)
    on_area = [ListingArea.area == area] if area else []
    currency = _currency(session, [*need, col(Listing.id).in_(in_areas.where(*on_area))])
    found = insight.Gaps(currency.code, [], currency.others)
    by_area: dict[str, insight.AreaGap] = {}
    _needs_by_area(session, by_area, [*need, *on_area], currency.code, now)
    _covered(session, by_area, [*need, *on_area], currency.code)
    _totals(session, found, [*need, col(Listing.id).in_(in_areas.where(*on_area))], currency)
    found.offers = _offers(session, by_area, public, currency.code)
    found.areas = [by_area[c] for c in vocab.thematic_areas.codes() if c in by_area]
    return found


class _Currency:
    def __init__(self, code: str, others: list[str]) -> None:
        self.code, self.others = code, others

    def priced(self) -> sa.ColumnElement[bool]:
        """Whether a need counts as money: never NULL, so that NOT works on it."""
        return sa.and_(
            col(Listing.currency).is_not(None),
            Listing.currency == self.code,
            col(Listing.amount).is_not(None),
        )

    def counted(self) -> sa.ColumnElement[bool]:
        """Whether a listing that is not priced counts in its units (core.insight's
        _quantity_left): a quantity, and no amount in any currency."""
        money = sa.and_(col(Listing.amount).is_not(None), col(Listing.currency).is_not(None))
        return sa.and_(col(Listing.quantity).is_not(None), sa.not_(money))


def _currency(session: Session, where: list[Any]) -> _Currency:
    rows = session.exec(
        select(Listing.currency, sa.func.count())
        .where(*where, col(Listing.currency).is_not(None), Listing.currency != "")
        .group_by(col(Listing.currency))
        .order_by(sa.func.count().desc(), col(Listing.currency))
    ).all()
    codes = [str(code) for code, _ in rows]
    code = codes[0] if codes else "USD"
    return _Currency(code, sorted(set(codes) - {code}))


def _needs_by_area(
    session: Session,
    by_area: dict[str, insight.AreaGap],
    where: list[Any],
    code: str,
    now: datetime,
) -> None:
    money = _Currency(code, [])
    priced, counted = money.priced(), sa.and_(sa.not_(money.priced()), money.counted())
    accepted = select(Match.need_id).where(Match.status == MatchStatus.accepted)
    place = sa.func.coalesce(Listing.country, Listing.region)
    rows = session.exec(
        select(
            ListingArea.area,
            place,
            Listing.unit,
            sa.func.count(),
            sa.func.sum(sa.case((priced, 1), else_=0)),
            sa.func.sum(sa.case((priced, sa.func.coalesce(Listing.remaining_amount, 0)))),
            sa.func.sum(sa.case((counted, 1), else_=0)),
            sa.func.sum(
                sa.case((counted, sa.func.coalesce(Listing.remaining_quantity, Listing.quantity)))
            ),
            sa.func.sum(sa.case((col(Listing.id).in_(accepted), 1), else_=0)),
            sa.func.min(Listing.created_at),
        )
        .join(ListingArea, col(ListingArea.listing_id) == Listing.id)
        .where(*where)
        .group_by(col(ListingArea.area), place, col(Listing.unit))
    ).all()
    for code_, where_, unit, n, priced_n, needed, counted_n, quantity, covered_n, oldest in rows:
        gap = by_area.setdefault(code_, insight.AreaGap(code_))
        gap.needs += n
        gap.places[_place(where_)] += n
        gap.uncovered += n - int(covered_n or 0)
        gap.priced += int(priced_n or 0)
        if priced_n:
            gap.needed += _number(needed)
            gap.by_country[_place(where_)] += _number(needed)
        if counted_n:
            gap.quantities[_unit(unit)] += _number(quantity)
        gap.oldest_days = max(gap.oldest_days, (now - oldest).days)


def _covered(
    session: Session, by_area: dict[str, insight.AreaGap], where: list[Any], code: str
) -> None:
    """What accepted matches committed to each area's needs, shared out as core.insight
    shares an offer accepted for several needs."""
    amounts = insight._accepted_amounts(session, code)
    if not amounts:
        return
    accepted = select(Match.need_id).where(Match.status == MatchStatus.accepted)
    rows = session.exec(
        select(ListingArea.area, Listing.id)
        .join(ListingArea, col(ListingArea.listing_id) == Listing.id)
        .where(*where, col(Listing.id).in_(accepted))
    ).all()
    for area, need_id in rows:
        by_area[area].committed += amounts.get(need_id or 0, Decimal(0))


def _totals(session: Session, found: insight.Gaps, where: list[Any], money: _Currency) -> None:
    """Across areas, where a need in several areas counts once."""
    place = sa.func.coalesce(Listing.country, Listing.region)
    left = sa.case((money.priced(), sa.func.coalesce(Listing.remaining_amount, 0)))
    rows = session.exec(
        select(place, sa.func.count(), sa.func.sum(left)).where(*where).group_by(place)
    ).all()
    for where_, n, needed in rows:
        found.needs += n
        found.places[_place(where_)] += n
        if needed is not None:
            found.by_country[_place(where_)] += _number(needed)


def _offers(session: Session, by_area: dict[str, insight.AreaGap], public: Any, code: str) -> int:
    """What the public offers in each area with needs hold; how many offers that is, each
    counted once however many of the areas it serves."""
    if not by_area:
        return 0
    money = sa.and_(
        col(Listing.currency).is_not(None),
        Listing.currency == code,
        col(Listing.remaining_amount).is_not(None),
        Listing.remaining_amount != 0,
    )
    counted = sa.and_(sa.not_(money), _Currency(code, []).counted())
    where = [public, Listing.kind == ListingKind.offer, col(ListingArea.area).in_(list(by_area))]
    joined = select(
        ListingArea.area,
        Listing.unit,
        sa.func.count(),
        sa.func.sum(sa.case((money, Listing.remaining_amount))),
        sa.func.sum(sa.case((counted, 1), else_=0)),
        sa.func.sum(
            sa.case((counted, sa.func.coalesce(Listing.remaining_quantity, Listing.quantity)))
        ),
    ).join(ListingArea, col(ListingArea.listing_id) == Listing.id)
    rows = session.exec(
        joined.where(*where).group_by(col(ListingArea.area), col(Listing.unit))
    ).all()
    for area, unit, n, offered, counted_n, quantity in rows:
        gap = by_area[area]
        gap.offers += n
        gap.offered += _number(offered)
        if counted_n:
            gap.offered_quantities[_unit(unit)] += _number(quantity)
    in_areas = select(ListingArea.listing_id).where(col(ListingArea.area).in_(list(by_area)))
    distinct = (
        select(sa.func.count())
        .select_from(Listing)
        .where(public, Listing.kind == ListingKind.offer, col(Listing.id).in_(in_areas))
    )
    return int(session.exec(distinct).one())
