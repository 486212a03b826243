"""Every request body held to a size, around the whole web app so that no route can forget it.

A body whose Content-Length is over the limit is refused with 413 before one byte of it is
read. One with no Content-Length (chunked), or one that sends more than it declared, is
counted as the app reads it, and cut off with 413 the moment it passes the limit: the app
never holds more than the limit, whatever the client sends. The refusal closes the
connection, as the rest of the body is not worth reading."""

from __future__ import annotations

import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)

TOO_LARGE = 413
_REFUSAL: Message = {
    "type": "http.response.start",
    "status": TOO_LARGE,
    "headers": [(b"content-length", b"0"), (b"connection", b"close")],
}
_DISCONNECT: Message = {"type": "http.disconnect"}


class BodyLimit:
    """ASGI middleware: bodies over `max_bytes` get 413."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _declared_length(scope)
        if declared is not None and declared > self.max_bytes:
            _log_refusal(scope, f"declares {declared} bytes")
            await _refuse(send)
            return
        guard = _Guard(scope, receive, send, self.max_bytes)
        try:
            await self.app(scope, guard.receive, guard.send)
        except Exception:
            # The app was told the client left mid-body, and may have failed on that: the
            # client has its 413 already, and there is nothing more to say.
            if not guard.cut_off:
                raise


class _Guard:
    """The app's receive and send for one request: counts the body, cuts it off."""

    def __init__(self, scope: Scope, receive: Receive, send: Send, max_bytes: int) -> None:
        self.scope, self._receive, self._send = scope, receive, send
        self.max_bytes = max_bytes
        self.received = 0
        self.started = False  # the app's response has begun: too late for a 413
        self.cut_off = False

    async def receive(self) -> Message:
        if self.cut_off:
            return _DISCONNECT
        message = await self._receive()
        if message["type"] == "http.request":
            self.received += len(message.get("body", b""))
            if self.received > self.max_bytes:
                await self._cut_off()
                return _DISCONNECT  # what it read so far is all it will ever get
        return message

    async def send(self, message: Message) -> None:
        if self.cut_off:
            return  # the 413 is the answer; the app's own, if any, is dropped
        if message["type"] == "http.response.start":
            self.started = True
        await self._send(message)

    async def _cut_off(self) -> None:
        self.cut_off = True
        _log_refusal(self.scope, f"streamed over {self.max_bytes} bytes")
        if not self.started:
            await _refuse(self._send)
        # Otherwise the app answered before reading its body whole; its response ends
        # unfinished, and the server closes the connection.


def _declared_length(scope: Scope) -> int | None:
    """The Content-Length, if there is one that reads as a number: anything else is left
    to the count while streaming (the server refuses malformed framing itself)."""
    for name, value in scope.get("headers", []):
        if name.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _refuse(send: Send) -> None:
    await send(_REFUSAL)
    await send({"type": "http.response.body", "body": b""})


def _log_refusal(scope: Scope, why: str) -> None:
    log.warning(
        "refused %s %s with %d: its body %s", scope.get("method"), scope.get("path"), TOO_LARGE, why
    )
