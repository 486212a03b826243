"""Partnerships: the list, one partnership, its parts (responsibilities, objectives,
commitments, schedule), confirmation, and a new one by a coordinator."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.commands.registry import COORDINATORS, Command, Handler, number
from bot.dialogs.engine import Ctx
from bot.dialogs.partnership import overview
from bot.errors import error_text
from bot.i18n import N_
from bot.messages import Reply
from core.errors import DomainError
from core.models import Conversation
from core.partnerships import (
    PartnershipView,
    can_manage,
    confirm,
    get_partnership,
    partnerships_for,
)

if TYPE_CHECKING:
    from bot.chatbot import ChatBot

SHOWN = 10


def partnerships(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    assert ctx.actor is not None
    found = partnerships_for(ctx.session, ctx.actor)
    if not found:
        return [
            Reply(
                ctx.tr(
                    N_(
                        "No partnerships yet. They start when both sides accept a "
                        "match (see /matches)."
                    )
                )
            )
        ]
    return [overview(ctx, get_partnership(ctx.session, p.id or 0)) for p in found[:SHOWN]]


def partnership(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    return [overview(ctx, partnership_of(ctx, args))]


def new_partnership(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    return bot.start_dialog(ctx, conv, "partnership_new")


def partnership_of(ctx: Ctx, args: str) -> PartnershipView:
    view = get_partnership(ctx.session, number(args, "not_found.partnership"))
    if ctx.actor is None or not can_manage(ctx.actor, view):
        raise DomainError("denied.not_partner")
    return view


def part(name: str) -> Handler:
    """A button that opens the dialog of one part of a partnership."""

    def handler(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
        view = partnership_of(ctx, args)
        return bot.start_dialog(ctx, conv, name, context={"partnership_id": view.partnership.id})

    return handler


def confirm_partnership(
    bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str
) -> list[Reply]:
    assert ctx.actor is not None
    partnership_id = number(args, "not_found.partnership")
    try:
        with ctx.session.begin_nested():
            confirm(ctx.session, ctx.actor, partnership_id, now=ctx.now())
    except DomainError as error:  # say why, and show what is still missing
        return [
            Reply(error_text(ctx.tr, error)),
            overview(ctx, partnership_of(ctx, str(partnership_id))),
        ]
    return [overview(ctx, get_partnership(ctx.session, partnership_id))]


COMMANDS = (
    Command("partnerships", partnerships, N_("your partnerships and their status"), info=True),
    Command(
        "partnership",
        partnership,
        N_("one partnership: its parts, and what is missing"),
        args="N",
        info=True,
        variants=(Command("new", new_partnership, roles=COORDINATORS),),
    ),
    Command("pship_resp", part("responsibilities"), args="N"),
    Command("pship_obj", part("objective"), args="N"),
    Command("pship_commit", part("commitment"), args="N"),
    Command("pship_sched", part("schedule"), args="N"),
    Command("pship_confirm", confirm_partnership, args="N"),
)
