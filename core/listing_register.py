"""Registering a need or an offer, as the person means it: a new listing, or changes to one
of their organisation's (the one being edited, or the near-duplicate they chose to update);
then the matches it makes, told to both sides."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from core.alerts import alert_new_listing
from core.listings import (
    ListingDraft,
    ListingView,
    create_listing,
    draft_of,
    edit_listing,
    get_listing,
)
from core.matching_rules import DEFAULT_THRESHOLD, Weights
from core.matchmaking import propose_matches
from core.models import Match
from core.people import Actor
from core.vocabularies import Vocabularies


@dataclass(frozen=True)
class Registered:
    view: ListingView
    updated: bool  # an existing listing was changed, not a new one made
    matches: tuple[Match, ...]  # the new proposals it made

    @property
    def verified(self) -> bool:
        return self.view.listing.verified


def register_listing(
    session: Session,
    vocab: Vocabularies,
    actor: Actor,
    draft: ListingDraft,
    *,
    listing_id: int | None = None,
    require_verification: bool = False,
    daily_limit: int | None = None,
    weights: Weights | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    notice_cap: int | None = None,
    today: date | None = None,
) -> Registered:
    """Creates the listing, or applies the draft to `listing_id` (only the fields that
    differ, so an edit leaves the rest as it was), and proposes its matches."""
    if listing_id is not None:
        before = draft_of(get_listing(session, listing_id))
        changes = {k: v for k, v in vars(draft).items() if k != "kind" and getattr(before, k) != v}
        view = edit_listing(session, vocab, actor, listing_id, changes, today=today)
    else:
        view = create_listing(
            session,
            vocab,
            actor,
            draft,
            today=today,
            require_verification=require_verification,
            daily_limit=daily_limit,
        )
    assert view.listing.id is not None
    found = propose_matches(
        session,
        vocab,
        view.listing.id,
        weights=weights,
        threshold=threshold,
        today=today,
        notice_cap=notice_cap,
    )
    if listing_id is None:  # an edit is not news; a new listing is, once anybody may see it
        alert_new_listing(session, vocab, view.listing.id, today=today)
    return Registered(view, listing_id is not None, tuple(found))
