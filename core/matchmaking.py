"""The life of a match: proposed when a listing is registered or edited, accepted or declined
by each side, and, when both accept, a draft partnership with contacts shared and the need's
remaining amount reduced. Every step writes its notices to the outbox in the same
transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from core import audit
from core.clock import utcnow
from core.contacts import ask_for_introduction, nothing_shared, shared_by
from core.errors import Conflict, NotFound, PermissionDenied
from core.listings import ListingDraft, areas_for
from core.matching_ranking import rank
from core.matching_rules import DEFAULT_THRESHOLD, Scored, Weights, words_of
from core.models import (
    Listing,
    Match,
    Notification,
    Partnership,
    PartnershipMember,
    Stakeholder,
)
from core.models.enums import Decision, ListingKind, ListingStatus, MatchStatus
from core.notifications import enqueue
from core.people import Actor
from core.storage import insert_or_ignore, possible_id
from core.validation import clean_text
from core.vocabularies import Vocabularies


@dataclass(frozen=True)
class MatchView:
    match: Match
    need: Listing
    offer: Listing

    def side_of(self, actor: Actor) -> list[str]:
        """Which sides of the match the actor's organisation holds."""
        sides = []
        if actor.organisation_id == self.need.organisation_id:
            sides.append("need")
        if actor.organisation_id == self.offer.organisation_id:
            sides.append("offer")
        return sides


def propose_matches(
    session: Session,
    vocab: Vocabularies,
    listing_id: int,
    *,
    weights: Weights | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    today: date | None = None,
    notice_cap: int | None = None,
) -> list[Match]:
    """Stores the good matches of a listing that are new, and tells both owners. A pair is
    never proposed twice, whatever happens to the listings afterwards. An owner gets at most
    `notice_cap` match notices a day; beyond it, one notice a day says how many wait."""
    created = []
    for scored in rank(session, vocab, listing_id, weights=weights, today=today):
        if scored.score < threshold:
            break
        match = store_proposal(session, scored, notice_cap=notice_cap)
        if match is not None:
            created.append(match)
    return created


def store_proposal(
    session: Session, scored: Scored, *, notice_cap: int | None = None
) -> Match | None:
    """Stores a scored pair as a proposed match and tells both owners; None when the pair
    was proposed before (a pair is never proposed twice)."""
    values = {
        "need_id": scored.need.id,
        "offer_id": scored.offer.id,
        "score": scored.score,
        "reasons": [reason.as_dict() for reason in scored.reasons],
        "status": MatchStatus.proposed,
        "need_decision": Decision.pending,
        "offer_decision": Decision.pending,
        "created_at": utcnow(),
    }
    match_id = insert_or_ignore(session, Match, values, ["need_id", "offer_id"])
    if match_id is None:
        return None
    match = session.get(Match, match_id)
    assert match is not None
    for side in ("need", "offer"):
        _tell_side(session, match, side, "match_proposed", "proposed", cap=notice_cap)
    return match


def get_match(session: Session, match_id: int, *, for_update: bool = False) -> MatchView:
    """The match and its two listings; `for_update` locks them (on PostgreSQL) so that two
    decisions at once are taken one after the other."""
    lock = {"with_for_update": True, "populate_existing": True} if for_update else {}
    match = session.get(Match, match_id, **lock) if possible_id(match_id) else None
    if match is None:
        raise NotFound("not_found.match")
    need = session.get(Listing, match.need_id, **lock)
    offer = session.get(Listing, match.offer_id, **lock)
    assert need is not None and offer is not None
    return MatchView(match, need, offer)


def can_see_match(actor: Actor, view: MatchView) -> bool:
    return actor.is_coordinator or bool(view.side_of(actor))


def decide(
    session: Session,
    actor: Actor,
    match_id: int,
    *,
    accept: bool,
    reason: str | None = None,
) -> MatchView:
    view = get_match(session, match_id, for_update=True)
    match = view.match
    sides = view.side_of(actor)
    if not sides:
        raise PermissionDenied("denied.not_party")
    if match.status != MatchStatus.proposed:
        raise Conflict("conflict.match_closed", status=match.status)
    if view.need.status != ListingStatus.open or view.offer.status != ListingStatus.open:
        match.status = MatchStatus.expired  # one side was withdrawn, expired or fulfilled
        raise Conflict("conflict.match_closed", status=match.status)
    decision = Decision.accepted if accept else Decision.declined
    for side in sides:
        setattr(match, f"{side}_decision", decision)
    audit.record(session, actor.id, f"match.{decision}", "match", match_id, {"sides": sides})
    if not accept:
        match.status = MatchStatus.declined
        match.decline_reason = clean_text(reason, "reason", max_len=500) or None
        match.decided_at = utcnow()
        for side in {"need", "offer"} - set(sides):
            _tell_side(session, match, side, "match_declined", "declined")
        return view
    if match.need_decision == Decision.accepted and match.offer_decision == Decision.accepted:
        _conclude(session, view)
    else:
        for side in {"need", "offer"} - set(sides):
            _tell_side(session, match, side, "match_accepted_by_other", "accepted_by_other")
    return view


