"""Commands everyone has, before and after the introduction: start, help, cancel."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.commands.registry import Command
from bot.dialogs.engine import Ctx
from bot.dialogs.interest import linked_listing, public_card
from bot.i18n import N_
from bot.messages import Reply
from bot.text import Text
from core.models import Conversation

if TYPE_CHECKING:
    from bot.chatbot import ChatBot


def start(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    """Also the way in from a deep link: a dialog (t.me/<bot>?start=need) or a listing of
    the public directory (start=listing_42), after the introduction if there is none."""
    if ctx.person is None:
        return bot.start_onboarding(ctx, then=args or None)
    if args in ("need", "offer"):
        return bot.start_dialog(ctx, conv, args)
    linked = linked_listing(args)
    if linked is not None:
        return public_card(ctx, linked)
    welcome = Reply(ctx.tr(N_("Welcome back, {name}."), name=ctx.person.name))
    if conv is not None and conv.mode != "results":
        return [welcome, *bot.engine.prompt(ctx, conv)]
    return [welcome, *help_(bot, ctx, None, "")]


def help_(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    """What this person may do, each command written the way their surface types it; in the
    middle of a dialog, the question again after the list."""
    roles = ctx.actor.roles if ctx.actor else frozenset()
    lines = [ctx.tr(N_("**What you can do**"))]
    for command in bot.commands.listed(roles):
        usage = Text.command(command.name)
        if command.args:
            usage = usage + f" {command.args}"
        lines.append(usage + " — " + ctx.tr(command.summary))
    if ctx.person is None:
        lines.append(ctx.tr(N_("First, introduce yourself with /start.")))
    replies = [Reply(Text.join(lines))]
    if conv is not None and conv.mode != "results":
        replies.append(
            Reply(
                ctx.tr(
                    N_("You are in the middle of “{title}”: answer the question, or /cancel."),
                    title=ctx.tr(bot.engine.title_of(conv)),
                )
            )
        )
        replies += bot.engine.prompt(ctx, conv)
    return replies


def cancel(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    if conv is not None and is_nonce(args) and args != conv.nonce:  # another dialog's button
        return bot.engine.stale(ctx, conv)
    if bot.engine.discard(ctx) is None:
        return [Reply(ctx.tr(N_("There is nothing to cancel.")))]
    return [Reply(ctx.tr(N_("Cancelled: nothing was saved. Type /help to see what you can do.")))]


def is_nonce(text: str) -> bool:
    """A dialog's nonce (six hex digits), as a Cancel button carries; typed words are not."""
    return len(text) == 6 and all(c in "0123456789abcdef" for c in text)


def resume(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    return bot.resume(ctx, conv, args)


def restart(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    return bot.restart(ctx, conv, args)


def noop(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    return [Reply(ctx.tr(N_("All right, nothing changed.")))]


FIRST = (Command("start", start, registered=False),)
LAST = (
    Command("help", help_, N_("this list"), registered=False),
    Command("cancel", cancel, N_("stop what you are doing; nothing is saved"), registered=False),
    Command("noop", noop, registered=False),
    Command("resume", resume, args="DIALOG"),
    Command("restart", restart, args="DIALOG"),
)
