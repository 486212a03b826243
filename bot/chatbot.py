"""The conversation entry point shared by every adapter: one inbound in, an outcome out.

Every surface, and every kind of inbound (a message, a button, a form opened, checked or
submitted, the home screen), goes through `respond`: the duplicate-delivery receipt, the
retries when the database is briefly out of reach, the metrics and the polite reply on an
unexpected error are here once. Everything an inbound changes is committed in one
transaction, so a crash between two messages loses nothing and the next message resumes the
dialog where it was. `serve` is the same for an event loop: it runs the work where it will
not hold the loop up (bot/units.py)."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session

from bot.commands import REGISTRY, Registry
from bot.dialogs.engine import Ctx
from bot.dispatch import Dispatch
from bot.errors import GENERIC, UNSAVED
from bot.i18n import Tr, supported
from bot.messages import Inbound, Outcome, Reply, Sender
from bot.metrics import STEP_SECONDS, UPDATES
from bot.outbox import Channel, Dispatcher
from bot.settings import Settings
from bot.speaker import load_speaker
from bot.units import run_unit
from core.clock import utcnow
from core.models import Conversation, InboundReceipt, Stakeholder
from core.storage import Database, WouldWait, insert_or_ignore, may_take_long
from core.vocabularies import Vocabularies

log = logging.getLogger(__name__)
SEEN_EVERY = timedelta(minutes=5)
KEY_LENGTH = 200  # InboundReceipt.key's column


class ChatBot(Dispatch):
    def __init__(
        self,
        db: Database,
        vocab: Vocabularies,
        settings: Settings | None = None,
        clock: Callable[[], datetime] = utcnow,
        commands: Registry = REGISTRY,
    ) -> None:
        self.db = db
        self.clock = clock
        self.vocab = vocab
        self.settings = settings if settings is not None else Settings()
        self.default_language = self.settings.default_language
        self.commands = commands
        super().__init__()

    def dispatcher(self, channels: list[Channel]) -> Dispatcher:
        """The outbox's dispatcher for these channels, on this bot's database."""
        return Dispatcher(self.db, self.vocab, channels)

    # -- the entry point ---------------------------------------------------------------------

    def handle(self, inbound: Inbound) -> list[Reply]:
        """The replies alone, for surfaces that show nothing else (the terminal, tests)."""
        return self.respond(inbound).replies

    async def serve(self, inbound: Inbound, *, in_thread: bool = False) -> Outcome:
        """`respond` from an event loop: on the loop's thread when SQLite's writer is free
        and the work is quick, in a worker thread otherwise, or always with `in_thread`
        (Slack, whose acknowledgement must never wait)."""
        if in_thread:
            return await asyncio.to_thread(self.respond, inbound)
        return await run_unit(self.db, self.respond, inbound)

    def respond(self, inbound: Inbound) -> Outcome:
        platform = str(inbound.sender.platform)
        started = time.perf_counter()
        try:
            outcome = self._with_retries(inbound)
        except WouldWait:
            raise  # nothing happened: the caller runs it again where it may wait (units.py)
        except Unwritable as refused:
            # Not a passing fault: trying again cannot help. Said once, and honestly.
            log.error("the database refuses to write: %s", refused)
            language = supported(inbound.sender.language_hint)
            outcome = Outcome([Reply(Tr(language)(UNSAVED))])
        except Exception:
            # Unexpected: log it, and tell the person politely; the last committed answer
            # stands, so they can simply try again.
            log.exception("failed to handle a message from %s", inbound.sender.platform)
            outcome = Outcome([Reply(Tr(supported(inbound.sender.language_hint))(GENERIC))])
        UPDATES.labels(platform).inc()
        STEP_SECONDS.labels(platform).observe(time.perf_counter() - started)
        return outcome

    def _with_retries(self, inbound: Inbound, attempts: int = 4) -> Outcome:
        """The database briefly out of reach (a restart, a fail-over) costs a short wait, not
        the message: the whole exchange is retried, and it either happens once or not at all.
        Checking a form saves nothing, so it reads only: it never waits for a writer."""
        checking = inbound.form is not None and inbound.form.check
        for attempt in range(attempts):
            try:
                with self.db.read() if checking else self.db.write() as session:
                    return self._respond(session, inbound)
            except sa.exc.OperationalError as error:
                if unwritable(error):
                    raise Unwritable(str(error.orig or error).splitlines()[0]) from error
                may_take_long()  # waiting to try again is slow: not on the event loop
                if attempt == attempts - 1:
                    raise
                log.warning("database unreachable, trying again (%d)", attempt + 1)
                time.sleep(0.2 * 2**attempt)
        raise AssertionError("unreachable")

    def _respond(self, session: Session, inbound: Inbound) -> Outcome:
        sender = inbound.sender
        if inbound.update_id and not first_delivery(
            session, sender, inbound.update_id, inbound.receiver
        ):
            log.info("ignored a repeated delivery %s from %s", inbound.update_id, sender.platform)
            return Outcome(duplicate=True)
        ctx, conv = self._context(session, sender, seen=not (inbound.form and inbound.form.check))
        outcome = self.dispatch(ctx, conv, inbound)
        outcome.roles = frozenset(str(r) for r in ctx.actor.roles) if ctx.actor else frozenset()
        outcome.language = ctx.tr.language
        return outcome

    def _context(
        self, session: Session, sender: Sender, *, seen: bool = True
    ) -> tuple[Ctx, Conversation | None]:
        """Who is speaking, in which language, and the dialog they are in, if any."""
        speaker = load_speaker(session, sender)
        person = speaker.person
        if (
            seen
            and person is not None
            and (person.last_seen_at is None or utcnow() - person.last_seen_at > SEEN_EVERY)
        ):
            person.last_seen_at = utcnow()  # to the minute is enough: one write less a message
        conv = speaker.conversation
        ctx = Ctx(
            session=session,
            vocab=self.vocab,
            tr=Tr(self._language(person, conv, sender.language_hint)),
            identity=speaker.identity,
            person=person,
            actor=speaker.actor,
            settings=self.settings,
            clock=self.clock,
        )
        return ctx, conv

    def _language(
        self, person: Stakeholder | None, conv: Conversation | None, hint: str | None
    ) -> str:
        if person is not None:
            return person.language
        if conv is not None and conv.answers.get("language"):
            return str(conv.answers["language"])
        return supported(hint, self.default_language)


class Unwritable(Exception):
    """The database refuses every write (read-only, or its disk is full)."""


def unwritable(error: sa.exc.OperationalError) -> bool:
    """SQLite's and PostgreSQL's ways of saying that no write can succeed now."""
    text = str(error.orig or error).lower()
    return any(
        words in text
        for words in (
            "readonly database",
            "read-only",
            "disk is full",
            "no space left",
            "could not extend file",
            "disk i/o error",
        )
    )


def first_delivery(session: Session, sender: Sender, update_id: str, receiver: str = "") -> bool:
    """Records a platform delivery; False if it was handled before (a retry, a duplicate).
    Update ids are unique only to the bot or app that received them (a new Telegram token
    starts again at 1), so the key names the receiver; without one (the terminal), the
    workspace, as before. core.receipts prunes receipts once no retry can come."""
    key = f"{sender.platform}:{receiver or sender.workspace}:{update_id}"
    if len(key) > KEY_LENGTH:  # still one key per delivery, within the column
        key = f"{sender.platform}:sha256:{hashlib.sha256(key.encode()).hexdigest()}"
    values = {"key": key, "received_at": utcnow()}
    return insert_or_ignore(session, InboundReceipt, values, ["key"]) is not None
