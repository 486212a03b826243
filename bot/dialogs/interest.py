"""A listing someone opened from the public directory (a deep link, `/start listing_<id>`):
its card, with "I am interested" for anyone outside its organisation."""

from __future__ import annotations

from bot.actions import command_token
from bot.dialogs.steps import Ctx
from bot.errors import error_text
from bot.i18n import N_
from bot.messages import Button, Reply
from bot.views import listing_card
from core.errors import NotFound
from core.interest import public_listing_row
from core.listings import get_listing

DEEP_LINK = "listing_"  # t.me/<bot>?start=listing_<id>


def linked_listing(start_args: str) -> int | None:
    """The listing a deep link names, if it names one."""
    digits = start_args.removeprefix(DEEP_LINK)
    if not start_args.startswith(DEEP_LINK) or not digits.isdecimal() or len(digits) > 12:
        return None
    return int(digits)


def public_card(ctx: Ctx, listing_id: int) -> list[Reply]:
    listing = public_listing_row(ctx.session, listing_id)
    if listing is None:  # private, withdrawn or never there: the same answer
        return [Reply(error_text(ctx.tr, NotFound("not_found.listing")))]
    card = listing_card(ctx.tr, ctx.vocab, get_listing(ctx.session, listing_id))
    actor = ctx.actor
    if actor is None or actor.organisation_id == listing.organisation_id:
        return [Reply(card)]
    interested = Button(ctx.tr.s(N_("I am interested")), command_token("interested", listing_id))
    return [Reply(card, ((interested,),))]
