"""Progress reports: the one due (or a choice between those due), approval and return."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from bot.actions import command_token
from bot.commands.registry import COORDINATORS, Command, number
from bot.dialogs.engine import Ctx
from bot.dialogs.report import report_answers
from bot.i18n import N_
from bot.messages import Button, Reply
from bot.report_views import report_lines, review_buttons
from bot.text import Text
from core.models import Conversation, ProgressReport
from core.partnerships import get_partnership, partnerships_for
from core.reporting import (
    approve_report,
    awaiting_review,
    due_reports,
    figures_of,
    reported,
    reports_of,
    take_partnership,
)

if TYPE_CHECKING:
    from bot.chatbot import ChatBot

SHOWN = 10


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
        if not due and _period_reported(ctx, partnership_id, when):
            return [Reply(ctx.tr(N_("The report for this period is in: thank you.")))]
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


def _period_reported(ctx: Ctx, partnership_id: int, when: str) -> bool:
    try:
        return reported(ctx.session, partnership_id, date.fromisoformat(when)) is not None
    except ValueError:  # not a date: a button we did not make
        return False


def approve(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    assert ctx.actor is not None
    approve_report(ctx.session, ctx.actor, number(args, "not_found.report"))
    return [Reply(ctx.tr(N_("Approved; the partner is told.")))]


def return_(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    report_id = number(args, "not_found.report")
    return bot.start_dialog(ctx, conv, "return_report", context={"report_id": report_id})


def reports(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    """For a coordinator, the reports awaiting review (theirs first, then those of
    partnerships nobody coordinates); for a partner, their reports and where each stands."""
    assert ctx.actor is not None
    replies: list[Reply] = []
    if ctx.actor.is_coordinator:
        waiting = awaiting_review(ctx.session, ctx.actor)
        replies.append(Reply(ctx.tr(N_("**Reports awaiting review:** {n}"), n=len(waiting))))
        for one, partnership in waiting[:SHOWN]:
            replies.append(_report_reply(ctx, one, partnership.title, review_buttons(ctx.tr, one)))
    mine = [
        (one, partnership)
        for partnership in partnerships_for(ctx.session, ctx.actor)
        if ctx.actor.organisation_id in _member_organisations(ctx, partnership.id or 0)
        for one in reports_of(ctx.session, partnership.id or 0)
    ]
    if mine or not ctx.actor.is_coordinator:
        replies.append(Reply(ctx.tr(N_("**Your organisation's reports:** {n}"), n=len(mine))))
    for one, partnership in mine[:SHOWN]:
        replies.append(_report_reply(ctx, one, partnership.title, ()))
    return replies


def _report_reply(
    ctx: Ctx, one: ProgressReport, title: str, buttons: tuple[tuple[Button, ...], ...]
) -> Reply:
    lines = [ctx.tr(N_("**{title}**"), title=title)]
    lines += report_lines(ctx.tr, one, figures_of(ctx.session, one))
    return Reply(Text.join(lines), buttons)


def _member_organisations(ctx: Ctx, partnership_id: int) -> set[int]:
    return {m.organisation_id for m, _ in get_partnership(ctx.session, partnership_id).members}


def take(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    assert ctx.actor is not None
    partnership = take_partnership(ctx.session, ctx.actor, number(args, "not_found.partnership"))
    return [
        Reply(
            ctx.tr(
                N_("You follow **{title}** now: its reports come to you for review."),
                title=partnership.title,
            )
        )
    ]


COMMANDS = (
    Command("report", report, N_("report progress on a partnership")),
    Command(
        "reports",
        reports,
        N_("reports: those awaiting your review, or your organisation's and where each stands"),
        info=True,
    ),
    Command("take", take, args="N", roles=COORDINATORS),
    Command("approve", approve, args="N", roles=COORDINATORS),
    Command("return", return_, args="N", roles=COORDINATORS),
)
