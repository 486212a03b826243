"""Coordination: gaps, figures, exports, verification of people, roles, and history."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.commands.listings import dialog
from bot.commands.registry import ADMINS, COORDINATORS, Command, number
from bot.dialogs.coordination import approve_person, history
from bot.dialogs.engine import Ctx
from bot.i18n import N_
from bot.messages import Reply
from core.models import Conversation

if TYPE_CHECKING:
    from bot.chatbot import ChatBot


def verify_ok(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    return approve_person(ctx, number(args, "not_found.stakeholder"))


def verify_no(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    person_id = number(args, "not_found.stakeholder")
    return bot.start_dialog(ctx, conv, "reject_person", context={"stakeholder_id": person_id})


def history_(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    return history(ctx, args)


COMMANDS = (
    Command(
        "gaps",
        dialog("gaps"),
        N_("needs not covered, by area and place, as a chart"),
        roles=COORDINATORS,
        info=True,
    ),
    Command(
        "stats",
        dialog("stats"),
        N_("figures of the trial: people, listings, matches, reports, usage"),
        roles=COORDINATORS,
        info=True,
    ),
    Command(
        "export",
        dialog("export"),
        N_("needs, offers, matches, partnerships and reports as a file"),
        roles=COORDINATORS,
        info=True,
    ),
    Command("grant", dialog("grant"), N_("give someone a role"), roles=ADMINS),
    Command("revoke", dialog("revoke"), N_("take a role back"), roles=ADMINS),
    Command(
        "history",
        history_,
        N_("who changed a listing or a partnership, and when"),
        args="listing N | partnership N",
        info=True,
    ),
    Command("verify_ok", verify_ok, args="N", roles=COORDINATORS),
    Command("verify_no", verify_no, args="N", roles=COORDINATORS),
)
