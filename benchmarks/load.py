"""Load through the Telegram adapter on an offline transport: N simulated people doing whole
dialogs at once (introduce themselves, register a need, search), against a bare
python-telegram-bot echo bot on the same transport in the same run. Then the memory of a
process that serves 100k listings.

    .venv/bin/python -m benchmarks.load                  # 200 people, SQLite
    .venv/bin/python -m benchmarks.load --users 20 --rss-listings 2000

Prints updates/s for both bots and their ratio (and, as a yardstick, the echo bot that also
saves each answer in one SQLModel transaction), the p50 and p99 latency of one dialog step
(people pausing 0.5-1.5 s between messages, as people do), and the resident memory.
Targets: at least half the echo bot's rate; p99 at most 50 ms at 200 people; RSS at most
150 MB with 100k listings."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import sqlalchemy as sa
from sqlmodel import SQLModel, select
from telegram import Update
from telegram.ext import ApplicationBuilder, TypeHandler

import core.models  # noqa: F401
from adapters.telegram.adapter import TelegramAdapter
from bot.chatbot import ChatBot
from bot.messages import Inbound, Outcome, Reply
from bot.units import run_unit
from core.models import ChannelIdentity, Conversation
from core.models.enums import Platform
from core.storage import Database
from core.vocabularies import default_vocabularies

# The tests' offline Bot API (it answers every call at once, as a fast network would) and
# their builders of real Update JSON: one transport for the tests and the benchmark.
from tests.adapters.telegram_offline import OfflineRequest, Updates


class Person:
    """One simulated person: reads the buttons the bot sent them and taps or types."""

    def __init__(self, user: int, offline: OfflineRequest) -> None:
        self.user, self.offline = user, offline

    def button(self, label: str) -> str:
        return self.offline.button(self.user, label)

    def script(self) -> list[tuple[str, str]]:
        return [
            ("say", "/start"),
            ("tap", "English"),
            ("say", f"Person {self.user}"),
            ("say", f"Organisation {self.user}"),
            ("tap", "NGO"),
            ("say", "Cambodia"),
            ("tap", "I register needs"),
            ("tap", "Skip"),  # the time zone
            ("tap", "Skip"),  # nothing shared with partners
            ("tap", "Save"),
            ("say", "/need"),
            ("tap", "Equipment"),
            ("tap", "Victim assistance"),
            ("say", "Prosthetic kits"),
            ("tap", "In Cambodia"),
            ("say", "40 kits"),
            ("tap", "Skip"),
            ("tap", "High"),
            ("tap", "Save"),
            ("say", "/search"),
        ]


async def run_people(
    app: Any, offline: OfflineRequest, users: int, pause: tuple[float, float], updates: Updates
) -> tuple[list[float], int, float]:
    latencies: list[float] = []
    handled = 0

    async def one(user: int) -> None:
        nonlocal handled
        person = Person(user, offline)
        sender = updates.user(user, f"U{user}", username=None)
        rng = random.Random(user)
        if pause[1]:  # people arrive over a few seconds, not all in the same instant
            await asyncio.sleep(rng.uniform(0, 3))
        for how, value in person.script():
            if pause[1]:
                await asyncio.sleep(rng.uniform(*pause))
            data = (
                updates.message(sender, value)
                if how == "say"
                else updates.press(sender, person.button(value))
            )
            started = time.perf_counter()
            await app.process_update(Update.de_json(data, app.bot))
            latencies.append((time.perf_counter() - started) * 1000)
            handled += 1

    started = time.perf_counter()
    await asyncio.gather(*(one(10_000 + u) for u in range(users)))
    return latencies, handled, time.perf_counter() - started


class Recorder:
    """Stands in for the bot: records its replies, then replays them without it, to measure
    what the adapter and python-telegram-bot cost for Partnerbot's own replies."""

    def __init__(self) -> None:
        self.chatbot: ChatBot | None = None
        self.db: Database | None = None
        self.replies: dict[tuple[str, int], list[Reply]] = {}
        self.counts: Counter[str] = Counter()
        self.replaying = False

    async def serve(self, inbound: Inbound) -> Outcome:
        user = inbound.sender.user_id
        self.counts[user] += 1
        key = (user, self.counts[user])
        if not self.replaying:
            assert self.chatbot is not None
            self.replies[key] = (await self.chatbot.serve(inbound)).replies
        return Outcome(self.replies[key])

    @property
    def commands(self):  # type: ignore[no-untyped-def]
        assert self.chatbot is not None
        return self.chatbot.commands

    def replay(self) -> None:
        self.counts.clear()
        self.replaying = True


