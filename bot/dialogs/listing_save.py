"""Saving a need or an offer: a new listing or changes to an existing one (the one being
edited, or the duplicate the person chose to update), then the matches it makes."""

from __future__ import annotations

from bot.dialogs.listing_drafts import draft_from_answers
from bot.dialogs.steps import Ctx
from bot.i18n import N_
from bot.messages import Button, Reply
from core.listings import create_listing, draft_of, edit_listing, get_listing
from core.matching import Weights
from core.matchmaking import DEFAULT_THRESHOLD, propose_matches
from core.models.enums import ListingKind

NEED = ListingKind.need


def matching_settings(ctx: Ctx) -> tuple[Weights, float]:
    settings = ctx.settings
    return (
        getattr(settings, "weights", None) or Weights(),
        getattr(settings, "match_threshold", DEFAULT_THRESHOLD),
    )


def listing_save(kind: ListingKind):
    def save(ctx: Ctx) -> list[Reply]:
        assert ctx.actor is not None
        draft = draft_from_answers(ctx, kind)
        listing_id = ctx.context.get("listing_id")
        duplicate = ctx.answer("duplicate")
        if duplicate and duplicate != "new" and not listing_id:
            listing_id = int(duplicate)
        if listing_id:
            before = draft_of(get_listing(ctx.session, listing_id))
            changes = {
                k: v for k, v in vars(draft).items() if k != "kind" and getattr(before, k) != v
            }
            view = edit_listing(ctx.session, ctx.vocab, ctx.actor, listing_id, changes)
            text = ctx.tr(
                N_("Updated: **{title}** (#{id})."), title=view.listing.title, id=view.listing.id
            )
        else:
            view = create_listing(
                ctx.session,
                ctx.vocab,
                ctx.actor,
                draft,
                require_verification=getattr(ctx.settings, "require_verification", False),
                daily_limit=getattr(ctx.settings, "max_listings_per_day", None),
            )
            text = ctx.tr(
                N_(
                    "Saved: your need **{title}** (#{id}) is registered. I will tell you when an "
                    "offer fits it."
                )
                if kind is NEED
                else N_(
                    "Saved: your offer **{title}** (#{id}) is registered. I will tell you when a "
                    "need fits it."
                ),
                title=view.listing.title,
                id=view.listing.id,
            )
        if not view.listing.verified:
            text = (
                text
                + "\n"
                + ctx.tr(
                    N_(
                        "A coordinator will check your organisation before "
                        "others see it; you will be told."
                    )
                )
            )
        weights, threshold = matching_settings(ctx)
        assert view.listing.id is not None
        found = propose_matches(
            ctx.session,
            ctx.vocab,
            view.listing.id,
            weights=weights,
            threshold=threshold,
            notice_cap=getattr(ctx.settings, "max_match_notices_per_day", None),
        )
        if found:
            text = (
                text
                + "\n"
                + ctx.tr(
                    N_("New possible matches: {n}. I am telling both sides; see /matches."),
                    n=len(found),
                )
            )
        buttons = (
            (
                Button(ctx.tr.s(N_("My listings")), "c:mine:"),
                Button(ctx.tr.s(N_("Matches")), "c:matches:"),
                Button(ctx.tr.s(N_("Search")), "c:search:"),
            ),
        )
        return [Reply(text, buttons)]

    return save
