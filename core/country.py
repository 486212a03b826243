"""A country in one view: its partnerships, its open needs (the restricted ones only for
coordinators), the offers that cover it, and its gaps (needs with nothing accepted)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col, select

from core.models import Listing, Match, Organisation, Partnership, PartnershipMember
from core.models.enums import Coverage, ListingKind, ListingStatus, MatchStatus, Visibility
from core.national import LIVE, counterpart_for
from core.partnership_places import places_of
from core.people import Actor
from core.validation import check_country
from core.vocabularies import Vocabularies


@dataclass
class CountryView:
    country: str
    counterpart: Organisation | None
    partnerships: list[Partnership]
    needs: list[Listing]
    offers: list[Listing]
    gaps: list[Listing]


def country_view(session: Session, vocab: Vocabularies, actor: Actor, code: str) -> CountryView:
    country = check_country(vocab, code.strip().upper())
    live = list(session.exec(select(Partnership).where(col(Partnership.status).in_(LIVE))))
    places = places_of(session, vocab, [p.id for p in live if p.id is not None])
    mine = set(
        session.exec(
            select(PartnershipMember.partnership_id).where(
                PartnershipMember.organisation_id == (actor.organisation_id or 0)
            )
        )
    )
    # One drafted from a restricted need is told only to its partners and the coordinators.
    partnerships = [
        p
        for p in live
        if places[p.id or 0].country == country
        and (actor.is_coordinator or not places[p.id or 0].restricted_need or p.id in mine)
    ]
    open_ = col(Listing.status).in_([ListingStatus.open, ListingStatus.matched])
    needs_query = select(Listing).where(
        Listing.kind == ListingKind.need, Listing.country == country, open_
    )
    if not actor.is_coordinator:
        needs_query = needs_query.where(
            sa.or_(
                Listing.visibility == Visibility.public,
                Listing.organisation_id == (actor.organisation_id or 0),
            )
        )
    needs = list(session.exec(needs_query.order_by(col(Listing.id))))
    regions = list(vocab.countries[country].regions)
    offers = list(
        session.exec(
            select(Listing)
            .where(
                Listing.kind == ListingKind.offer,
                Listing.status == ListingStatus.open,
                sa.or_(
                    Listing.coverage == Coverage.world,
                    sa.and_(Listing.coverage == Coverage.country, Listing.country == country),
                    sa.and_(Listing.coverage == Coverage.region, col(Listing.region).in_(regions)),
                ),
            )
            .order_by(col(Listing.id))
        )
    )
    accepted = set(
        session.exec(
            select(Match.need_id).where(
                Match.status == MatchStatus.accepted,
                col(Match.need_id).in_([n.id for n in needs]),
            )
        )
    )
    gaps = [n for n in needs if n.id not in accepted]
    return CountryView(
        country, counterpart_for(session, country), partnerships, needs, offers, gaps
    )