async def partnerbot(
    users: int, pause: tuple[float, float], folder: Path, recorder: Recorder | None = None
) -> tuple:
    db = Database.from_url(f"sqlite:///{folder / 'load.db'}")
    SQLModel.metadata.create_all(db.engine)
    offline = OfflineRequest()
    app = ApplicationBuilder().token("1:BENCH").request(offline).build()
    chatbot = ChatBot(db, default_vocabularies())
    if recorder is not None:
        recorder.chatbot, recorder.db = chatbot, db
    bot = cast(ChatBot, recorder) if recorder is not None else chatbot
    app.add_handler(TypeHandler(Update, TelegramAdapter(bot).on_update))
    async with app:
        result = await run_people(app, offline, users, pause, Updates())
    db.dispose()
    return result


async def echo(users: int, folder: Path | None = None) -> tuple:
    """The bare echo bot; with a folder, the echo bot plus the least a dialog step must do:
    one SQLModel transaction that finds the account and its dialog and saves the answer."""
    offline = OfflineRequest()
    app = ApplicationBuilder().token("1:ECHO").request(offline).build()
    db = Database.from_url(f"sqlite:///{folder / 'floor.db'}") if folder else None
    if db is not None:
        SQLModel.metadata.create_all(db.engine)

    def save_answer(user: int) -> None:
        assert db is not None
        with db.write() as session:
            identity = session.exec(
                select(ChannelIdentity).where(
                    ChannelIdentity.platform == Platform.telegram,
                    ChannelIdentity.workspace == "",
                    ChannelIdentity.external_user_id == str(user),
                )
            ).first()
            if identity is None:
                identity = ChannelIdentity(platform=Platform.telegram, external_user_id=str(user))
                session.add(identity)
                session.flush()
            conversation = session.exec(
                select(Conversation).where(Conversation.identity_id == identity.id)
            ).first()
            if conversation is None:
                assert identity.id is not None
                session.add(Conversation(identity_id=identity.id, dialog="echo", nonce="n"))
            else:
                conversation.revision += 1

    async def reply(update: Update, context: Any) -> None:
        if update.callback_query:
            await update.callback_query.answer()
        chat = update.effective_chat
        assert chat is not None
        if db is not None:
            await run_unit(db, save_answer, chat.id)
        await context.bot.send_message(
            chat.id,
            "echo",
            reply_markup={
                "inline_keyboard": [
                    [{"text": label, "callback_data": "x"} for label in ("English", "NGO")]
                ]
            },
        )

    app.add_handler(TypeHandler(Update, reply))
    async with app:
        updates = Updates()
        started = time.perf_counter()
        handled = 0

        async def one(user: int) -> None:
            nonlocal handled
            sender = updates.user(user, f"U{user}", username=None)
            for n in range(21):
                data = updates.message(sender, "hello") if n % 2 else updates.press(sender, "x")
                await app.process_update(Update.de_json(data, app.bot))
                handled += 1

        await asyncio.gather(*(one(10_000 + u) for u in range(users)))
        elapsed = time.perf_counter() - started
    if db is not None:
        db.dispose()
    return handled, elapsed


