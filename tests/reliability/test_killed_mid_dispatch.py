"""A worker killed in the middle of a delivery pass resends, once another takes over, at
most the notices it had in flight: one per chat. Each outcome is written as soon as the
platform answers; the resends are counted."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

from bot.metrics import NOTIFICATIONS
from bot.outbox import Dispatcher
from core.clock import utcnow
from core.models import ChannelIdentity
from core.models.enums import Platform
from core.notifications import enqueue
from core.people import register_stakeholder


class Killed(BaseException):
    """What SIGKILL does to a pass: nothing after it runs (not an Exception to handle)."""


class Platformish:
    platform = Platform.telegram

    def __init__(self, kill_after: int | None = None) -> None:
        self.sent: Counter[str] = Counter()
        self.kill_after = kill_after

    async def deliver(self, recipient, replies, progress=None) -> None:  # type: ignore[no-untyped-def]
        await asyncio.sleep(0)
        self.sent[f"{recipient.chat_id}:{replies[0].text}"] += 1
        if self.kill_after is not None and sum(self.sent.values()) >= self.kill_after:
            raise Killed  # the platform got it; the worker dies before writing so


class Clock:
    def __init__(self) -> None:
        self.ahead = timedelta(0)

    def __call__(self):  # type: ignore[no-untyped-def]
        return utcnow() + self.ahead


def resent() -> float:
    return NOTIFICATIONS.labels("telegram", "resent_after_crash")._value.get()


async def test_a_killed_worker_resends_at_most_one_notice_per_chat(db, vocab) -> None:
    chats = 8
    with db.write() as s:
        for n in range(chats):
            person = register_stakeholder(s, name=f"Person {n}", organisation_id=None, roles=())
            s.add(
                ChannelIdentity(
                    stakeholder_id=person.id,
                    platform="telegram",
                    external_user_id=str(8000 + n),
                    chat_id=str(8000 + n),
                )
            )
            s.flush()
            for k in range(3):  # three notices to each chat (paced at one a second)
                enqueue(s, person.id, "role_request", f"k{n}:{k}", {"name": f"notice {n}.{k}"})
    clock = Clock()
    dying = Platformish(kill_after=13)
    before = resent()
    try:
        await Dispatcher(db, vocab, [dying], clock=clock).run_once()
    except* Killed:
        pass
    clock.ahead = timedelta(minutes=5)  # the dead worker's lease runs out
    survivor = Platformish()
    dispatcher = Dispatcher(db, vocab, [survivor], clock=clock)
    while (await dispatcher.run_once()).sent:
        pass
    delivered = dying.sent + survivor.sent
    assert len(delivered) == chats * 3  # every notice arrived
    twice = [key for key, times in delivered.items() if times > 1]
    by_chat = Counter(key.split(":")[0] for key in twice)
    assert all(n <= 1 for n in by_chat.values()), by_chat  # at most the one in flight per chat
    assert len(twice) <= chats
    assert resent() - before == len(twice)  # and each is counted
