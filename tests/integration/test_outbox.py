"""The outbox dispatcher against a channel that records what it is given (a fake platform,
not a mock of the dispatcher): delivery, crash and retry, duplicate keys, permanent failures,
rate limits and two dispatchers at once, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import heapq
import itertools
import random
from datetime import datetime, timedelta

import pytest
from sqlmodel import select

from bot.messages import Progress, Reply
from bot.outbox import Dispatcher, Limits, NotHere, Pace, Permanent, Recipient, Transient
from core.clock import utcnow
from core.models import ChannelIdentity, Notification
from core.models.enums import NotificationStatus, Platform
from core.notifications import enqueue
from core.people import register_stakeholder


class FakeChannel:
    """A platform that accepts messages, or fails the way it is told to."""

    def __init__(self, platform: Platform = Platform.telegram) -> None:
        self.platform = platform
        self.delivered: list[tuple[str, str]] = []
        self.failures: list[Exception] = []
        self.stamps: list[float] = []

    async def deliver(
        self, recipient: Recipient, replies: list[Reply], progress: Progress | None = None
    ) -> None:
        self.stamps.append(asyncio.get_running_loop().time())
        if self.failures:
            raise self.failures.pop(0)
        self.delivered.append((recipient.chat_id, str(replies[0].text)))


class Clock:
    """Real time, moved forward by the test."""

    def __init__(self) -> None:
        self.ahead = timedelta(0)

    def __call__(self) -> datetime:
        return utcnow() + self.ahead

    @property
    def now(self) -> datetime:
        return self()

    @now.setter
    def now(self, value: datetime) -> None:
        self.ahead += value - self()


FAST = {Platform.telegram: Limits(per_second=1000, per_chat_interval=0)}


def someone(db, name: str, *accounts: tuple[Platform, str]) -> int:
    with db.write() as s:
        person = register_stakeholder(s, name=name, organisation_id=None, roles=[])
        for platform, user in accounts:
            s.add(
                ChannelIdentity(
                    stakeholder_id=person.id, platform=platform, external_user_id=user, chat_id=user
                )
            )
        return person.id


def notify(db, stakeholder_id: int, key: str) -> bool:
    with db.write() as s:
        return enqueue(s, stakeholder_id, "role_request", key, {"name": key})


def rows(db) -> list[Notification]:
    with db.read() as s:
        return list(s.exec(select(Notification).order_by(Notification.id)))


@pytest.fixture
def clock() -> Clock:
    return Clock()


def dispatcher(db, vocab, channel, clock, **kwargs) -> Dispatcher:
    return Dispatcher(
        db, vocab, [channel], clock=clock, limits=kwargs.pop("limits", FAST), **kwargs
    )


async def test_a_notice_is_delivered_once(db, vocab, clock) -> None:
    ana = someone(db, "Ana", (Platform.telegram, "111"))
    assert notify(db, ana, "k1")
    channel = FakeChannel()
    out = dispatcher(db, vocab, channel, clock)
    stats = await out.run_once()
    again = await out.run_once()
    assert (stats.sent, again.sent) == (1, 0)
    assert channel.delivered == [("111", "k1 asks for the coordinator role.")]
    [row] = rows(db)
    assert row.status == NotificationStatus.sent and row.platform == Platform.telegram


async def test_the_same_key_is_written_once(db, vocab, clock) -> None:
    ana = someone(db, "Ana", (Platform.telegram, "111"))
    assert notify(db, ana, "same") and not notify(db, ana, "same")
    assert len(rows(db)) == 1


async def test_a_crash_after_the_claim_delivers_later_and_once(db, vocab, clock) -> None:
    ana = someone(db, "Ana", (Platform.telegram, "111"))
    notify(db, ana, "k1")
    channel = FakeChannel()
    crashed = dispatcher(db, vocab, channel, clock)
    claimed = crashed._claim(10)  # committed, then the process dies before sending
    assert len(claimed) == 1 and channel.delivered == []

    survivor = dispatcher(db, vocab, channel, clock)
    assert (await survivor.run_once()).sent == 0  # the lease still holds: no double send
    clock.now += timedelta(minutes=3)
    assert (await survivor.run_once()).sent == 1
    assert (await survivor.run_once()).sent == 0
    assert len(channel.delivered) == 1


async def test_a_late_result_from_an_expired_lease_is_ignored(db, vocab, clock) -> None:
    ana = someone(db, "Ana", (Platform.telegram, "111"))
    notify(db, ana, "k1")
    channel = FakeChannel()
    slow = dispatcher(db, vocab, channel, clock)
    first = slow._claim(10)
    clock.now += timedelta(minutes=3)
    fast = dispatcher(db, vocab, channel, clock)
    assert (await fast.run_once()).sent == 1
    from bot.outbox import Stats

    stats = Stats()
    slow._record([(first[0], Transient("timeout"))], stats)  # the first one finally gives up
    [row] = rows(db)
    assert row.status == NotificationStatus.sent and stats.retried == 0


async def test_transient_failures_back_off_and_honour_retry_after(db, vocab, clock) -> None:
    ana = someone(db, "Ana", (Platform.telegram, "111"))
    notify(db, ana, "k1")
    channel = FakeChannel()
    channel.failures = [Transient("flood", retry_after=30)]
    out = dispatcher(db, vocab, channel, clock)
    assert (await out.run_once()).retried == 1
    [row] = rows(db)
    assert row.next_attempt_at - clock.now >= timedelta(seconds=29)
    clock.now += timedelta(seconds=10)
    assert (await out.run_once()).sent == 0  # not before its Retry-After
    clock.now += timedelta(seconds=25)
    assert (await out.run_once()).sent == 1
    assert len(channel.delivered) == 1


async def test_too_many_transient_failures_end_in_failure(db, vocab, clock) -> None:
    ana = someone(db, "Ana", (Platform.telegram, "111"))
    notify(db, ana, "k1")
    channel = FakeChannel()
    channel.failures = [Transient("down")] * 3
    out = dispatcher(db, vocab, channel, clock, max_attempts=3)
    for _ in range(3):
        await out.run_once()
        clock.now += timedelta(hours=2)
    [row] = rows(db)
    assert row.status == NotificationStatus.failed and row.attempts == 3


async def test_a_blocked_account_stops_and_another_account_is_tried(db, vocab, clock) -> None:
    ana = someone(db, "Ana", (Platform.telegram, "111"), (Platform.telegram, "222"))
    bo = someone(db, "Bo", (Platform.telegram, "333"))
    notify(db, ana, "for-ana")
    notify(db, bo, "for-bo")
    channel = FakeChannel()
    out = dispatcher(db, vocab, channel, clock)
    channel.failures = [Permanent("bot was blocked by the user")]
    await out.run_once()
    await out.run_once()
    assert sorted(channel.delivered) == [
        ("111", "for-ana asks for the coordinator role."),
        ("333", "for-bo asks for the coordinator role."),
    ]
    with db.read() as s:
        blocked = s.exec(
            select(ChannelIdentity).where(ChannelIdentity.external_user_id == "222")
        ).one()
    assert blocked.unreachable_at is not None


async def test_a_recipient_with_no_reachable_account_is_not_retried(db, vocab, clock) -> None:
    ana = someone(db, "Ana", (Platform.telegram, "111"))
    notify(db, ana, "k1")
    channel = FakeChannel()
    channel.failures = [Permanent("user is deactivated")]
    out = dispatcher(db, vocab, channel, clock)
    await out.run_once()
    await out.run_once()
    await out.run_once()
    [row] = rows(db)
    assert row.status == NotificationStatus.failed and len(channel.stamps) == 1


async def test_a_channel_that_cannot_reach_someone_now_keeps_the_notice(db, vocab, clock):
    ana = someone(db, "Ana", (Platform.console, "ana"))
    notify(db, ana, "k1")

    class Away(FakeChannel):
        async def deliver(self, recipient, replies, progress=None):
            raise NotHere("not at the terminal")

    out = dispatcher(db, vocab, Away(Platform.console), clock)
    assert (await out.run_once()).deferred == 1
    [row] = rows(db)
    assert row.status == NotificationStatus.pending and row.attempts == 0


async def test_notices_for_other_platforms_are_left_alone(db, vocab, clock) -> None:
    ana = someone(db, "Ana", (Platform.slack, "U1"))
    notify(db, ana, "k1")
    out = dispatcher(db, vocab, FakeChannel(Platform.telegram), clock)
    assert (await out.run_once()).sent == 0
    [row] = rows(db)
    assert row.status == NotificationStatus.pending and row.attempts == 0


async def test_two_dispatchers_never_send_the_same_notice(db, vocab, clock) -> None:
    people = [someone(db, f"P{n}", (Platform.telegram, str(n))) for n in range(30)]
    for n, person_id in enumerate(people):
        notify(db, person_id, f"k{n}")
    channel = FakeChannel()
    first = dispatcher(db, vocab, channel, clock)
    second = dispatcher(db, vocab, channel, clock)
    await asyncio.gather(first.run_once(batch=20), second.run_once(batch=20))
    await first.run_once()
    assert len(channel.delivered) == 30 == len(set(channel.delivered))


async def test_the_pace_keeps_one_chat_to_its_interval() -> None:
    pace = Pace(Limits(per_second=1000, per_chat_interval=0.05))
    loop = asyncio.get_running_loop()
    stamps = []
    for _ in range(4):
        await pace.wait("chat")
        stamps.append(loop.time())
    gaps = [b - a for a, b in itertools.pairwise(stamps)]
    assert min(gaps) >= 0.045


async def test_the_pace_caps_the_overall_rate() -> None:
    pace = Pace(Limits(per_second=50, per_chat_interval=0))
    loop = asyncio.get_running_loop()
    start = loop.time()
    for n in range(100):  # the first 50 fill the window, the next 50 wait for it to pass
        await pace.wait(f"chat{n}")
    assert loop.time() - start >= 0.9


class VirtualTime:
    """A clock that moves only when every task sleeps, to the earliest waking; which comes
    `late()` seconds after it was due, as on a busy event loop."""

    def __init__(self, late=lambda: 0.0) -> None:
        self.now = 0.0
        self.late = late
        self._sleepers: list = []
        self._order = itertools.count()

    def __call__(self) -> float:
        return self.now

    async def sleep(self, delay: float) -> None:
        woken = asyncio.get_running_loop().create_future()
        due = self.now + delay + self.late()
        heapq.heappush(self._sleepers, (due, next(self._order), woken))
        await woken

    async def run(self, *work) -> None:
        tasks = [asyncio.ensure_future(each) for each in work]
        while not all(task.done() for task in tasks):
            for _ in range(20):  # every task runs on until it sleeps (or waits its turn)
                await asyncio.sleep(0)
            if self._sleepers:
                self.now, _, woken = heapq.heappop(self._sleepers)
                woken.set_result(None)
        for task in tasks:
            task.result()


def paced(per_second: float, time: VirtualTime) -> Pace:
    return Pace(Limits(per_second, per_chat_interval=1.0), clock=time, sleep=time.sleep)


async def test_no_second_holds_more_than_the_cap_even_when_timers_wake_late() -> None:
    rng = random.Random(18)
    time = VirtualTime(late=lambda: rng.choice([0.0] * 9 + [0.002, 0.03, 0.08]))
    pace = paced(30, time)
    sent: list[tuple[float, str]] = []

    async def chat(key: str, messages: int) -> None:
        for _ in range(messages):
            await pace.wait(key)
            sent.append((time.now, key))

    # A pass: 300 chats of one notice, asked at once, and three chats of five.
    await time.run(*(chat(f"c{n}", 1) for n in range(300)), *(chat(f"x{n}", 5) for n in range(3)))
    stamps = [at for at, _ in sent]
    assert len(stamps) == 315 and stamps == sorted(stamps)
    assert min(b - a for a, b in zip(stamps, stamps[30:], strict=False)) >= 1.0
    for n in range(3):
        mine = [at for at, key in sent if key == f"x{n}"]
        assert min(b - a for a, b in itertools.pairwise(mine)) >= 1.0
    ones = [at for at, key in sent if key.startswith("c")]
    assert ones[-1] - ones[0] <= 300 / 30 * 1.03 + 1  # late wakes cost little


async def test_a_pause_between_passes_is_made_up_while_the_window_has_room() -> None:
    async def three_passes(pause: float) -> list[float]:
        time = VirtualTime()
        pace = paced(30, time)
        sent: list[float] = []

        async def one(key: str) -> None:
            await pace.wait(key)
            sent.append(time.now)

        async def passes() -> None:
            for n in range(3):  # three windows' worth each: the pause falls where there's room
                await asyncio.gather(*(one(f"{n}:{k}") for k in range(90)))
                await time.sleep(pause)  # claiming the next pass: nothing goes meanwhile

        await time.run(passes())
        assert min(b - a for a, b in zip(sent, sent[30:], strict=False)) >= 1.0
        return sent

    steady, paused = await three_passes(0.0), await three_passes(0.3)
    assert paused[-1] == pytest.approx(steady[-1])  # the two pauses cost nothing
    assert paused[-1] < 269 / 30 * 1.03  # where an even pace would be, without the pauses


async def test_the_next_batch_is_claimed_while_a_full_one_goes_out(db, vocab, clock) -> None:
    for n in range(12):
        notify(db, someone(db, f"P{n}", (Platform.telegram, str(n))), f"k{n}")
    channel = FakeChannel()
    out = dispatcher(db, vocab, channel, clock)
    assert (await out.run_once(batch=8, ahead=True)).sent == 8
    assert out._claiming is not None  # claimed during the pass, for the next
    assert (await out.run_once(batch=8, ahead=True)).sent == 4
    assert out._claiming is None  # not a full batch: nothing more was due
    assert len(channel.delivered) == 12 == len(set(channel.delivered))


async def test_a_single_pass_claims_nothing_ahead(db, vocab, clock) -> None:
    """A pass alone (the terminal chat's, a test's) leaves nothing leased behind it."""
    for n in range(12):
        notify(db, someone(db, f"P{n}", (Platform.telegram, str(n))), f"k{n}")
    out = dispatcher(db, vocab, FakeChannel(), clock)
    assert (await out.run_once(batch=8)).sent == 8
    assert out._claiming is None


async def test_a_batch_claimed_ahead_is_handed_back_on_stopping(db, vocab, clock) -> None:
    for n in range(12):
        notify(db, someone(db, f"P{n}", (Platform.telegram, str(n))), f"k{n}")
    out = dispatcher(db, vocab, FakeChannel(), clock)
    await out.run_once(batch=8, ahead=True)
    stop = asyncio.Event()
    stop.set()
    await out.run_forever(stop)  # stopped before another pass
    pending = [row for row in rows(db) if row.status == NotificationStatus.pending]
    assert len(pending) == 4 and {row.attempts for row in pending} == {0}


async def test_a_busy_chat_is_served_over_several_passes_each_notice_once(db, vocab, clock):
    ana = someone(db, "Ana", (Platform.telegram, "111"))
    for n in range(40):
        notify(db, ana, f"k{n}")
    channel = FakeChannel()
    out = dispatcher(db, vocab, channel, clock)
    first = await out.run_once()
    second = await out.run_once()
    assert (first.sent, second.sent) == (30, 10)
    assert len(channel.delivered) == 40 == len(set(channel.delivered))
    assert {row.attempts for row in rows(db)} == {1}  # the ones handed back were not counted


async def test_a_notice_that_went_out_part_way_is_finished_not_repeated(db, vocab, clock) -> None:
    class InTwoMessages(FakeChannel):
        """Sends every notice as two messages, like a long text on Telegram."""

        async def deliver(self, recipient, replies, progress=None) -> None:
            assert progress is not None
            progress.attempt()
            for part in ("first half", "second half"):
                if not progress.pending():
                    continue
                if part == "second half" and self.failures:
                    raise self.failures.pop(0)
                self.delivered.append((recipient.chat_id, part))
                progress.done()

    ana = someone(db, "Ana", (Platform.telegram, "111"))
    notify(db, ana, "k1")
    channel = InTwoMessages()
    channel.failures = [Transient("Telegram asked to slow down", retry_after=2)]
    out = dispatcher(db, vocab, channel, clock)
    assert (await out.run_once()).retried == 1
    clock.ahead += timedelta(seconds=3)
    assert (await out.run_once()).sent == 1
    assert channel.delivered == [("111", "first half"), ("111", "second half")]
