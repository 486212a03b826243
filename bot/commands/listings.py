"""Needs and offers: register, search, and one's own listings (edit, keep, withdraw)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.actions import command_token
from bot.commands.registry import Command, Handler, number
from bot.dialogs.engine import Ctx
from bot.dialogs.listing import answers_from_view, home_country
from bot.i18n import N_
from bot.listing_buttons import own_listing_buttons
from bot.messages import Button, Reply
from bot.views import listing_card
from core.alerts import alert_new_listing
from core.errors import DomainError
from core.listings import (
    ListingView,
    can_edit,
    confirm_listing,
    get_listing,
    list_mine,
    withdraw_listing,
)
from core.models import Conversation
from core.models.enums import ListingStatus
from core.people import Actor

if TYPE_CHECKING:
    from bot.chatbot import ChatBot

SHOWN = 10


def dialog(name: str) -> Handler:
    """A command that starts the dialog of the same purpose."""

    def handler(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
        return bot.start_dialog(ctx, conv, name)

    return handler


def mine(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    assert ctx.actor is not None
    views = list_mine(ctx.session, ctx.actor)
    if not views:
        return [Reply(ctx.tr(N_("You have no listings yet. Register a /need or an /offer.")))]
    replies = [Reply(ctx.tr(N_("**Your organisation's listings**")))]
    for view in views[:SHOWN]:
        replies.append(Reply(listing_card(ctx.tr, ctx.vocab, view), listing_buttons(ctx, view)))
    if len(views) > SHOWN:
        replies.append(Reply(ctx.tr(N_("…and {n} more."), n=len(views) - SHOWN)))
    return replies


def listing_buttons(
    ctx: Ctx, view: ListingView, *, withdraw: bool = True
) -> tuple[tuple[Button, ...], ...]:
    """The buttons under one of one's own listings, for a command's context."""
    return own_listing_buttons(ctx.tr, view.listing, withdraw=withdraw)


def _owned(ctx: Ctx, arg: str) -> ListingView:
    view = get_listing(ctx.session, number(arg, "not_found.listing"))
    if not can_edit(ctx.actor or Actor(0, None, frozenset()), view.listing):
        raise DomainError("denied.not_owner")
    return view


def edit(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    view = _owned(ctx, args)
    name = f"edit_{view.listing.kind}"
    answers = answers_from_view(view, home_country(ctx))
    return bot.start_dialog(
        ctx, conv, name, answers=answers, context={"listing_id": view.listing.id}, at_summary=True
    )


def keep(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    view = _owned(ctx, args)
    assert ctx.actor is not None
    reopened = view.listing.status == ListingStatus.expired
    confirm_listing(ctx.session, ctx.actor, view.listing.id)
    if reopened:  # back among the open ones: news for the searches it fits
        alert_new_listing(ctx.session, ctx.vocab, view.listing.id)
    return [
        Reply(
            ctx.tr(N_("Thank you: “{title}” is marked as still current."), title=view.listing.title)
        )
    ]


def withdraw(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    view = _owned(ctx, args)
    buttons = (
        (
            Button(
                ctx.tr.s(N_("Yes, withdraw it")),
                command_token("withdraw_yes", view.listing.id or 0),
            ),
            Button(ctx.tr.s(N_("No, keep it")), command_token("noop")),
        ),
    )
    return [
        Reply(
            ctx.tr(
                N_("Withdraw “{title}”? It will no longer be matched."), title=view.listing.title
            ),
            buttons,
        )
    ]


def withdraw_yes(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    view = _owned(ctx, args)
    assert ctx.actor is not None
    withdraw_listing(ctx.session, ctx.actor, view.listing.id)
    return [Reply(ctx.tr(N_("Withdrawn: “{title}”."), title=view.listing.title))]


COMMANDS = (
    Command("need", dialog("need"), N_("register a need for assistance"), form="need"),
    Command("offer", dialog("offer"), N_("register an offer of assistance"), form="offer"),
    Command("mine", mine, N_("your listings: edit, withdraw, confirm still current"), info=True),
    Command("search", dialog("search"), N_("find needs or offers")),
    Command("edit", edit, args="N"),
    Command("keep", keep, args="N"),
    Command("withdraw", withdraw, args="N"),
    Command("withdraw_yes", withdraw_yes, args="N"),
)
