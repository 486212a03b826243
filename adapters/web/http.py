"""What every answer of the web platform carries: security headers, and caching by a weak
ETag of the body, so that a browser or a feed reader that has the page gets a 304. Shared by
the pages, the feeds and the API."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# No inline script or style anywhere, so none is allowed; the pages are never framed.
CSP = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}
MAX_AGE = 60  # a listing withdrawn a minute ago may still show; then browsers ask again
VARY = "Accept-Language, Cookie"  # the language comes from either


def etag_of(body: bytes) -> str:
    """Weak: the same page compressed or not is the same page."""
    return 'W/"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


def matches(if_none_match: str | None, etag: str) -> bool:
    """Whether an If-None-Match header names this ETag (compared weakly, as RFC 9110 has
    it for If-None-Match)."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    wanted = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return etag.removeprefix("W/") in wanted


def cached(
    request: Request,
    body: bytes,
    media_type: str,
    *,
    status_code: int = 200,
    max_age: int = MAX_AGE,
    vary: str = VARY,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """The answer for this body: a 304 without it when the client has it already."""
    etag = etag_of(body)
    common = {
        **SECURITY_HEADERS,
        "ETag": etag,
        "Cache-Control": f"public, max-age={max_age}" if max_age else "no-cache",
        "Vary": vary,
        **(headers or {}),
    }
    if status_code == 200 and matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=common)
    return Response(body, status_code=status_code, media_type=media_type, headers=common)


def uncached(body: bytes, media_type: str, *, status_code: int) -> Response:
    """An answer nobody should keep: an error, a redirect."""
    headers = {**SECURITY_HEADERS, "Cache-Control": "no-store", "Vary": VARY}
    return Response(body, status_code=status_code, media_type=media_type, headers=headers)


class SecurityHeaders:
    """Adds the security headers to what an inner ASGI app answers (the static files)."""

    def __init__(self, app: ASGIApp, extra: Mapping[str, str] | None = None) -> None:
        self.app = app
        self.headers = [
            (name.lower().encode(), value.encode())
            for name, value in {**SECURITY_HEADERS, **(extra or {})}.items()
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name for name, _ in message.get("headers", [])}
                added = [(n, v) for n, v in self.headers if n not in present]
                message = {**message, "headers": [*message.get("headers", []), *added]}
            await send(message)

        await self.app(scope, receive, send_with_headers)
