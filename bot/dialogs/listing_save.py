"""Saving a need or an offer: a new listing or changes to an existing one (the one being
edited, or the duplicate the person chose to update), then the matches it makes."""

from __future__ import annotations

from bot.actions import command_token
from bot.dialogs.listing_drafts import draft_from_answers
from bot.dialogs.steps import Ctx
from bot.i18n import N_
from bot.messages import Button, Reply
from core.listing_register import register_listing
from core.matching_rules import Weights
from core.models.enums import ListingKind

NEED = ListingKind.need


def matching_settings(ctx: Ctx) -> tuple[Weights, float]:
    return ctx.settings.weights, ctx.settings.match_threshold


def listing_save(kind: ListingKind):
    def save(ctx: Ctx) -> list[Reply]:
        assert ctx.actor is not None
        listing_id = ctx.context.get("listing_id")
        duplicate = ctx.answer("duplicate")
        if duplicate and duplicate != "new" and not listing_id:
            listing_id = int(duplicate)  # the near-duplicate they chose to update
        settings = ctx.settings
        done = register_listing(
            ctx.session,
            ctx.vocab,
            ctx.actor,
            draft_from_answers(ctx, kind),
            listing_id=int(listing_id) if listing_id else None,
            require_verification=settings.require_verification,
            daily_limit=settings.max_listings_per_day,
            weights=settings.weights,
            threshold=settings.match_threshold,
            notice_cap=settings.max_match_notices_per_day,
            today=ctx.today(),
        )
        listing = done.view.listing
        if done.updated:
            text = ctx.tr(N_("Updated: **{title}** (#{id})."), title=listing.title, id=listing.id)
        else:
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
                title=listing.title,
                id=listing.id,
            )
        if not done.verified:
            checked = N_(
                "A coordinator will check your organisation before others see it; you will be told."
            )
            text = text + "\n" + ctx.tr(checked)
        if done.matches:
            found = N_("New possible matches: {n}. I am telling both sides; see /matches.")
            text = text + "\n" + ctx.tr(found, n=len(done.matches))
        buttons = (
            (
                Button(ctx.tr.s(N_("My listings")), command_token("mine")),
                Button(ctx.tr.s(N_("Matches")), command_token("matches")),
                Button(ctx.tr.s(N_("Search")), command_token("search")),
            ),
        )
        return [Reply(text, buttons)]

    return save
