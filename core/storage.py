"""The database: SQLite by default, PostgreSQL in production, the same code for both.

SQLite is set up so that many writers queue instead of failing: WAL lets readers go on while
one writes, a busy timeout makes a writer wait for the lock, and write transactions begin
IMMEDIATE so the lock is taken up front (a deferred transaction that later needs to write
can fail with "database is locked" however long the timeout is)."""

from __future__ import annotations

import contextlib
import functools
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, SQLModel

BUSY_TIMEOUT_S = 30.0
MAX_ID = 2**31 - 1  # ids are INTEGER columns: PostgreSQL's int4 holds no more
_READ_ONLY = "partnerbot_read_only"
_NO_WAITING: ContextVar[bool] = ContextVar("partnerbot_no_waiting", default=False)


class WouldWait(Exception):
    """A unit of work that was asked not to wait would have: another process holds SQLite's
    write lock, or slow work lies ahead. Raised before anything is committed, so the caller
    can run the unit again where waiting is fine (a worker thread)."""


@contextmanager
def no_waiting() -> Iterator[None]:
    """Units of work started inside fail with WouldWait rather than wait (the event loop's
    thread must not block)."""
    token = _NO_WAITING.set(True)
    try:
        yield
    finally:
        _NO_WAITING.reset(token)


def may_take_long() -> None:
    """Said before slow work (a chart, an export): a unit that must not wait stops here."""
    if _NO_WAITING.get():
        raise WouldWait("slow work ahead")


def possible_id(value: int) -> bool:
    """Whether a row could have this id. A typed id beyond an INTEGER column's range names
    nothing, and PostgreSQL would refuse to even compare it ("integer out of range")."""
    return 0 < value <= MAX_ID


def normalise_url(url: str) -> str:
    """Plain postgresql:// URLs are served by psycopg 3, the driver we ship."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: sa.Connection) -> None:
        mode = "DEFERRED" if connection.get_execution_options().get(_READ_ONLY) else "IMMEDIATE"
        no_wait = _NO_WAITING.get()
        if connection.info.get(_NO_WAITING.name, False) != no_wait:
            timeout = 0 if no_wait else int(BUSY_TIMEOUT_S * 1000)
            connection.exec_driver_sql(f"PRAGMA busy_timeout={timeout}")
            connection.info[_NO_WAITING.name] = no_wait
        try:
            connection.exec_driver_sql(f"BEGIN {mode}")
        except sa.exc.OperationalError as error:
            if no_wait and "locked" in str(error):
                raise WouldWait("another process is writing") from error
            raise


def create_engine(url: str, **kwargs: Any) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {})
        kwargs["connect_args"].setdefault("timeout", BUSY_TIMEOUT_S)
        kwargs["connect_args"].setdefault("check_same_thread", False)
        engine = sa.create_engine(url, **kwargs)
        _configure_sqlite(engine)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return sa.create_engine(url, **kwargs)


def insert_or_ignore(
    session: Session, model: type[SQLModel], values: dict[str, Any], unique: list[str]
) -> int | None:
    """Inserts a row unless one with the same unique key exists; the new id, or None.
    One statement, so two writers racing for the same key cannot both win."""
    dialect = session.get_bind().dialect.name
    statement = _insert_or_ignore_statement(dialect, model, tuple(unique))
    # Flushed first, as the row may refer to rows still pending; then run on the session's
    # connection, as the ORM's execution path costs more than the insert itself.
    session.flush()
    return session.connection().execute(statement, values).scalar_one_or_none()


@functools.cache
def _insert_or_ignore_statement(
    dialect: str, model: type[SQLModel], unique: tuple[str, ...]
) -> Any:
    # Built once and given its values at execution: building and hashing the statement anew
    # cost more than running it (this runs for every inbound message).
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = model.__table__  # type: ignore[attr-defined]
    return insert(table).on_conflict_do_nothing(index_elements=list(unique)).returning(table.c.id)


_FILE_LOCKS: dict[str, threading.RLock] = {}


def _lock_for(path: str) -> threading.RLock:
    """One lock per database file in this process (re-entrant: a write inside a write)."""
    return _FILE_LOCKS.setdefault(os.path.abspath(path), threading.RLock())


class Database:
    """Hands out units of work. `write()` commits on success and rolls back on error;
    `read()` never takes SQLite's write lock."""

    def __init__(self, engine: Engine, engine_options: dict[str, Any] | None = None) -> None:
        self.engine = engine
        self._reader = engine.execution_options(**{_READ_ONLY: True})
        self._engine_options = engine_options or {}
        self._writer_lock = (
            _lock_for(engine.url.database or "") if engine.dialect.name == "sqlite" else None
        )

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> Database:
        return cls(create_engine(url, **kwargs), kwargs)

    def reopen(self) -> Database:
        """The same database through a new engine and pool, as another process would see it."""
        url = self.engine.url.render_as_string(hide_password=False)
        return Database.from_url(url, **self._engine_options)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def write(self) -> Iterator[Session]:
        # SQLite has one writer at a time. Threads of this process queue on a lock, which
        # wakes the next one at once; left to SQLite's busy handler, a waiting writer sleeps
        # in steps of up to 100 ms. Other processes still queue through the busy timeout.
        lock = self._writer_lock or contextlib.nullcontext()
        with lock, Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield session

    @contextmanager
    def writer_if_free(self) -> Iterator[bool]:
        """On SQLite, holds this process's writer lock if nobody does, and says whether it
        could; the writes made meanwhile on this thread take it again without waiting. The
        lock is re-entrant, so this relies on no coroutine holding a write across an await
        (every write is synchronous code): the loop's thread would find it free to itself."""
        lock = self._writer_lock
        if lock is None or not lock.acquire(blocking=False):
            yield False
            return
        try:
            yield True
        finally:
            lock.release()

    @contextmanager
    def read(self) -> Iterator[Session]:
        with Session(self._reader, expire_on_commit=False) as session, session.begin():
            yield session

    def ping(self) -> None:
        with self.read() as session:
            session.exec(sa.select(1))  # type: ignore[call-overload]

    def dispose(self) -> None:
        self.engine.dispose()
