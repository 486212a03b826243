"""Faults injected, and what must come of them: crashes mid-dialog and between a commit and
the send, a 429 storm, an ambiguous timeout, a slow handler, the database out of reach for a
moment, and a blocked user in the middle of a fan-out."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import httpx
import sqlalchemy as sa
from sqlalchemy import event
from sqlmodel import select
from starlette.applications import Starlette
from telegram.error import TimedOut

from adapters.slack.app import SlackConfig, build_app
from adapters.slack.http import slack_route
from adapters.telegram.channel import TelegramChannel
from bot.chatbot import ChatBot
from bot.messages import Inbound, Sender
from bot.metrics import NOTIFICATIONS
from bot.outbox import Dispatcher, Limits, Permanent, Transient
from core.clock import utcnow
from core.models import ChannelIdentity, Notification
from core.models.enums import NotificationStatus, Platform
from core.notifications import enqueue
from core.people import register_stakeholder
from tests.adapters.fake_bot_api import FakeBotApi
from tests.adapters.fake_slack_api import FakeSlackApi
from tests.adapters.slack_harness import PATH, SECRET, SlackClient
from tests.adapters.telegram_offline import OfflineRequest
from tests.factories import active_partnership, daytime_zone

PARTNERBOT = Path(sys.executable).parent / "partnerbot"


def command() -> list[str]:
    return [str(PARTNERBOT)] if PARTNERBOT.exists() else [sys.executable, "-m", "bot"]


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARTNERBOT_")}
    return {**env, "LANG": "C.UTF-8", **extra}


class Output:
    def __init__(self, process: subprocess.Popen) -> None:
        self.text = ""
        self._thread = threading.Thread(target=self._read, args=(process,), daemon=True)
        self._thread.start()

    def _read(self, process: subprocess.Popen) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            self.text += line

    def wait_for(self, needle: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while needle not in self.text:
            assert time.monotonic() < deadline, f"never saw {needle!r} in:\n{self.text}"
            time.sleep(0.05)


def test_sigkill_mid_dialog_then_the_dialog_resumes(tmp_path: Path) -> None:
    lines = [
        "1",
        "Ana Lima",
        "Mekong Mine Action Centre",
        "6",
        "Cambodia",
        "1",
        "1",
        "6",  # skip: nothing shared with partners
        "1",
        "/need",
        "2",
        "2",  # one area: one tap
    ]
    process = subprocess.Popen(
        [*command(), "chat", "--as", "ana"],
        cwd=tmp_path,
        env=clean_env(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = Output(process)
    assert process.stdin is not None
    process.stdin.write("\n".join(lines) + "\n")
    process.stdin.flush()
    output.wait_for("A short title, please")
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    rest = ["Prosthetic kits", "1", "40 kits", "2030-06-30", "1", "1"]
    resumed = subprocess.run(
        [*command(), "chat", "--as", "ana"],
        cwd=tmp_path,
        env=clean_env(),
        input="\n".join(rest) + "\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "A short title, please" in resumed.stdout  # asked again, where it stopped
    assert "Saved: your need Prosthetic kits" in resumed.stdout


def test_sigkill_between_the_commit_and_the_send_delivers_once(tmp_path: Path, vocab) -> None:
    from bot.migrate import upgrade
    from core.storage import Database

    database = tmp_path / "crash.db"
    db = Database.from_url(f"sqlite:///{database}")
    upgrade(db.engine)
    with db.write() as s:
        zone, today = daytime_zone()  # day for them, whatever the hour of the run
        _, field, donor = active_partnership(s, vocab, first_due=today, timezones=(zone, zone))
        for n, actor in enumerate((field, donor)):
            s.add(
                ChannelIdentity(
                    stakeholder_id=actor.id,
                    platform="telegram",
                    external_user_id=str(900 + n),
                    chat_id=str(900 + n),
                )
            )
    db.dispose()
    with FakeBotApi() as api:
        env = clean_env(
            PARTNERBOT_DATABASE_URL=f"sqlite:///{database}",
            PARTNERBOT_TELEGRAM_TOKEN="1:CRASH",
            PARTNERBOT_TELEGRAM_BASE_URL=api.base_url,
            PARTNERBOT_SWEEP_SECONDS="1",
            # Killed while it holds the notices, a worker delays them by its lease.
            PARTNERBOT_OUTBOX_LEASE_SECONDS="5",
            PARTNERBOT_LOG_LEVEL="INFO",
        )
        api.refuse_sends = True  # the platform is down while the first process runs
        first = subprocess.Popen(
            [*command(), "run"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        output = Output(first)
        db = Database.from_url(f"sqlite:///{database}")

        def written() -> list[Notification]:
            with db.read() as s:
                query = select(Notification).where(Notification.kind == "report_reminder")
                return list(s.exec(query).all())

        deadline = time.monotonic() + 60  # the sweep commits the reminders, however slow
        while len(written()) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(1)  # and tries to send them, which the platform refuses
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        rows = written()
        assert rows and all(n.status == NotificationStatus.pending for n in rows), output.text
        api.refuse_sends = False
        refused = len(api.calls)
        second = subprocess.Popen(
            [*command(), "run"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        Output(second)
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                with db.read() as s:
                    rows = s.exec(
                        select(Notification).where(Notification.kind == "report_reminder")
                    ).all()
                if all(n.status == NotificationStatus.sent for n in rows):
                    break
                time.sleep(0.3)
            time.sleep(2)
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(timeout=30)
        db.dispose()
    reminders = [
        p for m, p in api.calls[refused:] if m == "sendMessage" and "due today" in p.get("text", "")
    ]
    assert sorted(p["chat_id"] for p in reminders) == ["900", "901"]  # each exactly once


def people(db, count: int, platform: Platform = Platform.telegram) -> list[int]:
    ids = []
    with db.write() as s:
        for n in range(count):
            someone = register_stakeholder(s, name=f"Person {n}", organisation_id=None, roles=[])
            s.add(
                ChannelIdentity(
                    stakeholder_id=someone.id,
                    platform=platform,
                    external_user_id=str(500 + n),
                    chat_id=str(500 + n),
                )
            )
            enqueue(s, someone.id, "role_request", f"storm:{n}", {"name": f"N{n}"})
            ids.append(someone.id)
    return ids


class Storm:
    """A platform that answers 429 (retry after 2 s) to the first `refusals` messages, and
    remembers when each chat was told to wait."""

    platform = Platform.telegram

    def __init__(self, refusals: int, clock) -> None:
        self.refusals = refusals
        self.clock = clock
        self.delivered: list[str] = []
        self.not_before: dict[str, float] = {}
        self.early: list[str] = []

    async def deliver(self, recipient, replies, progress=None) -> None:
        now = self.clock().timestamp()
        if now < self.not_before.get(recipient.chat_id, 0):
            self.early.append(recipient.chat_id)
        if self.refusals > 0:
            self.refusals -= 1
            self.not_before[recipient.chat_id] = now + 2
            raise Transient("429", retry_after=2)
        self.delivered.append(recipient.chat_id)


class Clock:
    def __init__(self) -> None:
        self.ahead = timedelta(0)

    def __call__(self):
        return utcnow() + self.ahead


async def test_a_429_storm_delivers_everything_and_nothing_early(sqlite_db, vocab) -> None:
    people(sqlite_db, 40)
    clock = Clock()
    storm = Storm(refusals=25, clock=clock)
    dispatcher = Dispatcher(
        sqlite_db, vocab, [storm], clock=clock, limits={Platform.telegram: Limits(1000, 0)}
    )
    for _ in range(20):
        await dispatcher.run_once()
        clock.ahead += timedelta(seconds=1)
    assert sorted(storm.delivered) == sorted(str(500 + n) for n in range(40))
    assert storm.early == []


async def test_an_ambiguous_timeout_gives_at_most_one_duplicate_and_counts_it(
    sqlite_db, vocab
) -> None:
    from adapters.telegram.adapter import TelegramConfig, build_application

    people(sqlite_db, 1)

    class LostAnswer(OfflineRequest):
        lost = 1

        async def do_request(self, url, method, request_data=None, *args, **kwargs):
            answer = await super().do_request(url, method, request_data, *args, **kwargs)
            if url.endswith("sendMessage") and self.lost:
                self.lost -= 1
                raise TimedOut("the answer never came")  # but Telegram had it
            return answer

    offline = LostAnswer()
    application = build_application(
        TelegramConfig(token="1:AMB"), ChatBot(sqlite_db, vocab), request=offline
    )
    before = NOTIFICATIONS.labels("telegram", "ambiguous")._value.get()
    clock = Clock()
    async with application:
        dispatcher = Dispatcher(sqlite_db, vocab, [TelegramChannel(application.bot)], clock=clock)
        for _ in range(3):
            await dispatcher.run_once()
            clock.ahead += timedelta(minutes=5)
    sent = [c for c in offline.calls if c.method == "sendMessage"]
    assert len(sent) == 2  # the first one arrived, its answer was lost; one retry
    assert NOTIFICATIONS.labels("telegram", "ambiguous")._value.get() - before == 1
    with sqlite_db.read() as s:
        assert s.exec(select(Notification)).one().status == NotificationStatus.sent


async def test_a_slow_handler_still_acks_slack_within_a_second(
    sqlite_db, vocab, monkeypatch
) -> None:
    chatbot = ChatBot(sqlite_db, vocab)
    original = chatbot.handle

    def slow(inbound):
        time.sleep(2)
        return original(inbound)

    monkeypatch.setattr(chatbot, "handle", slow)
    with FakeSlackApi() as api:
        bolt = build_app(
            SlackConfig(bot_token="xoxb-t", signing_secret=SECRET, api_url=api.url), chatbot
        )
        web = Starlette(routes=[slack_route(PATH, bolt)])
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=web), base_url="http://127.0.0.1"
        ) as http:
            slack = SlackClient(http, api)
            started = time.monotonic()
            response = await slack.command("U1", "help")
            elapsed = time.monotonic() - started
            assert response.status_code == 200 and elapsed < 1.0
            await asyncio.sleep(2.5)  # the work after the ack still happens
            assert api.named("chat.postMessage")


def test_the_database_out_of_reach_for_a_moment_loses_nothing(sqlite_db, vocab) -> None:
    bot = ChatBot(sqlite_db, vocab)
    sender = Sender(Platform.console, "ana", "ana")
    bot.handle(Inbound(sender, command="start"))
    failures = {"left": 2}

    @event.listens_for(sqlite_db.engine, "begin")
    def outage(connection):
        if failures["left"]:
            failures["left"] -= 1
            raise sa.exc.OperationalError("BEGIN", {}, Exception("connection refused"))

    replies = bot.handle(Inbound(sender, action=_token(bot, sender, "English")))
    assert failures["left"] == 0
    assert "What is your name?" in str(replies[-1].text)  # answered, after two failed tries
    event.remove(sqlite_db.engine, "begin", outage)


def _token(bot: ChatBot, sender: Sender, label: str) -> str:
    replies = bot.handle(Inbound(sender, command="start"))
    return next(b.action for r in replies for b in r.all_buttons if label in b.label)


async def test_a_blocked_user_mid_fan_out_stops_and_the_rest_go_out(sqlite_db, vocab) -> None:
    people(sqlite_db, 10)

    class OneBlocked:
        platform = Platform.telegram
        delivered: list[str] = []

        async def deliver(self, recipient, replies, progress=None) -> None:
            if recipient.chat_id == "503":
                raise Permanent("bot was blocked by the user")
            self.delivered.append(recipient.chat_id)

    channel = OneBlocked()
    dispatcher = Dispatcher(
        sqlite_db, vocab, [channel], limits={Platform.telegram: Limits(1000, 0)}
    )
    await dispatcher.run_once()
    await dispatcher.run_once()
    assert sorted(channel.delivered) == sorted(str(500 + n) for n in range(10) if n != 3)
    with sqlite_db.read() as s:
        statuses = {n.idempotency_key: n.status for n in s.exec(select(Notification))}
    assert statuses["storm:3"] == NotificationStatus.failed
    assert sum(1 for st in statuses.values() if st == NotificationStatus.sent) == 9