def rss_with_listings(count: int) -> float:
    """The resident memory (MB) of a fresh process that serves `count` listings: it opens
    the bot on a database filled by another process, and runs matching over it."""
    root = Path(__file__).resolve().parents[1]
    folder = tempfile.mkdtemp()
    fill = f"""
import random
from pathlib import Path
from sqlmodel import SQLModel
import core.models
from benchmarks.matching import populate
from core.storage import Database
from core.vocabularies import default_vocabularies
db = Database.from_url("sqlite:///{folder}/rss.db")
SQLModel.metadata.create_all(db.engine)
populate(db, default_vocabularies(), {count}, random.Random(1))
"""
    serve = f"""
import random
import core.models
from benchmarks.matching import new_listing
from bot.chatbot import ChatBot
from core.matching import rank
from core.storage import Database
from core.vocabularies import default_vocabularies
db = Database.from_url("sqlite:///{folder}/rss.db")
bot = ChatBot(db, default_vocabularies())
rng = random.Random(2)
for _ in range(50):
    listing = new_listing(db, default_vocabularies(), rng)
    with db.read() as s:
        rank(s, default_vocabularies(), listing)
print(open("/proc/self/status").read().split("VmRSS:")[1].split()[0])
"""
    subprocess.run([sys.executable, "-c", fill], check=True, cwd=root)
    out = subprocess.run(
        [sys.executable, "-c", serve], capture_output=True, text=True, check=True, cwd=root
    )
    return int(out.stdout.strip().splitlines()[-1]) / 1024


@contextlib.contextmanager
def counting() -> Iterator[Counter[str]]:
    """The SQL statements every engine runs meanwhile, by their first word."""
    counts: Counter[str] = Counter()

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        counts[statement.split(None, 1)[0].upper()] += 1

    sa.event.listen(sa.engine.Engine, "before_cursor_execute", count)
    try:
        yield counts
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", count)


def _top(counts: Counter[str], handled: int) -> str:
    return ", ".join(f"{word} {n / handled:.1f}" for word, n in counts.most_common(4))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--rss-listings", type=int, default=100_000)
    parser.add_argument(
        "--pause", default="0.5,1.5", help="seconds between a person's messages: LOW,HIGH"
    )
    args = parser.parse_args()
    low, _, high = args.pause.partition(",")
    pause = (float(low), float(high or low))
    recorder = Recorder()
    with tempfile.TemporaryDirectory() as folder, counting() as ours_statements:
        _, handled, elapsed = asyncio.run(
            partnerbot(args.users, (0.0, 0.0), Path(folder), recorder)
        )
    ours = handled / elapsed
    recorder.replay()
    with tempfile.TemporaryDirectory() as folder:
        _, replayed, replay_elapsed = asyncio.run(
            partnerbot(args.users, (0.0, 0.0), Path(folder), recorder)
        )
    adapter_only = replayed / replay_elapsed
    echoed, echo_elapsed = asyncio.run(echo(args.users))
    theirs = echoed / echo_elapsed
    with tempfile.TemporaryDirectory() as folder, counting() as floor_statements:
        floored, floor_elapsed = asyncio.run(echo(args.users, Path(folder)))
    floor = floored / floor_elapsed
    print(
        f"throughput: Partnerbot {ours:7.1f} updates/s, echo bot {theirs:7.1f} updates/s, "
        f"ratio {ours / theirs:.2f} ({args.users} people at once, no pauses)"
    )
    print(
        f"floor:      echo bot + one SQLModel transaction a step {floor:7.1f} updates/s, "
        f"ratio {floor / theirs:.2f} (no dialog: the ceiling when answers are saved via SQLModel)"
    )
    print(
        f"target:     Partnerbot / floor {ours / floor:.2f} (target 0.80); SQL statements per "
        f"update: Partnerbot {sum(ours_statements.values()) / handled:.1f} "
        f"({_top(ours_statements, handled)}), floor {sum(floor_statements.values()) / floored:.1f}"
    )
    print(
        f"replies:    Partnerbot's replies replayed, no bot {adapter_only:7.1f} updates/s, "
        f"ratio {adapter_only / theirs:.2f} (the ceiling for sending these replies at all)"
    )
    with tempfile.TemporaryDirectory() as folder:
        latencies, handled, elapsed = asyncio.run(partnerbot(args.users, pause, Path(folder)))
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    print(
        f"latency:    {args.users} people pausing {pause[0]}-{pause[1]} s: p50 "
        f"{statistics.median(latencies):6.1f} ms, p99 {p99:6.1f} ms, "
        f"{handled / elapsed:6.1f} updates/s over {elapsed:.0f} s"
    )
    print(
        f"memory:     RSS {rss_with_listings(args.rss_listings):6.1f} MB with "
        f"{args.rss_listings} listings"
    )


if __name__ == "__main__":
    main()
