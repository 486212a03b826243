"""Every command of the registry, on every surface, through each one's public protocol (a
Telegram update through python-telegram-bot, a signed `/partners` request through Bolt, a
line typed in the terminal), reaches its own handler: never the help text instead, and never
an "I do not know" (the way Slack's `/partners` once knew only half of them)."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from telegram import Update

from adapters.console.chat import ConsoleChat
from adapters.telegram.adapter import TelegramConfig, build_application
from bot.chatbot import ChatBot
from bot.commands import COMMANDS, Registry
from bot.messages import Reply
from bot.text import Text
from core.models import ChannelIdentity
from core.models.enums import Role
from tests.adapters.slack_harness import settle, slack_workspace
from tests.adapters.telegram_offline import OfflineRequest, Updates
from tests.factories import person

# Every declaration, and the variants ("/partnership new") as typed.
TYPED = [(c.name, "1") for c in COMMANDS] + [(c.name, v.name) for c in COMMANDS for v in c.variants]


def spy_registry(seen: list[str]) -> Registry:
    """The real declarations (names, roles, variants), with handlers that say who ran."""

    def spy(name: str):  # type: ignore[no-untyped-def]
        def handler(bot, ctx, conv, args) -> list[Reply]:  # type: ignore[no-untyped-def]
            seen.append(name)
            return [Reply(Text.plain(f"handled {name}"))]

        return handler

    def spied(command):  # type: ignore[no-untyped-def]
        variants = tuple(spied(v) for v in command.variants)
        return replace(command, handler=spy(command.name), variants=variants)

    return Registry(spied(c) for c in COMMANDS)


@pytest.fixture
def admin(sqlite_db, vocab) -> None:
    """One person, an admin and coordinator, with an account on each surface."""
    with sqlite_db.write() as s:
        someone = person(s, vocab, roles=(Role.admin, Role.coordinator))
        for platform, workspace, user in (
            ("telegram", "", "4242"),
            ("slack", "T1", "U42"),
            ("console", "", "ana"),
        ):
            s.add(
                ChannelIdentity(
                    stakeholder_id=someone.id,
                    platform=platform,
                    workspace=workspace,
                    external_user_id=user,
                    chat_id=user,
                )
            )


def expected(name: str, args: str) -> str:
    return args if args == "new" else name


@pytest.mark.parametrize(("name", "args"), TYPED)
async def test_on_telegram(sqlite_db, vocab, admin, name, args) -> None:
    seen: list[str] = []
    chatbot = ChatBot(sqlite_db, vocab, commands=spy_registry(seen))
    offline, updates = OfflineRequest(), Updates()
    application = build_application(TelegramConfig(token="1:TEST"), chatbot, request=offline)
    async with application:
        update = updates.message(updates.user(4242), f"/{name} {args}")
        await application.process_update(Update.de_json(update, application.bot))
    assert seen == [expected(name, args)]
    assert f"handled {expected(name, args)}" in " ".join(
        c.params.get("text", "") for c in offline.sent(4242)
    )


@pytest.mark.parametrize(("name", "args"), TYPED)
async def test_on_slack(sqlite_db, vocab, admin, name, args) -> None:
    seen: list[str] = []
    chatbot = ChatBot(sqlite_db, vocab, commands=spy_registry(seen))
    async with slack_workspace(chatbot) as slack:
        await slack.command("U42", f"{name} {args}", trigger=False)
        await settle(slack.api)
        texts = slack.api.texts()
    assert seen == [expected(name, args)]
    assert f"handled {expected(name, args)}" in texts.replace("\u200b", "")  # shown as typed


@pytest.mark.parametrize(("name", "args"), TYPED)
def test_in_the_terminal(sqlite_db, vocab, admin, name, args) -> None:
    seen: list[str] = []
    chatbot = ChatBot(sqlite_db, vocab, commands=spy_registry(seen))
    out = io.StringIO()
    ConsoleChat(chatbot, "ana", io.StringIO(f"/{name} {args}\n"), out).run()
    assert expected(name, args) in seen
    assert f"handled {expected(name, args)}" in out.getvalue()
