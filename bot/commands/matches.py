"""Matches: the list, one match's details, accept and decline."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.commands.registry import Command, number
from bot.dialogs.engine import Ctx
from bot.dialogs.matches import accept as accept_match
from bot.dialogs.matches import list_matches, match_details, pending_for
from bot.i18n import N_
from bot.messages import Reply
from core.errors import DomainError
from core.matchmaking import get_match
from core.models import Conversation

if TYPE_CHECKING:
    from bot.chatbot import ChatBot


def matches(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    return list_matches(ctx)


def match(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    return match_details(ctx, number(args, "not_found.match"))


def accept(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    return accept_match(ctx, number(args, "not_found.match"))


def decline(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    match_id = number(args, "not_found.match")
    assert ctx.actor is not None
    view = get_match(ctx.session, match_id)
    if not view.side_of(ctx.actor):
        raise DomainError("denied.not_party")
    if not pending_for(ctx.actor, view):  # answered already: no reason to ask for
        return [Reply(ctx.tr(N_("You have already answered this match.")))]
    return bot.start_dialog(ctx, conv, "decline", context={"match_id": match_id})


COMMANDS = (
    Command("matches", matches, N_("matches for your listings: accept or decline"), info=True),
    Command("match", match, args="N", info=True),
    Command("accept", accept, args="N"),
    Command("decline", decline, args="N"),
)
