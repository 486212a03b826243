"""Progress reports: the one due (or a choice between those due), approval and return."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.actions import command_token
from bot.commands.registry import COORDINATORS, Command, number
from bot.dialogs.engine import Ctx
from bot.dialogs.report import report_answers
from bot.i18n import N_
from bot.messages import Button, Reply
from core.models import Conversation
from core.reporting import approve_report, due_reports

if TYPE_CHECKING:
    from bot.chatbot import ChatBot


def report(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    """The report due, or a choice between those due: `args` is a partnership id, with the
    due date after an @ when a button names one period."""
    assert ctx.actor is not None
    due = due_reports(ctx.session, ctx.actor, ctx.now().date())
    if args:
        wanted, _, when = args.partition("@")
        partnership_id = number(wanted, "not_found.partnership")
        due = [
            d
            for d in due
            if d.partnership.id == partnership_id and (not when or d.due.isoformat() == when)
        ]
        if not due:
            return [Reply(ctx.tr(N_("No report is due for this partnership now.")))]
    if not due:
        return [Reply(ctx.tr(N_("No report is due now. I will remind you before the next one.")))]
    if len(due) > 1:
        buttons = tuple(
            (
                Button(
                    f"{d.partnership.title[:40]} · {ctx.tr.date(d.due)}",
                    command_token("report", f"{d.partnership.id}@{d.due.isoformat()}"),
                ),
            )
            for d in due[:10]
        )
        return [Reply(ctx.tr(N_("Which partnership do you report on?")), buttons)]
    chosen = due[0]
    context = {"partnership_id": chosen.partnership.id, "due": chosen.due.isoformat()}
    if chosen.returned is None:
        return bot.start_dialog(ctx, conv, "report", context=context)
    note = Reply(
        ctx.tr(
            N_("The coordinator asked for a revision: {comment}"),
            comment=chosen.returned.review_comment or "",
        )
    )
    answers = report_answers(ctx, chosen.returned)
    return [
        note,
        *bot.start_dialog(ctx, conv, "report", context=context, answers=answers, at_summary=True),
    ]


def approve(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    assert ctx.actor is not None
    approve_report(ctx.session, ctx.actor, number(args, "not_found.report"))
    return [Reply(ctx.tr(N_("Approved; the partner is told.")))]


def return_(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    report_id = number(args, "not_found.report")
    return bot.start_dialog(ctx, conv, "return_report", context={"report_id": report_id})


COMMANDS = (
    Command("report", report, N_("report progress on a partnership")),
    Command("approve", approve, args="N", roles=COORDINATORS),
    Command("return", return_, args="N", roles=COORDINATORS),
)
