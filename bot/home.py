"""A person's home screen (Slack's App Home): what waits for them, with the buttons to act
on it: their partnerships (drafts first, with what they still need), the matches waiting for
their answer, the reports due, for coordinators the reports awaiting review, and their
organisation's open listings."""

from __future__ import annotations

from bot.actions import command_token
from bot.commands.listings import listing_buttons
from bot.dialogs.engine import Ctx
from bot.dialogs.matches import match_summary, pending_for
from bot.i18n import N_, Tr
from bot.messages import Button, Reply
from bot.notices import decision_buttons
from bot.text import Text
from bot.views import listing_card
from core.listings import list_mine
from core.matchmaking import matches_for
from core.models.enums import MatchStatus, PartnershipStatus
from core.partnerships import PartnershipView, get_partnership, partnerships_for
from core.people import Actor
from core.reporting import awaiting_review, due_reports

SHOWN = 5


def home_view(ctx: Ctx) -> list[Reply]:
    tr = ctx.tr
    if ctx.person is None or ctx.actor is None:
        return [
            Reply(
                tr(
                    N_(
                        "**Welcome to Partnerbot.** Introduce yourself to register needs and "
                        "offers of assistance."
                    )
                ),
                ((Button(tr.s(N_("Introduce myself")), command_token("start")),),),
            )
        ]
    actions = (
        (
            Button(tr.s(N_("New need")), command_token("need")),
            Button(tr.s(N_("New offer")), command_token("offer")),
            Button(tr.s(N_("Search")), command_token("search")),
            Button(tr.s(N_("Matches")), command_token("matches")),
        ),
    )
    return [
        Reply(tr(N_("**Hello, {name}.**"), name=ctx.person.name), actions),
        *_partnerships(ctx, ctx.actor),
        *_matches(ctx, ctx.actor),
        *_reports_due(ctx, ctx.actor),
        *_reviews(ctx, ctx.actor),
        *_listings(ctx, ctx.actor),
    ]


def _partnerships(ctx: Ctx, actor: Actor) -> list[Reply]:
    views = [get_partnership(ctx.session, p.id or 0) for p in partnerships_for(ctx.session, actor)]
    views = [
        v
        for v in views
        if v.partnership.status in (PartnershipStatus.draft, PartnershipStatus.active)
    ]
    views.sort(key=lambda v: v.partnership.status != PartnershipStatus.draft)  # drafts first
    if not views:
        return []
    replies = [Reply(ctx.tr(N_("**Your partnerships:** {n}"), n=len(views)))]
    for view in views[:SHOWN]:
        p = view.partnership
        line = ctx.tr(N_("**{title}** (#{id})"), title=p.title, id=p.id)
        missing = missing_parts(ctx.tr, view, actor)
        if missing:
            line = line + " — " + ctx.tr(N_("still needed: {parts}"), parts=", ".join(missing))
        open_it = Button(ctx.tr.s(N_("Open")), command_token("partnership", p.id or 0))
        replies.append(Reply(line, ((open_it,),)))
    return replies


def missing_parts(tr: Tr, view: PartnershipView, actor: Actor) -> list[str]:
    """What a draft still needs before it can become active, as its partners read it."""
    if view.partnership.status != PartnershipStatus.draft:
        return []
    missing = []
    if not any(indicators for _, indicators in view.objectives):
        missing.append(tr.s(N_("an objective with an indicator")))
    if view.schedule is None:
        missing.append(tr.s(N_("a reporting schedule")))
    member = view.member_of(actor)
    if member is not None and not member.responsibilities:
        missing.append(tr.s(N_("your responsibilities")))
    if member is not None and member.confirmed_at is None:
        missing.append(tr.s(N_("your confirmation")))
    return missing


def _matches(ctx: Ctx, actor: Actor) -> list[Reply]:
    waiting = [
        view
        for view in matches_for(ctx.session, actor, statuses=(MatchStatus.proposed,))
        if pending_for(actor, view)
    ]
    replies = [Reply(ctx.tr(N_("**Matches waiting for your answer:** {n}"), n=len(waiting)))]
    for view in waiting[:SHOWN]:
        summary = match_summary(ctx.tr, ctx.vocab, view)
        replies.append(Reply(summary, decision_buttons(ctx.tr, view.match.id or 0)))
    return replies


def _reports_due(ctx: Ctx, actor: Actor) -> list[Reply]:
    due = due_reports(ctx.session, actor, ctx.now().date())
    if not due:
        return []
    replies = [Reply(ctx.tr(N_("**Reports due:** {n}"), n=len(due)))]
    for report in due[:SHOWN]:
        token = command_token("report", f"{report.partnership.id}@{report.due.isoformat()}")
        line = ctx.tr(
            N_("{title}, period to {due}"),
            title=report.partnership.title,
            due=ctx.tr.date(report.due),
        )
        replies.append(Reply(line, ((Button(ctx.tr.s(N_("Report progress")), token),),)))
    return replies


def _reviews(ctx: Ctx, actor: Actor) -> list[Reply]:
    waiting = awaiting_review(ctx.session, actor)
    if not actor.is_coordinator:
        return []
    replies = [Reply(ctx.tr(N_("**Reports awaiting review:** {n}"), n=len(waiting)))]
    for report, partnership in waiting[:SHOWN]:
        line = ctx.tr(
            N_("{title}, period to {due}"),
            title=partnership.title,
            due=ctx.tr.date(report.period_end),
        )
        buttons = (
            (
                Button(ctx.tr.s(N_("✔ Approve")), command_token("approve", report.id or 0)),
                Button(
                    ctx.tr.s(N_("↩ Return for revision")), command_token("return", report.id or 0)
                ),
            ),
        )
        replies.append(Reply(Text.join([line]), buttons))
    return replies


def _listings(ctx: Ctx, actor: Actor) -> list[Reply]:
    listings = list_mine(ctx.session, actor)
    replies = [Reply(ctx.tr(N_("**Your organisation's open listings:** {n}"), n=len(listings)))]
    for view in listings[:8]:
        card = listing_card(ctx.tr, ctx.vocab, view)
        replies.append(Reply(card, listing_buttons(ctx, view, withdraw=False)))
    return replies
