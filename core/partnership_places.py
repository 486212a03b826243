"""Where a partnership is and what it is about: the country (and its M49 sub-region) and the
thematic areas of the need it was drafted from; for one a coordinator drafted, the country of
its partner that is a government or a national authority."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col

from core.models import Listing, ListingArea, Match, Organisation, Partnership, PartnershipMember
from core.models.enums import OrganisationKind, Visibility
from core.vocabularies import Vocabularies

STATE_KINDS = (OrganisationKind.government, OrganisationKind.national_authority)


@dataclass(frozen=True)
class Place:
    country: str | None
    region: str | None  # the country's sub-region, or the need's region
    areas: tuple[str, ...]
    restricted_need: bool = False  # drafted from a restricted need: its title is not told


def places_of(
    session: Session, vocab: Vocabularies, partnership_ids: list[int]
) -> dict[int, Place]:
    if not partnership_ids:
        return {}
    needs = session.execute(
        sa.select(Partnership.id, Listing.id, Listing.country, Listing.region, Listing.visibility)
        .join(Match, col(Match.id) == Partnership.match_id)
        .join(Listing, col(Listing.id) == Match.need_id)
        .where(col(Partnership.id).in_(partnership_ids))
    ).all()
    listing_of = {pid: (lid, country, region, vis) for pid, lid, country, region, vis in needs}
    areas: dict[int, list[str]] = {}
    listing_ids = [v[0] for v in listing_of.values()]
    for lid, area in session.execute(
        sa.select(ListingArea.listing_id, ListingArea.area)
        .where(col(ListingArea.listing_id).in_(listing_ids))
        .order_by(col(ListingArea.area))
    ):
        areas.setdefault(lid, []).append(area)
    states = dict(
        session.execute(
            sa.select(PartnershipMember.partnership_id, Organisation.country)
            .join(Organisation, col(Organisation.id) == PartnershipMember.organisation_id)
            .where(
                col(PartnershipMember.partnership_id).in_(partnership_ids),
                col(Organisation.kind).in_(STATE_KINDS),
                col(Organisation.country).is_not(None),
            )
            .order_by(col(PartnershipMember.id))
        ).all()[::-1]  # the first partner wins: dict() keeps the last of each key
    )
    places = {}
    for pid in partnership_ids:
        if pid in listing_of:
            lid, country, region, visibility = listing_of[pid]
            known = vocab.countries.get(country or "")
            places[pid] = Place(
                country,
                known.subregion if known else region,
                tuple(areas.get(lid, ())),
                visibility == Visibility.restricted,
            )
        else:
            country = states.get(pid)
            known = vocab.countries.get(country or "")
            places[pid] = Place(country, known.subregion if known else None, ())
    return places
