"""The web's page views, tallied in memory and added to the database now and then: a page
view costs no write, and a crash loses at most the last interval's counts."""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable, Mapping
from datetime import date, datetime

from core.clock import utcnow
from core.storage import Database
from core.visits import VisitKey, add_visits, visit_keys

log = logging.getLogger(__name__)


class VisitTally:
    def __init__(self, clock: Callable[[], datetime] = utcnow) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._counts: dict[date, Counter[VisitKey]] = {}

    def view(self, kind: str, filters: Mapping[str, str] | None = None) -> None:
        day = self.clock().date()
        with self._lock:
            self._counts.setdefault(day, Counter()).update(visit_keys(kind, filters or {}))

    def flush(self, db: Database) -> int:
        """Adds what was tallied to the database; kept for the next time if that fails."""
        with self._lock:
            counts, self._counts = self._counts, {}
        try:
            with db.write() as session:
                for day, tally in counts.items():
                    add_visits(session, day, tally)
        except Exception:
            log.warning("could not save the web's visit counts; kept for next time")
            with self._lock:
                for day, tally in counts.items():
                    self._counts.setdefault(day, Counter()).update(tally)
            raise
        return sum(sum(tally.values()) for tally in counts.values())
