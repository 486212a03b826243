"""The periodic sweeps, on APScheduler (3.x, AsyncIOScheduler). There is no job per
partnership: one sweep computes from the database what is due and writes outbox rows with
unique keys, so a sweep that runs twice, or late after downtime, sends nothing twice and
misses nothing. Each sweep also prunes the receipts of old deliveries (core/receipts.py)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.leader import Leadership
from core.clock import utcnow
from core.receipts import prune_receipts
from core.reminders import Policy, SweepResult, sweep
from core.storage import Database

log = logging.getLogger(__name__)


class Sweeper:
    def __init__(
        self,
        db: Database,
        policy: Policy | None = None,
        clock: Callable[[], datetime] = utcnow,
        leadership: Leadership | None = None,
    ) -> None:
        self.db = db
        self.policy = policy or Policy()
        self.clock = clock
        self.leadership = leadership

    def run_if_leading(self) -> SweepResult | None:
        """Sweeps if this worker leads (or leadership is not in question)."""
        if self.leadership is not None and not self.leadership.check():
            return None
        return self.run()

    def run(self) -> SweepResult:
        with self.db.write() as session:
            result = sweep(session, self.clock(), self.policy)
        if result.written or result.expired:
            log.info(
                "sweep: %d notices written, %d listings expired", result.written, result.expired
            )
        self.prune()
        return result

    def prune(self) -> int:
        """Receipts of deliveries no platform would repeat now, in a transaction of their
        own: the notices just written never wait for them, nor go if pruning fails."""
        with self.db.write() as session:
            pruned = prune_receipts(session, self.clock())
        if pruned:
            log.info("sweep: %d delivery receipts pruned", pruned)
        return pruned

    async def run_async(self) -> SweepResult | None:
        return await asyncio.to_thread(self.run_if_leading)


def start_scheduler(sweeper: Sweeper, every: timedelta = timedelta(minutes=10)) -> AsyncIOScheduler:
    """Sweeps now (what fell due while the bot was down goes out once), then regularly."""
    scheduler = AsyncIOScheduler(timezone="UTC")
    scheduler.add_job(
        sweeper.run_async,
        "interval",
        seconds=every.total_seconds(),
        next_run_time=utcnow(),
        id="sweep",
        max_instances=1,
        coalesce=True,
        misfire_grace_time=None,
    )
    scheduler.start()
    return scheduler
