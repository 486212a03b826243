"""Slack's events, commands and interactivity on one endpoint of our own web server. Bolt
checks the signing secret and the timestamp of every request before anything runs.

Bolt parses the body before it checks the signature, and fails on one it cannot parse (not
UTF-8, not JSON where JSON is due, nested past the recursion limit, not an object): such a
body, signed or not, is answered 400 here with one log line, and never reaches Bolt."""

from __future__ import annotations

import logging

from slack_bolt.adapter.starlette.async_handler import to_async_bolt_request, to_starlette_response
from slack_bolt.async_app import AsyncApp, AsyncBoltRequest
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

log = logging.getLogger(__name__)

# What Bolt's parsing raises on a body of the wrong shape: JSON and UTF-8 errors are
# ValueErrors; a list or a string where an object is due fails on the first .get() or `in`.
_MALFORMED = (ValueError, RecursionError, AttributeError, TypeError, KeyError, IndexError)


def slack_route(path: str, app: AsyncApp) -> Route:
    async def receive(request: Request) -> Response:
        body = await request.body()
        try:
            bolt_request = _bolt_request(request, body)
        except _MALFORMED as error:
            log.warning("refused a malformed Slack request with 400: %s", _reason(error))
            return Response(status_code=400)
        return to_starlette_response(await app.async_dispatch(bolt_request))

    return Route(path, receive, methods=["POST"])


def _bolt_request(request: Request, body: bytes) -> AsyncBoltRequest:
    """Bolt's own request, parsed as Bolt parses it; raises if the body is malformed."""
    bolt_request = to_async_bolt_request(request, body)
    if not isinstance(bolt_request.body, dict):
        raise TypeError(f"the body is a {type(bolt_request.body).__name__}, not an object")
    return bolt_request


def _reason(error: BaseException) -> str:
    """One short line: the error's own text can quote the body."""
    text = str(error).splitlines()[0] if str(error) else ""
    return f"{type(error).__name__}: {text[:120]}"
