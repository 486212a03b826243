"""Figures that are costly to sum and change slowly (the counts, the gaps), kept for a while
in this process. A stale value is served while one thread refreshes it, so that no visitor
waits for the sums but the very first."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Kept(Generic[T]):
    def __init__(
        self,
        compute: Callable[[], T],
        seconds: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        spawn: Callable[[Callable[[], object]], None] | None = None,
    ) -> None:
        self._compute = compute
        self._seconds = seconds
        self._clock = clock
        self._spawn = spawn or _in_a_thread
        self._lock = threading.Lock()
        self._value: T | None = None
        self._at = 0.0
        self._has = False
        self._refreshing = False

    def get(self) -> T:
        if self._seconds <= 0:
            return self._compute()
        with self._lock:
            fresh = self._has and self._clock() - self._at < self._seconds
            if fresh or (self._has and self._refreshing):
                return self._value  # type: ignore[return-value]
            self._refreshing = True
            first, stale = not self._has, self._value
        if first:
            return self._refresh()
        self._spawn(self._refresh)
        return stale  # type: ignore[return-value]

    def _refresh(self) -> T:
        try:
            value = self._compute()
        except BaseException:
            with self._lock:
                self._refreshing = False
            raise
        with self._lock:
            self._value, self._at, self._has, self._refreshing = value, self._clock(), True, False
        return value


def _in_a_thread(work: Callable[[], object]) -> None:
    threading.Thread(target=work, daemon=True, name="web-figures").start()
