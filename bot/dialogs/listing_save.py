"""Saving a need or an offer: a new listing or changes to an existing one (the one being
edited, or the duplicate the person chose to update), then the matches it makes."""

from __future__ import annotations

from bot.actions import command_token
from bot.dialogs.listing_drafts import draft_from_answers
from bot.dialogs.steps import Ctx
from bot.i18n import N_
from bot.messages import Button, Reply
from core.listings import create_listing, draft_of, edit_listing, get_listing
from core.matching_rules import Weights
from core.matchmaking import propose_matches
from core.models.enums import ListingKind

NEED = ListingKind.need


def matching_settings(ctx: Ctx) -> tuple[Weights, float]:
    return ctx.settings.weights, ctx.settings.match_threshold


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
                require_verification=ctx.settings.require_verification,
                daily_limit=ctx.settings.max_listings_per_day,
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
            notice_cap=ctx.settings.max_match_notices_per_day,
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
                Button(ctx.tr.s(N_("My listings")), command_token("mine")),
                Button(ctx.tr.s(N_("Matches")), command_token("matches")),
                Button(ctx.tr.s(N_("Search")), command_token("search")),
            ),
        )
        return [Reply(text, buttons)]

    return save
