"""Interest from the public directory: someone who found a listing on the web and opened the
chat at it ("I am interested") pairs it with one of their own organisation's listings, and
the match is proposed to both owners as any other, whatever its score."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, col, select

from core.clock import utcnow
from core.directory import is_public
from core.errors import NotFound, PermissionDenied
from core.matching_ranking import sides
from core.matching_rules import Reason, Scored, Weights, score_pair
from core.matchmaking import store_proposal
from core.models import Listing, Match, Organisation
from core.models.enums import ListingKind, ListingStatus, VerificationStatus
from core.people import Actor
from core.storage import possible_id
from core.vocabularies import Vocabularies

INTEREST = Reason("interest")


def public_listing_row(session: Session, listing_id: int) -> Listing | None:
    """The listing if anybody may see it (core.directory's one definition)."""
    if not possible_id(listing_id):
        return None
    return session.exec(select(Listing).where(Listing.id == listing_id, is_public())).first()


def pairable(
    session: Session, actor: Actor, listing: Listing, *, today: date | None = None
) -> list[Listing]:
    """The open listings of the actor's organisation that can pair with it: of the other
    kind, newest first. Empty for the listing's own organisation.

    Only listings others may be told of: one still waiting for a coordinator to verify it
    (matching never proposes those), one of an organisation a coordinator rejected, or one
    past its time window stays out, or "I am interested" would be the way round them."""
    if actor.organisation_id is None or actor.organisation_id == listing.organisation_id:
        return []
    other = ListingKind.offer if listing.kind is ListingKind.need else ListingKind.need
    day = today or utcnow().date()
    rejected = select(Organisation.id).where(
        Organisation.verification == VerificationStatus.rejected
    )
    return list(
        session.exec(
            select(Listing)
            .where(
                Listing.organisation_id == actor.organisation_id,
                Listing.kind == other,
                Listing.status == ListingStatus.open,
                Listing.verified == sa.true(),
                col(Listing.organisation_id).not_in(rejected),
                sa.or_(col(Listing.available_until).is_(None), col(Listing.available_until) >= day),
            )
            .order_by(col(Listing.id).desc())
            .limit(10)
        ).all()
    )


def express_interest(
    session: Session,
    vocab: Vocabularies,
    actor: Actor,
    listing_id: int,
    own_listing_id: int,
    *,
    weights: Weights | None = None,
    notice_cap: int | None = None,
    today: date | None = None,
) -> Match | None:
    """Proposes the pair (the public listing, one of the actor's own) to both owners, with
    the score the rules give it and "asked for from the public directory" among its reasons.
    None when that pair was proposed before."""
    listing = public_listing_row(session, listing_id)
    if listing is None:
        raise NotFound("not_found.listing")
    day = today or utcnow().date()
    own = next(
        (o for o in pairable(session, actor, listing, today=day) if o.id == own_listing_id), None
    )
    if own is None:
        raise PermissionDenied("denied.not_owner")
    need, offer = (listing, own) if listing.kind is ListingKind.need else (own, listing)
    assert need.id is not None and offer.id is not None
    facts = sides(session, vocab, [need.id, offer.id])
    scored = score_pair(facts[need.id], facts[offer.id], vocab, weights or Weights(), day)
    if scored is None:  # the rules would not pair them: the person asked for it all the same
        scored = Scored(facts[need.id], facts[offer.id], 0.0, (INTEREST,))
    else:
        scored = Scored(scored.need, scored.offer, scored.score, (INTEREST, *scored.reasons))
    return store_proposal(session, scored, notice_cap=notice_cap)
