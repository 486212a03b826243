"""Receipts of platform deliveries: a repeated delivery has one effect, deliveries to another
bot (a new token on the same database) or another Slack app are not mistaken for repeats,
and receipts are pruned once no platform would deliver the same update again."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest
from sqlmodel import select
from telegram import Update
from telegram.ext import Application

from adapters.telegram.adapter import TelegramConfig, build_application
from bot.chatbot import ChatBot
from bot.messages import Inbound, Sender
from bot.scheduler import Sweeper
from core.clock import utcnow
from core.models import InboundReceipt
from core.models.enums import Platform
from core.receipts import KEEP, prune_receipts
from core.storage import Database
from core.vocabularies import Vocabularies
from tests.adapters.slack_harness import slack_workspace
from tests.adapters.telegram_offline import OfflineRequest, Updates

ANA = Sender(Platform.telegram, user_id="7", chat_id="7", display_name="Ana", language_hint="en")


def hello(receiver: str, update_id: str = "1") -> Inbound:
    return Inbound(ANA, command="help", update_id=update_id, receiver=receiver)


def keys(db: Database) -> list[str]:
    with db.read() as s:
        return sorted(r.key for r in s.exec(select(InboundReceipt)))


# -- the key -----------------------------------------------------------------------------------


def test_another_bot_reusing_update_ids_is_answered(db: Database, vocab: Vocabularies) -> None:
    bot = ChatBot(db, vocab)
    assert not bot.respond(hello("1001")).duplicate
    assert not bot.respond(hello("2002")).duplicate  # a new token: its ids start again
    assert bot.respond(hello("2002")).replies == []  # but a repeat is still a repeat


def test_a_repeated_update_has_one_effect(db: Database, vocab: Vocabularies) -> None:
    bot = ChatBot(db, vocab)
    first = bot.respond(hello("1001", "55"))
    again = bot.respond(hello("1001", "55"))
    assert first.replies and not first.duplicate
    assert again.duplicate and again.replies == []
    assert len(keys(db)) == 1


def test_a_surface_without_a_receiver_keeps_its_keys(db: Database, vocab: Vocabularies) -> None:
    """The console and older callers name no receiver: the key is what it was."""
    bot = ChatBot(db, vocab)
    bot.respond(Inbound(ANA, command="help", update_id="9"))
    assert keys(db) == ["telegram::9"]


def test_a_receiver_of_any_length_fits_the_key_column(db: Database, vocab: Vocabularies) -> None:
    bot = ChatBot(db, vocab)
    assert not bot.respond(hello("A" * 500, "1")).duplicate
    assert bot.respond(hello("A" * 500, "1")).duplicate
    assert not bot.respond(hello("A" * 499 + "B", "1")).duplicate
    assert all(len(key) <= 200 for key in keys(db))


# -- Telegram: two tokens on one database --------------------------------------------------------


@pytest.fixture
async def two_bots(sqlite_db: Database, vocab: Vocabularies) -> AsyncIterator[tuple]:
    """The bot before and after a new token, on the same database, offline."""
    chatbot = ChatBot(sqlite_db, vocab)
    old, new = OfflineRequest(), OfflineRequest()
    apps: list[Application] = [
        build_application(TelegramConfig(token=token), chatbot, request=request)
        for token, request in (("111:old-secret", old), ("222:new-secret", new))
    ]
    async with apps[0], apps[1]:
        yield apps, (old, new)


async def test_a_new_telegram_token_on_the_same_database_is_answered(two_bots, sqlite_db) -> None:
    (old_app, new_app), (old, new) = two_bots
    updates = Updates()
    message = updates.message(updates.user(7), "/help", update_id=1)
    await old_app.process_update(Update.de_json(message, old_app.bot))
    await new_app.process_update(Update.de_json(message, new_app.bot))
    assert len(old.sent(7)) == 1 and len(new.sent(7)) == 1
    await new_app.process_update(Update.de_json(message, new_app.bot))  # Telegram retries
    assert len(new.sent(7)) == 1
    assert keys(sqlite_db) == ["telegram:111:1", "telegram:222:1"]  # ids, never secrets


async def test_a_slack_receipt_names_the_app_and_the_workspace(sqlite_db, vocab) -> None:
    async with slack_workspace(ChatBot(sqlite_db, vocab)) as slack:
        await slack.say("U1", "hello")
    [key] = keys(sqlite_db)
    assert key.startswith("slack:A1:T1:") and key.endswith(":Ev1")


# -- pruning -----------------------------------------------------------------------------------


def _received(db: Database, key: str, at: datetime) -> None:
    with db.write() as s:
        s.add(InboundReceipt(key=key, received_at=at))


def test_old_receipts_are_pruned_and_recent_ones_kept(db: Database) -> None:
    now = utcnow()
    _received(db, "telegram:1:old", now - KEEP - timedelta(minutes=1))
    _received(db, "telegram:1:recent", now - KEEP + timedelta(minutes=1))
    with db.write() as s:
        assert prune_receipts(s, now) == 1
    assert keys(db) == ["telegram:1:recent"]
    with db.write() as s:
        assert prune_receipts(s, now) == 0


def test_pruning_goes_in_batches(db: Database) -> None:
    now = utcnow()
    for n in range(5):
        _received(db, f"telegram:1:{n}", now - timedelta(days=3))
    with db.write() as s:
        assert prune_receipts(s, now, batch=2) == 2
    assert len(keys(db)) == 3


def test_the_sweep_prunes_receipts(db: Database, vocab: Vocabularies) -> None:
    """After an emulator restart, the same bot's ids start again: once its old receipts are
    pruned, the update with a reused id is answered."""
    bot = ChatBot(db, vocab)
    bot.respond(hello("1001", "1"))
    later = utcnow() + KEEP + timedelta(hours=1)
    Sweeper(db, clock=lambda: later).run()
    assert keys(db) == []
    assert not bot.respond(hello("1001", "1")).duplicate


def test_the_sweep_keeps_what_a_retry_may_still_repeat(db: Database, vocab: Vocabularies) -> None:
    bot = ChatBot(db, vocab)
    bot.respond(hello("1001", "1"))
    Sweeper(db, clock=lambda: utcnow() + timedelta(hours=24)).run()
    assert bot.respond(hello("1001", "1")).duplicate
