"""The pace of a platform's sends: at most so many messages in any second (a sliding window,
so a pause is made up within it), and a least gap within one chat."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """A platform's pace: messages a second overall, and the least gap within one chat."""

    per_second: float
    per_chat_interval: float


class Pace:
    """At most `per_second` messages in any second, and a least gap per chat."""

    def __init__(
        self,
        limits: Limits,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.limits = limits
        self._clock, self._sleep = clock or asyncio.get_running_loop().time, sleep
        count = max(1, int(limits.per_second))
        # A sliding window, so a pause between passes is made up within it (an even pace lost
        # it), a little over the platform's second (the even pace's 30 ms margin: its clock,
        # and when requests reach it, are not ours); catching up at twice the rate, not at once.
        self._window, self._least_gap = 1.03 * count / limits.per_second, 0.5 / limits.per_second
        self._sent: deque[float] = deque([-1e9], maxlen=count)  # as they went, not as planned
        self._last: dict[str, float] = {}
        self._lock = asyncio.Lock()  # fair: the sends go in the order they asked
        self.loop = asyncio.get_running_loop()  # the lock's: a new loop needs a new pace
        self.blocked_until = 0.0  # a platform-wide Retry-After

    async def wait(self, chat_key: str) -> None:
        """Waits its turn, then for room (held while sleeping: the next waits on this send)."""
        blocked = self.blocked_until  # one that comes later is for the sends asked later
        async with self._lock:
            now = self._clock()
            chat = self._last.get(chat_key, -1e9) + self.limits.per_chat_interval
            window = max(self._sent[0] + self._window, self._sent[-1] + self._least_gap)
            slot = max(now, blocked, chat, window)
            if slot > now:
                await self._sleep(slot - now)
                # When it woke, late or not (the one `count` on waits as long); never earlier.
                now = max(self._clock(), slot)
            self._sent.append(now)
            self._last[chat_key] = now
