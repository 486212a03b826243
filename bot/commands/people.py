"""One's own profile and data: profile, language, linking accounts, a copy of one's data,
and deleting it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.commands.listings import dialog
from bot.commands.registry import SLACK_COMMAND, Command, number
from bot.dialogs.coordination import my_data
from bot.dialogs.engine import Ctx
from bot.dialogs.people import profile_answers
from bot.i18n import N_
from bot.messages import Reply
from core.linking import create_link_code, redeem_link_code, unlink_account
from core.models import Conversation
from core.people import platforms_of

if TYPE_CHECKING:
    from bot.chatbot import ChatBot


def profile(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    return bot.start_dialog(ctx, conv, "profile", answers=profile_answers(ctx), at_summary=True)


def link(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    """/link on the first platform shows a code; /link CODE on the second joins the accounts."""
    if args:
        person = redeem_link_code(ctx.session, ctx.identity, args)
        bot.engine.discard(ctx)  # an introduction under way would make a second person
        platforms = ", ".join(str(p).title() for p in platforms_of(ctx.session, person.id or 0))
        return [
            Reply(
                ctx.tr(
                    N_(
                        "Linked: this account now belongs to {name} ({platforms}). "
                        "Choose where notifications go in /profile."
                    ),
                    name=person.name,
                    platforms=platforms,
                )
            )
        ]
    if ctx.person is None or ctx.person.id is None:
        return [
            Reply(
                ctx.tr(
                    N_(
                        "To join this account to the one you already use elsewhere, ask "
                        "for a code there ({telegram} on Telegram, {slack} on Slack), then "
                        "type /link CODE here."
                    ),
                    telegram="/link",
                    slack=f"{SLACK_COMMAND} link",
                )
            )
        ]
    code = create_link_code(ctx.session, ctx.person.id)
    return [
        Reply(
            ctx.tr(
                N_(
                    "Your code is **{code}**. Within 10 minutes, on your other platform, "
                    "send {telegram} on Telegram or {slack} on Slack."
                ),
                code=code,
                # Typed on the other platform, so written as each is typed there.
                telegram=f"/link {code}",
                slack=f"{SLACK_COMMAND} link {code}",
            )
        )
    ]


def unlink(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    assert ctx.actor is not None
    unlink_account(
        ctx.session, ctx.actor, number(args, "not_found.account"), speaking_from=ctx.identity.id
    )
    return [
        Reply(
            ctx.tr(
                N_(
                    "Undone: that account is no longer yours here. Ask for a new code with "
                    "/link when you want to link one."
                )
            )
        )
    ]


def mydata(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    return my_data(ctx)


COMMANDS = (
    Command("profile", profile, N_("your name, language, time zone and sharing")),
    Command("language", dialog("language"), N_("change the language")),
    Command(
        "link",
        link,
        N_("use the same profile on Telegram and Slack"),
        args="[CODE]",
        registered=False,
    ),
    Command("unlink", unlink, args="N"),
    Command("mydata", mydata, N_("a file of everything the bot holds about you"), info=True),
    Command("forgetme", dialog("forgetme"), N_("delete your personal data")),
)
