"""Reminder sweeps and notification fan-out.

    .venv/bin/python -m benchmarks.reminders                    # 10k and 100k partnerships
    .venv/bin/python -m benchmarks.reminders --sizes 1000 --fanout 300

Prints the time of one sweep over N active partnerships (SQLite), the first one (which
writes the due reminders) and a second one (which finds them written); and the fan-out rate
of the outbox against a channel that enforces 30 messages a second and answers 429 above it.
Targets: a sweep under 1 s at 100k partnerships; fan-out at 95% of the cap or more, no 429."""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import SQLModel

import core.models  # noqa: F401
from bot.messages import Progress, Reply
from bot.outbox import Dispatcher, Limits, Recipient, Transient
from core.clock import utcnow
from core.models import (
    ChannelIdentity,
    Notification,
    Organisation,
    Partnership,
    PartnershipMember,
    ReportingSchedule,
    Stakeholder,
)
from core.models.enums import Platform
from core.reminders import sweep
from core.storage import Database
from core.vocabularies import default_vocabularies

NOW = datetime(2027, 6, 1, 10, 0, tzinfo=UTC)


def populate(db: Database, partnerships: int, rng: random.Random) -> None:
    """Quarterly partnerships with due dates spread over the next three months, two
    partners each, people in a few time zones."""
    zones = ["UTC", "Asia/Phnom_Penh", "America/Bogota", "Africa/Ndjamena", "Europe/Oslo"]
    people = max(200, partnerships // 50)
    with db.engine.begin() as c:
        c.execute(
            sa.insert(Organisation.__table__),
            [
                {
                    "name": f"Org {i}",
                    "name_key": f"org {i}",
                    "kind": "ngo",
                    "verification": "verified",
                    "created_at": NOW,
                }
                for i in range(people)
            ],
        )
        c.execute(
            sa.insert(Stakeholder.__table__),
            [
                {
                    "name": f"Person {i}",
                    "organisation_id": i + 1,
                    "language": "en",
                    "timezone": rng.choice(zones),
                    "share_contact": False,
                    "verified": True,
                    "created_at": NOW,
                }
                for i in range(people)
            ],
        )
        rows = [
            {
                "title": f"Partnership {i}",
                "status": "active",
                "created_at": NOW,
                "activated_at": NOW,
            }
            for i in range(partnerships)
        ]
        for chunk in range(0, partnerships, 10000):
            c.execute(sa.insert(Partnership.__table__), rows[chunk : chunk + 10000])
        members, schedules = [], []
        for pid in range(1, partnerships + 1):
            a, b = rng.sample(range(1, people + 1), 2)
            members += [
                {
                    "partnership_id": pid,
                    "organisation_id": a,
                    "stakeholder_id": a,
                    "responsibilities": "x",
                },
                {
                    "partnership_id": pid,
                    "organisation_id": b,
                    "stakeholder_id": b,
                    "responsibilities": "x",
                },
            ]
            due = (NOW + timedelta(days=rng.randint(-3, 88))).date()
            schedules.append(
                {"partnership_id": pid, "frequency": "quarterly", "first_due": due, "next_due": due}
            )
        for chunk in range(0, len(members), 20000):
            c.execute(sa.insert(PartnershipMember.__table__), members[chunk : chunk + 20000])
        for chunk in range(0, len(schedules), 20000):
            c.execute(sa.insert(ReportingSchedule.__table__), schedules[chunk : chunk + 20000])
        c.exec_driver_sql("ANALYZE")


def time_sweeps(size: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = Database.from_url(f"sqlite:///{Path(folder) / 'sweep.db'}")
        SQLModel.metadata.create_all(db.engine)
        populate(db, size, random.Random(size))
        timings = []
        for _ in range(2):
            started = time.perf_counter()
            with db.write() as session:
                result = sweep(session, NOW)
            timings.append((time.perf_counter() - started, result.written, len(result.planned)))
        db.dispose()
    (first, written, planned), (second, again, _) = timings
    print(
        f"sweep   {size:>7} partnerships: first {first * 1000:7.0f} ms ({written} notices "
        f"written of {planned} due), second {second * 1000:7.0f} ms ({again} written)"
    )


class CappedChannel:
    """A platform that allows `cap` messages in any second and answers 429 above it."""

    platform = Platform.telegram

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.stamps: list[float] = []
        self.refused = 0

    async def deliver(
        self, recipient: Recipient, replies: list[Reply], progress: Progress | None = None
    ) -> None:
        now = time.monotonic()
        recent = [t for t in self.stamps if now - t < 1.0]
        if len(recent) >= self.cap:
            self.refused += 1
            raise Transient("429 Too Many Requests", retry_after=1)
        self.stamps.append(now)


def fan_out(count: int, cap: int) -> None:
    vocab = default_vocabularies()
    with tempfile.TemporaryDirectory() as folder:
        db = Database.from_url(f"sqlite:///{Path(folder) / 'fanout.db'}")
        SQLModel.metadata.create_all(db.engine)
        with db.engine.begin() as c:
            c.execute(
                sa.insert(Stakeholder.__table__),
                [
                    {
                        "name": f"P{i}",
                        "language": "en",
                        "timezone": "UTC",
                        "share_contact": False,
                        "verified": True,
                        "created_at": NOW,
                    }
                    for i in range(count)
                ],
            )
            c.execute(
                sa.insert(ChannelIdentity.__table__),
                [
                    {
                        "stakeholder_id": i + 1,
                        "platform": "telegram",
                        "workspace": "",
                        "external_user_id": str(1000 + i),
                        "chat_id": str(1000 + i),
                        "created_at": NOW,
                    }
                    for i in range(count)
                ],
            )
            c.execute(
                sa.insert(Notification.__table__),
                [
                    {
                        "idempotency_key": f"k{i}",
                        "stakeholder_id": i + 1,
                        "kind": "role_request",
                        "payload": {"name": f"P{i}"},
                        "status": "pending",
                        "attempts": 0,
                        "next_attempt_at": utcnow() - timedelta(minutes=1),
                        "created_at": NOW,
                    }
                    for i in range(count)
                ],
            )
        channel = CappedChannel(cap)
        dispatcher = Dispatcher(
            db,
            vocab,
            [channel],
            limits={Platform.telegram: Limits(per_second=cap, per_chat_interval=1.0)},
        )

        async def drain() -> float:
            started = time.monotonic()
            while len(channel.stamps) < count:
                await dispatcher.run_once(batch=500)
            return time.monotonic() - started

        elapsed = asyncio.run(drain())
        db.dispose()
    rate = count / elapsed
    print(
        f"fan-out {count:>7} notices: {rate:5.1f} msg/s against a cap of {cap}/s "
        f"({rate / cap:.0%} of the cap), {channel.refused} answered 429"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--fanout", type=int, default=600)
    parser.add_argument("--cap", type=int, default=30)
    args = parser.parse_args()
    for size in args.sizes:
        time_sweeps(size)
    fan_out(args.fanout, args.cap)


if __name__ == "__main__":
    main()
