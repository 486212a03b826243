"""A steering group's call: one gap of its cluster (a public need unmatched too long) sent to
the owners of the open offers whose type, area and coverage fit it. Each owner's "I can help"
becomes a match proposal, scored by the usual rules with the call among its reasons."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, col, select

from core import audit
from core.clusters import gaps_of, require_steering
from core.errors import Conflict, NotFound, PermissionDenied
from core.matching_ranking import sides
from core.matching_rules import Reason, Scored, Weights, score_pair
from core.matchmaking import owner_of, store_proposal
from core.models import ClusterCall, Listing, ListingArea, Match, Notification
from core.models.enums import Coverage, ListingKind, ListingStatus
from core.notifications import enqueue
from core.people import Actor
from core.storage import insert_or_ignore, possible_id
from core.vocabularies import Vocabularies

CALL = Reason("cluster_call")


def fitting_offers(session: Session, vocab: Vocabularies, need: Listing) -> list[Listing]:
    """Open, verified offers of another organisation whose type can answer the need, in one
    of its areas, covering its place."""
    areas = select(ListingArea.area).where(ListingArea.listing_id == need.id)
    in_area = select(ListingArea.listing_id).where(col(ListingArea.area).in_(areas))
    regions = vocab.regions_containing(need.region) if need.region else ()
    if need.country and need.country in vocab.countries:
        regions = vocab.countries[need.country].regions
    return list(
        session.exec(
            select(Listing)
            .where(
                Listing.kind == ListingKind.offer,
                Listing.status == ListingStatus.open,
                Listing.verified == sa.true(),
                Listing.organisation_id != need.organisation_id,
                col(Listing.assistance_type).in_(vocab.offer_types_for(need.assistance_type)),
                col(Listing.id).in_(in_area),
                sa.or_(
                    Listing.coverage == Coverage.world,
                    sa.and_(Listing.coverage == Coverage.country, Listing.country == need.country),
                    sa.and_(Listing.coverage == Coverage.region, col(Listing.region).in_(regions)),
                ),
            )
            .order_by(col(Listing.id))
        )
    )


def send_call(
    session: Session,
    vocab: Vocabularies,
    actor: Actor,
    cluster_id: int,
    need_id: int,
    *,
    today: date,
) -> int:
    """Sends the call once per cluster and need; returns how many offer owners it reached."""
    cluster = require_steering(session, actor, cluster_id)
    need = next((n for n in gaps_of(session, vocab, cluster, today=today) if n.id == need_id), None)
    if need is None:
        raise NotFound("not_found.gap")
    values = {"cluster_id": cluster_id, "need_id": need_id, "sent_by_id": actor.id}
    call_id = insert_or_ignore(session, ClusterCall, values, ["cluster_id", "need_id"])
    if call_id is None:
        raise Conflict("call.sent")
    told = 0
    for offer in fitting_offers(session, vocab, need):
        owner = owner_of(session, offer)
        if owner is None:
            continue
        payload = {
            "call_id": call_id,
            "cluster_id": cluster_id,
            "need_id": need_id,
            "offer_id": offer.id,
        }
        told += enqueue(session, owner, "cluster_call", f"call:{call_id}:{offer.id}", payload)
    audit.record(
        session, actor.id, "cluster.call", "cluster", cluster_id, {"need": need_id, "told": told}
    )
    return told


def answer_call(
    session: Session, vocab: Vocabularies, actor: Actor, call_id: int, offer_id: int, *, today: date
) -> Match | None:
    """The offer's owner can help: the pair is proposed to both sides (None if it was
    proposed before)."""
    call = session.get(ClusterCall, call_id) if possible_id(call_id) else None
    offer = session.get(Listing, offer_id) if possible_id(offer_id) else None
    if call is None or offer is None:
        raise NotFound("not_found.call")
    if offer.organisation_id != actor.organisation_id or offer.kind != ListingKind.offer:
        raise PermissionDenied("denied.not_owner")
    # Only an offer the call went to answers it: not any offer of theirs, named by hand.
    called = select(Notification.id).where(
        Notification.idempotency_key == f"call:{call.id}:{offer.id}"
    )
    if session.exec(called).first() is None:
        raise NotFound("not_found.call")
    if offer.status != ListingStatus.open:
        raise Conflict("conflict.listing_closed")
    need = session.get(Listing, call.need_id)
    if need is None or need.status != ListingStatus.open:
        raise Conflict("conflict.listing_closed")
    assert need.id is not None and offer.id is not None
    facts = sides(session, vocab, [need.id, offer.id])
    scored = score_pair(facts[need.id], facts[offer.id], vocab, Weights(), today)
    if scored is None:
        scored = Scored(facts[need.id], facts[offer.id], 0.0, (CALL,))
    else:
        scored = Scored(scored.need, scored.offer, scored.score, (CALL, *scored.reasons))
    return store_proposal(session, scored)
