"""Interest in a listing found on the public directory: pair it with one of one's own, and
the match is proposed to both organisations."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.actions import command_token
from bot.commands.registry import Command, number
from bot.dialogs.engine import Ctx
from bot.errors import error_text
from bot.i18n import N_
from bot.messages import Button, Reply
from core.errors import NotFound
from core.interest import express_interest, pairable, public_listing_row
from core.models import Conversation
from core.models.enums import ListingKind

if TYPE_CHECKING:
    from bot.chatbot import ChatBot


def interested(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    assert ctx.actor is not None
    target, _, own = args.partition(".")
    listing_id = number(target, "not_found.listing")
    listing = public_listing_row(ctx.session, listing_id)
    if listing is None:
        return [Reply(error_text(ctx.tr, NotFound("not_found.listing")))]
    if own:
        settings = ctx.settings
        match = express_interest(
            ctx.session,
            ctx.vocab,
            ctx.actor,
            listing_id,
            number(own, "not_found.listing"),
            weights=settings.weights,
            notice_cap=settings.max_match_notices_per_day,
            today=ctx.today(),
        )
        if match is None:
            return [Reply(ctx.tr(N_("These two listings were already proposed as a match.")))]
        done = N_(
            "Done: I have proposed the match to both organisations. You will hear when "
            "they answer; see /matches."
        )
        return [Reply(ctx.tr(done))]
    options = pairable(ctx.session, ctx.actor, listing, today=ctx.today())
    wanted = "need" if listing.kind is ListingKind.offer else "offer"
    if not options:
        first = (
            N_("To pair it, register your need first; then tap **I am interested** again.")
            if wanted == "need"
            else N_("To pair it, register your offer first; then tap **I am interested** again.")
        )
        start = Button(ctx.tr.s(N_("Register it now")), command_token(wanted))
        return [Reply(ctx.tr(first), ((start,),))]
    rows = tuple(
        (Button(f"#{o.id} {o.title}"[:60], command_token("interested", f"{listing_id}.{o.id}")),)
        for o in options
    )
    return [Reply(ctx.tr(N_("Which of your listings answers it?")), rows)]


COMMANDS = (Command("interested", interested, args="N"),)
