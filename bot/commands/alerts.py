"""Saved searches that alert: `/alerts` lists them, each in words, with Pause or Resume,
Delete, and the choice of at once or a daily digest. The buttons carry "N.op"."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.actions import command_token
from bot.commands.registry import Command, number
from bot.dialogs.engine import Ctx
from bot.i18n import N_, Tr
from bot.messages import Button, Reply
from core.alerts import alerts_of, delete_alert, pause_alert, resume_alert, set_daily
from core.errors import NotFound
from core.models import Conversation, SavedSearch
from core.models.enums import ListingKind
from core.vocabularies import Vocabularies

if TYPE_CHECKING:
    from bot.chatbot import ChatBot


def describe(tr: Tr, vocab: Vocabularies, alert: SavedSearch) -> str:
    """The search in words: "New offers · Training · Victim assistance · in Cambodia"."""
    parts = [tr.s(N_("New offers") if alert.kind == ListingKind.offer else N_("New needs"))]
    if alert.assistance_type:
        parts.append(
            tr.term(vocab.assistance_types.get(alert.assistance_type), alert.assistance_type)
        )
    if alert.area:
        parts.append(tr.term(vocab.thematic_areas.get(alert.area), alert.area))
    if alert.country:
        parts.append(tr.s(N_("in {country}"), country=tr.country(alert.country)))
    return " · ".join(parts)


def _when(tr: Tr, alert: SavedSearch) -> str:
    if alert.paused:
        return tr.s(N_("paused"))
    return tr.s(N_("in a daily digest") if alert.daily else N_("at once"))


def timing_buttons(tr: Tr, alert: SavedSearch) -> tuple[Button, ...]:
    return (
        Button(tr.s(N_("At once")), command_token("alert", f"{alert.id}.now")),
        Button(tr.s(N_("Daily")), command_token("alert", f"{alert.id}.daily")),
    )


def saved_reply(tr: Tr, vocab: Vocabularies, alert: SavedSearch) -> Reply:
    """What the search's "Tell me about new ones" answers: what was saved, and when to tell."""
    text = tr(
        N_("🔔 Saved: **{search}**. I will tell you about new ones: at once, or once a day?"),
        search=describe(tr, vocab, alert),
    )
    return Reply(text, (timing_buttons(tr, alert),))


def _line(ctx: Ctx, alert: SavedSearch) -> Reply:
    text = ctx.tr(
        N_("🔔 **{search}** — {when}"),
        search=describe(ctx.tr, ctx.vocab, alert),
        when=_when(ctx.tr, alert),
    )
    toggle = (
        Button(ctx.tr.s(N_("Resume")), command_token("alert", f"{alert.id}.resume"))
        if alert.paused
        else Button(ctx.tr.s(N_("Pause")), command_token("alert", f"{alert.id}.pause"))
    )
    delete = Button(ctx.tr.s(N_("Delete")), command_token("alert", f"{alert.id}.delete"))
    at_once, daily = timing_buttons(ctx.tr, alert)
    return Reply(text, ((toggle, delete), (at_once if alert.daily else daily,)))


def alerts(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    assert ctx.actor is not None
    mine = alerts_of(ctx.session, ctx.actor)
    if not mine:
        return [
            Reply(
                ctx.tr(
                    N_(
                        "You have no alerts. After a /search, tap **Tell me about new ones** "
                        "to be told of the listings that fit it."
                    )
                )
            )
        ]
    return [Reply(ctx.tr(N_("**Your alerts**"))), *(_line(ctx, alert) for alert in mine)]


def alert(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    """One alert's button: "N.pause", "N.resume", "N.delete", "N.now" or "N.daily"."""
    assert ctx.actor is not None
    head, _, op = args.strip().partition(".")
    alert_id = number(head, "not_found.alert")
    tr, session, actor = ctx.tr, ctx.session, ctx.actor
    if op == "delete":
        delete_alert(session, actor, alert_id)
        return [Reply(tr(N_("Alert deleted.")))]
    if op == "pause":
        return [_line(ctx, pause_alert(session, actor, alert_id))]
    if op == "resume":
        return [_line(ctx, resume_alert(session, actor, alert_id))]
    if op in ("now", "daily"):
        saved = set_daily(session, actor, alert_id, op == "daily")
        told = N_("Done: I will gather them in a daily digest, in the morning.")
        if op == "now":
            told = N_("Done: I will tell you about each new one at once.")
        return [Reply(tr(told)), _line(ctx, saved)]
    raise NotFound("not_found.alert")  # a garbled button


COMMANDS = (
    Command("alerts", alerts, N_("your saved searches: new listings that fit them"), info=True),
    Command("alert", alert, args="N.op"),
)
