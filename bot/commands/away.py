"""`/away` (until a date, typed or asked; `/away off` to come back) and, for coordinators,
`/holidays` (an organisation's)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from bot.commands.registry import COORDINATORS, Command
from bot.dialogs.answers import parse_date
from bot.dialogs.away import away_reply
from bot.dialogs.engine import Ctx
from bot.i18n import N_
from bot.messages import Reply
from core.away import end_away, set_away
from core.models import Conversation

if TYPE_CHECKING:
    from bot.chatbot import ChatBot

OFF = ("off", "back", "no", "non", "fin", "ya", "volví")


def away(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    assert ctx.actor is not None
    typed = args.strip()
    if typed.lower() in OFF:
        end_away(ctx.session, ctx.actor, today=ctx.today())
        return [Reply(ctx.tr(N_("Welcome back! The summary of what waited comes shortly.")))]
    if not typed:
        return bot.start_dialog(ctx, conv, "away")
    until = parse_date(typed, ctx.tr, "until")
    person = set_away(ctx.session, ctx.actor, date.fromisoformat(until), today=ctx.today())
    assert person.away_until is not None
    return [away_reply(ctx, person.away_until)]


def holidays(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    return bot.start_dialog(ctx, conv, "holidays")


COMMANDS = (
    Command(
        "away",
        away,
        N_("time away: no reminders until a date (/away off to end)"),
        args="[date|off]",
    ),
    Command("holidays", holidays, N_("an organisation's holidays"), roles=COORDINATORS),
)
