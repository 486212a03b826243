"""Which worker runs the sweeps. With several workers on PostgreSQL, one holds a session
advisory lock on a dedicated connection and sweeps; when it dies its connection closes, the
lock is released, and another worker takes it at its next tick. On SQLite there is one
process, and it always leads. (Two leaders for a moment would still send nothing twice:
every notice has a unique key.)"""

from __future__ import annotations

import contextlib
import logging

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from core.storage import Database

log = logging.getLogger(__name__)
LOCK_KEY = 0x50424F54  # "PBOT"


class Leadership:
    def __init__(self, db: Database, key: int = LOCK_KEY) -> None:
        self.db = db
        self.key = key
        self._connection: Connection | None = None
        self.leading = db.is_sqlite

    def check(self) -> bool:
        """True while this worker leads; tries to become the leader when it does not."""
        if self.db.is_sqlite:
            return True
        try:
            if self._connection is None:
                self._connection = self.db.engine.connect().execution_options(
                    isolation_level="AUTOCOMMIT"
                )
            if self.leading:
                self._connection.execute(sa.text("SELECT 1"))  # still holding it?
                return True
            got = self._connection.execute(
                sa.select(sa.func.pg_try_advisory_lock(self.key))
            ).scalar()
            if got:
                log.info("this worker now runs the sweeps")
            self.leading = bool(got)
        except sa.exc.DBAPIError:
            log.warning("lost the database connection that held the sweep lock")
            self.release()
        return self.leading

    def release(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(sa.exc.DBAPIError):
                self._connection.close()
        self._connection = None
        self.leading = self.db.is_sqlite
