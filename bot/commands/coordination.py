"""Coordination: gaps, figures, exports, verification of people, roles, and history."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.commands.listings import dialog
from bot.commands.registry import ADMINS, COORDINATORS, Command, number
from bot.dialogs.coordination import approve_person, history
from bot.dialogs.engine import Ctx
from bot.i18n import N_
from bot.messages import Reply
from bot.text import Span, Text
from bot.web_login import login_link
from core.models import Conversation

if TYPE_CHECKING:
    from bot.chatbot import ChatBot


def verify_ok(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    return approve_person(ctx, number(args, "not_found.stakeholder"))


def verify_no(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    person_id = number(args, "not_found.stakeholder")
    return bot.start_dialog(ctx, conv, "reject_person", context={"stakeholder_id": person_id})


def visits(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    """A link to the coordinators' page of the web's visits beside the chat's use: it is
    the login, so it is sent only here, to this coordinator, and expires."""
    assert ctx.person is not None and ctx.person.id is not None
    url = login_link(ctx.settings, ctx.person.id, ctx.now())
    words = ctx.tr(
        N_(
            "The visits of the web directory, beside the chat's use (this link works "
            "for {n} minutes, for you alone):"
        ),
        n=ctx.settings.web_login_minutes,
    )
    return [Reply(words + "\n" + Text((Span(url, link=url),)))]


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
        "visits",
        visits,
        N_("the web directory's visits, on a page of their own"),
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
