"""Delivering the outbox. Notices are rows written with the change that caused them; this
dispatcher claims the due ones, renders each in its recipient's language, and hands it to the
channel of the recipient's platform, within that platform's rate limits.

A claim is a lease: the row's next attempt moves past the lease before anything is sent, and
the claim is committed. A dispatcher that dies after the commit leaves the row to be retried
when the lease ends, so nothing is lost; two dispatchers never hold the same row (on
PostgreSQL they claim with FOR UPDATE SKIP LOCKED), so no notice is sent twice by them."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from sqlmodel import Session, col, select

from bot.i18n import Tr
from bot.messages import Progress, Reply
from bot.metrics import NOTIFICATIONS
from bot.notices import render_notice
from bot.pace import Limits, Pace
from core.clock import utcnow
from core.models import ChannelIdentity, Notification, Stakeholder
from core.models.enums import NotificationStatus, Platform
from core.storage import Database
from core.vocabularies import Vocabularies

log = logging.getLogger(__name__)


class DeliveryError(Exception):
    pass


class Transient(DeliveryError):
    """Try again later (network trouble, a rate limit); `retry_after` in seconds if known."""

    def __init__(
        self, message: str, retry_after: float | None = None, *, ambiguous: bool = False
    ) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        # The platform may have received it (the answer, not the request, was lost): the
        # retry may be a duplicate, and is counted as one.
        self.ambiguous = ambiguous


class Permanent(DeliveryError):
    """The person cannot be reached on this account (blocked the bot, deleted)."""


class NotHere(DeliveryError):
    """This channel cannot reach the person just now (a console user who is not chatting)."""


IN_FLIGHT = "in flight"  # a notice being sent: no outcome yet


@dataclass(frozen=True)
class Recipient:
    stakeholder_id: int
    identity_id: int
    platform: Platform
    workspace: str
    user_id: str
    chat_id: str
    language: str

    @property
    def chat_key(self) -> str:
        return f"{self.platform}:{self.workspace}:{self.chat_id}"


class Channel(Protocol):
    platform: Platform

    async def deliver(
        self, recipient: Recipient, replies: list[Reply], progress: Progress | None = None
    ) -> None: ...


# At most this many notices to one chat in a pass: at one a second, well inside the lease;
# the rest wait for the next pass.
PER_CHAT = 30

DEFAULT_LIMITS = {
    Platform.telegram: Limits(per_second=30, per_chat_interval=1.0),
    Platform.slack: Limits(per_second=20, per_chat_interval=1.0),
    Platform.console: Limits(per_second=1000, per_chat_interval=0.0),
}


@dataclass
class Claimed:
    notification_id: int
    attempt: int
    recipient: Recipient
    replies: list[Reply]


@dataclass
class Stats:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    deferred: int = 0
    errors: list[str] = field(default_factory=list)


class Dispatcher:
    def __init__(
        self,
        db: Database,
        vocab: Vocabularies,
        channels: list[Channel],
        *,
        lease: timedelta = timedelta(minutes=2),
        max_attempts: int = 8,
        limits: dict[Platform, Limits] | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.db = db
        self.vocab = vocab
        self.channels = {channel.platform: channel for channel in channels}
        self.lease = lease
        self.max_attempts = max_attempts
        self.limits = {**DEFAULT_LIMITS, **(limits or {})}
        self.clock = clock
        self._paces: dict[Platform, Pace] = {}
        # Notices that went out part-way, by id: their retry sends only the rest, if it goes
        # to the same account with the same text. Kept in memory: after a crash part-way, the
        # whole notice goes again (an ambiguous case).
        self._progress: dict[int, tuple[int, Progress]] = {}
        self._claiming: asyncio.Future[list[Claimed]] | None = None  # the next pass's batch

    # -- one pass ----------------------------------------------------------------------------

    async def run_once(self, batch: int = 200, *, ahead: bool = False) -> Stats:
        claiming, self._claiming = self._claiming, None
        claimed = await (claiming or asyncio.to_thread(self._claim, batch))
        stats = Stats()
        by_chat: dict[str, list[Claimed]] = defaultdict(list)
        for item in claimed:
            by_chat[item.recipient.chat_key].append(item)
        # A full batch: more are due, claimed while its last quarter goes out (no idle gap),
        # when a next pass will come for them (`ahead`: run_forever).
        countdown = [batch * 3 // 4 if ahead and len(claimed) == batch else -1]

        async def one_chat(items: list[Claimed]) -> None:
            await asyncio.to_thread(self._record, [], stats, items[0])
            for index, item in enumerate(items):
                error = await self._send(item)
                countdown[0] -= 1
                if countdown[0] == 0:
                    self._claiming = asyncio.ensure_future(asyncio.to_thread(self._claim, batch))
                # Written as soon as the platform answered, with the next one marked in
                # flight, before it goes: a worker killed now resends at most the one notice
                # it had in flight for this chat, and the next worker knows which it was.
                following = items[index + 1] if index + 1 < len(items) else None
                await asyncio.to_thread(self._record, [(item, error)], stats, following)

        await asyncio.gather(*(one_chat(items[:PER_CHAT]) for items in by_chat.values()))
        # Beyond PER_CHAT for one chat: handed back untried, for the next pass.
        later = [(i, NotHere("next pass")) for items in by_chat.values() for i in items[PER_CHAT:]]
        if later:
            await asyncio.to_thread(self._record, later, stats)
        return stats

    async def run_forever(self, stop: asyncio.Event, idle: float = 1.0) -> None:
        while not stop.is_set():
            try:
                stats = await self.run_once(ahead=True)
            except Exception:  # the loop must outlive a bad pass; the next pass retries
                log.exception("outbox pass failed")
                stats = Stats()
            if not (stats.sent or stats.retried or stats.failed):
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), idle)
        if self._claiming is not None:  # claimed for a pass that will not come: handed back
            unsent = [(item, NotHere("stopped")) for item in await self._claiming]
            await asyncio.to_thread(self._record, unsent, Stats())

    async def _send(self, item: Claimed) -> DeliveryError | None:
        platform = item.recipient.platform
        pace = self._paces.get(platform)
        if pace is None or pace.loop is not asyncio.get_running_loop():  # a pass per asyncio.run
            pace = Pace(self.limits[platform], lambda: self.clock().timestamp())
            self._paces[platform] = pace
        await pace.wait(item.recipient.chat_key)
        progress = self._progress_of(item)
        try:
            await self.channels[platform].deliver(item.recipient, item.replies, progress)
        except Transient as error:
            if error.retry_after:
                pace.blocked_until = self.clock().timestamp() + error.retry_after
            self._keep_progress(item, progress)
            return error
        except DeliveryError as error:
            return error
        except Exception as error:  # an unknown failure is treated as passing trouble
            log.exception("delivery of notice %s failed", item.notification_id)
            self._keep_progress(item, progress)
            return Transient(f"{type(error).__name__}: {error}")
        return None

    def _progress_of(self, item: Claimed) -> Progress:
        """Where an earlier attempt of this notice stopped, if it was to the same account
        with the same text (a notice is rendered again for every attempt)."""
        target, progress = self._progress.pop(item.notification_id, (None, None))
        if progress is None or target != _target(item):
            return Progress()
        return progress

    def _keep_progress(self, item: Claimed, progress: Progress) -> None:
        if progress.sent:  # nothing went out: nothing to remember
            self._progress[item.notification_id] = (_target(item), progress)

    # -- the database side -------------------------------------------------------------------

    def _claim(self, batch: int) -> list[Claimed]:
        now = self.clock()
        claimed: list[Claimed] = []
        with self.db.write() as session:
            query = (
                select(Notification)
                .where(
                    Notification.status == NotificationStatus.pending,
                    col(Notification.next_attempt_at) <= now,
                )
                .order_by(col(Notification.next_attempt_at), col(Notification.id))
                .limit(batch)
            )
            if not self.db.is_sqlite:
                query = query.with_for_update(skip_locked=True)
            for row in session.exec(query).all():
                recipient = self._recipient(
                    session, row.stakeholder_id, row.payload.get("to_identity")
                )
                if recipient is None:
                    row.status = NotificationStatus.failed
                    row.last_error = "no reachable account"
                    continue
                if recipient.platform not in self.channels:
                    # Another process serves that platform: let the rows behind this one
                    # come first here, so none of them waits behind it.
                    row.next_attempt_at = now + timedelta(seconds=30)
                    continue
                if row.last_error == IN_FLIGHT:
                    # Its worker died while sending it: it may have reached the person.
                    NOTIFICATIONS.labels(str(recipient.platform), "resent_after_crash").inc()
                row.attempts += 1
                row.platform = recipient.platform
                row.next_attempt_at = now + self.lease
                replies = render_notice(session, self.vocab, Tr(recipient.language), row)
                if not replies:  # no longer true (a reminder for a period since reported)
                    row.status = NotificationStatus.dropped
                    row.last_error = "no longer current"
                    continue
                assert row.id is not None
                claimed.append(Claimed(row.id, row.attempts, recipient, replies))
        return claimed

    def _recipient(
        self, session: Session, stakeholder_id: int, identity_id: int | None = None
    ) -> Recipient | None:
        """The account to write to: the one the notice names (news of another account must
        reach the old one), else the person's chosen platform if reachable, else the one
        they used last."""
        person = session.get(Stakeholder, stakeholder_id)
        if person is None:
            return None
        identities = session.exec(
            select(ChannelIdentity)
            .where(
                ChannelIdentity.stakeholder_id == stakeholder_id,
                col(ChannelIdentity.unreachable_at).is_(None),
            )
            .order_by(col(ChannelIdentity.id).desc())
        ).all()
        named = [i for i in identities if identity_id is not None and i.id == identity_id]
        preferred = [i for i in identities if i.platform == person.preferred_platform]
        identity = (named or preferred or list(identities) or [None])[0]
        if identity is None or identity.id is None:
            return None
        return Recipient(
            stakeholder_id=stakeholder_id,
            identity_id=identity.id,
            platform=Platform(identity.platform),
            workspace=identity.workspace,
            user_id=identity.external_user_id,
            chat_id=identity.chat_id or identity.external_user_id,
            language=person.language,
        )

    def _record(
        self,
        outcomes: list[tuple[Claimed, DeliveryError | None]],
        stats: Stats,
        in_flight: Claimed | None = None,
    ) -> None:
        if not outcomes and in_flight is None:
            return
        now = self.clock()
        with self.db.write() as session:
            if in_flight is not None:
                sending = session.get(Notification, in_flight.notification_id)
                if sending is not None and sending.attempts == in_flight.attempt:
                    sending.last_error = IN_FLIGHT
            for item, error in outcomes:
                outcome = "sent" if error is None else type(error).__name__.lower()
                if isinstance(error, Transient) and error.ambiguous:
                    outcome = "ambiguous"
                NOTIFICATIONS.labels(str(item.recipient.platform), outcome).inc()
                row = session.get(Notification, item.notification_id)
                if row is None or row.attempts != item.attempt:
                    self._progress.pop(item.notification_id, None)
                    continue  # the lease ran out and another pass took it over
                if error is None:
                    row.status, row.sent_at, row.last_error = NotificationStatus.sent, now, None
                    stats.sent += 1
                elif isinstance(error, NotHere):
                    row.attempts -= 1
                    row.next_attempt_at = now
                    stats.deferred += 1
                elif isinstance(error, Permanent):
                    # That account is gone for us; the next pass tries the person's other
                    # accounts, or gives up when there is none.
                    identity = session.get(ChannelIdentity, item.recipient.identity_id)
                    if identity is not None:
                        identity.unreachable_at = now
                    row.last_error, row.next_attempt_at = str(error)[:500], now
                    stats.failed += 1
                elif row.attempts >= self.max_attempts:
                    row.status, row.last_error = NotificationStatus.failed, str(error)[:500]
                    self._progress.pop(item.notification_id, None)
                    stats.failed += 1
                else:
                    assert isinstance(error, Transient)
                    row.last_error = str(error)[:500]
                    row.next_attempt_at = now + self._backoff(row.attempts, error.retry_after)
                    stats.retried += 1

    @staticmethod
    def _backoff(attempts: int, retry_after: float | None) -> timedelta:
        return timedelta(
            seconds=max(min(2**attempts, 3600) * random.uniform(0.8, 1.2), retry_after or 0)
        )


def _target(item: Claimed) -> int:
    return hash((item.recipient.identity_id, tuple(str(reply.text) for reply in item.replies)))