def _conclude(session: Session, view: MatchView) -> None:
    """Both said yes: draft the partnership, share contacts, count what is now covered."""
    match, need, offer = view.match, view.need, view.offer
    match.status = MatchStatus.accepted
    match.decided_at = utcnow()
    partnership = Partnership(title=need.title, match_id=match.id, modality=offer.modality)
    session.add(partnership)
    session.flush()
    assert partnership.id is not None
    for listing in (need, offer):
        session.add(
            PartnershipMember(
                partnership_id=partnership.id,
                organisation_id=listing.organisation_id,
                stakeholder_id=listing.created_by_id,
            )
        )
    covered = _cover(need, offer)
    audit.record(
        session,
        None,
        "partnership.draft",
        "partnership",
        partnership.id,
        {"match_id": match.id, "covered": str(covered) if covered is not None else None},
    )
    contacts = {"need": shared_by(session, offer), "offer": shared_by(session, need)}
    introduced = nothing_shared(*contacts.values()) and ask_for_introduction(
        session, partnership.id, partnership.coordinator_id
    )
    for side, mine in (("need", need), ("offer", offer)):
        other = "offer" if side == "need" else "need"
        payload = {
            "match_id": match.id,
            "partnership_id": partnership.id,
            "contacts": contacts[side],
            "introduction": introduced,  # a coordinator was asked to put them in touch
            "yours_shared": not nothing_shared(contacts[other]),  # they can write to you
        }
        owner = owner_of(session, mine)
        if owner is not None:
            enqueue(session, owner, "match_accepted", f"match:{match.id}:accepted:{side}", payload)


def _told_today(session: Session, stakeholder_id: int, kind: str) -> int:
    since = utcnow() - timedelta(days=1)
    query = select(sa.func.count()).where(
        Notification.stakeholder_id == stakeholder_id,
        Notification.kind == kind,
        col(Notification.created_at) >= since,
    )
    return int(session.exec(query).one())  # type: ignore[call-overload]


def _cover(need: Listing, offer: Listing) -> Decimal | None:
    """Lowers what the need still lacks (and what the offer still holds) by what the offer
    brings. A need may be covered by several offers; at zero it is fulfilled."""
    covered: Decimal | None = None
    if need.remaining_amount and offer.remaining_amount and need.currency == offer.currency:
        covered = min(need.remaining_amount, offer.remaining_amount)
        need.remaining_amount -= covered
        offer.remaining_amount -= covered
    elif (
        need.remaining_quantity
        and offer.remaining_quantity
        and ((need.unit or "").casefold() == (offer.unit or "").casefold())
    ):
        covered = min(need.remaining_quantity, offer.remaining_quantity)
        need.remaining_quantity -= covered
        offer.remaining_quantity -= covered
    for listing in (need, offer):
        left = listing.remaining_amount if listing.amount else listing.remaining_quantity
        if (listing.amount or listing.quantity) and not left:
            listing.status = ListingStatus.fulfilled
        elif listing.kind == ListingKind.need and covered is None:
            listing.status = ListingStatus.matched  # nothing to count: one partner suffices
        listing.updated_at = utcnow()
    return covered


def matches_for(
    session: Session, actor: Actor, *, statuses: tuple[MatchStatus, ...] | None = None
) -> list[MatchView]:
    """The matches of the actor's organisation, newest first; coordinators see them all."""
    need = aliased(Listing)
    offer = aliased(Listing)
    query = (
        select(Match, need, offer)
        .join(need, col(need.id) == Match.need_id)
        .join(offer, col(offer.id) == Match.offer_id)
    )
    if not actor.is_coordinator:
        query = query.where(
            sa.or_(
                need.organisation_id == actor.organisation_id,
                offer.organisation_id == actor.organisation_id,
            )
        )
    if statuses:
        query = query.where(col(Match.status).in_(statuses))
    rows = session.exec(query.order_by(col(Match.id).desc()).limit(50)).all()
    return [MatchView(m, n, o) for m, n, o in rows]


def find_duplicates(
    session: Session, vocab: Vocabularies, actor: Actor, draft: ListingDraft
) -> list[Listing]:
    """Open listings of the same organisation that look like this draft: same kind, type,
    place and an area in common, with a similar text."""
    if actor.organisation_id is None:
        return []
    same = session.exec(
        select(Listing)
        .where(
            Listing.organisation_id == actor.organisation_id,
            Listing.kind == draft.kind,
            Listing.assistance_type == draft.assistance_type,
            col(Listing.status).in_([ListingStatus.open, ListingStatus.matched]),
            Listing.coverage == draft.coverage,
        )
        .order_by(col(Listing.id))
    ).all()
    areas = areas_for(session, [lst.id for lst in same if lst.id])
    mine = words_of(draft.title, draft.description)
    found = []
    for listing in same:
        if (listing.country, listing.region) != (draft.country, draft.region) and (
            draft.coverage != "global"
        ):
            continue
        if not set(areas.get(listing.id or 0, [])) & set(draft.areas):
            continue
        theirs = words_of(listing.title, listing.description)
        if mine and theirs and len(mine & theirs) / len(mine | theirs) >= 0.3:
            found.append(listing)
    return found


def owner_of(session: Session, listing: Listing) -> int | None:
    """Who is told about a listing: its author, or a member of its organisation."""
    if listing.created_by_id is not None:
        return listing.created_by_id
    member = session.exec(
        select(Stakeholder.id).where(Stakeholder.organisation_id == listing.organisation_id)
    ).first()
    return member


def _tell_side(
    session: Session, match: Match, side: str, kind: str, event: str, cap: int | None = None
) -> None:
    listing = session.get(Listing, getattr(match, f"{side}_id"))
    assert listing is not None
    owner = owner_of(session, listing)
    if owner is not None and cap is not None and _told_today(session, owner, kind) >= cap:
        day = utcnow().date().isoformat()
        enqueue(session, owner, "match_digest", f"match_digest:{owner}:{day}", {"day": day})
        return
    if owner is not None:
        enqueue(
            session,
            owner,
            kind,
            f"match:{match.id}:{event}:{side}",
            {"match_id": match.id, "side": side},
        )
