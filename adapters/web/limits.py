"""Requests per client on the API and the feeds: a token bucket per client address, in this
process's memory only. An address is never stored as such, never logged, never written
anywhere: a bucket is keyed by a keyed hash of it (the key is drawn at start-up and dies with
the process), and the number of buckets is bounded, the ones that have filled up again
forgotten first."""

from __future__ import annotations

import hashlib
import ipaddress
import math
import secrets
import threading
import time
from collections.abc import Callable

MAX_CLIENTS = 50_000  # buckets kept at most; beyond it the least recently seen go first


class RateLimiter:
    """`per_minute` requests a minute per client, in bursts of up to as many."""

    def __init__(
        self,
        per_minute: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_clients: int = MAX_CLIENTS,
    ) -> None:
        if per_minute < 1:
            raise ValueError("a rate limit allows at least one request a minute")
        self.per_minute = per_minute
        self._capacity = float(per_minute)
        self._per_second = per_minute / 60.0
        self._clock = clock
        self._max_clients = max_clients
        self._secret = secrets.token_bytes(16)
        self._lock = threading.Lock()
        # key -> (tokens left, when counted); in the order the clients were last seen
        self._buckets: dict[bytes, tuple[float, float]] = {}

    def take(self, address: str | None) -> int:
        """Takes one request from this client's bucket: 0 when it may go ahead, else the
        whole seconds to wait before the next one would be allowed (for Retry-After)."""
        key = self._key(address)
        with self._lock:
            now = self._clock()
            tokens, at = self._buckets.pop(key, (self._capacity, now))
            tokens = min(self._capacity, tokens + max(0.0, now - at) * self._per_second)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                self._forget_some(now)
                return 0
            self._buckets[key] = (tokens, now)
            return max(1, math.ceil((1.0 - tokens) / self._per_second))

    def clients(self) -> int:
        """How many buckets are held (for tests: memory stays bounded)."""
        with self._lock:
            return len(self._buckets)

    def _key(self, address: str | None) -> bytes:
        return hashlib.blake2b(
            client_of(address).encode(), key=self._secret, digest_size=16
        ).digest()

    def _forget_some(self, now: float) -> None:
        """Over the bound, drops the clients seen least recently: first the ones whose
        bucket is full again (forgetting them changes nothing), then any."""
        if len(self._buckets) <= self._max_clients:
            return
        # Down to nine tenths, so that the sweep is paid once per many new clients.
        keep = max(1, self._max_clients * 9 // 10)
        full = [
            key
            for key, (tokens, at) in self._buckets.items()
            if tokens + (now - at) * self._per_second >= self._capacity
        ]
        for key in full[: len(self._buckets) - keep]:
            del self._buckets[key]
        while len(self._buckets) > keep:
            del self._buckets[next(iter(self._buckets))]


def client_of(address: str | None) -> str:
    """Who a request comes from, for the limit: an IPv4 address, or an IPv6 address's /64
    (one home or one machine holds a whole /64, and could otherwise take a fresh address for
    every request). Anything else (a Unix socket, a test client) is taken as it is."""
    if not address:
        return "-"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False).network_address) + "/64"
    return str(ip)


def limiter(rate_limit: int | RateLimiter) -> RateLimiter:
    """A limiter from a number of requests a minute, or the one given, so that the API and the
    feeds can share one budget per client."""
    return rate_limit if isinstance(rate_limit, RateLimiter) else RateLimiter(rate_limit)


__all__ = ["RateLimiter", "client_of", "limiter"]
