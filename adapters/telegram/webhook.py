"""Telegram's webhook behind our own web server (PTB's "custom webhook" pattern). A request
without the secret token we registered is refused with 403 and never processed; one whose body
is not an update (not JSON, not an object, nested past the recursion limit) gets 400 and one
log line."""

from __future__ import annotations

import hmac
import json
import logging

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from telegram import Update
from telegram.ext import Application

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def webhook_route(path: str, application: Application, secret: str) -> Route:
    if not secret:
        raise ValueError("a Telegram webhook needs a secret token")

    async def receive(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            return Response(status_code=403)
        try:
            update = _update(await request.body(), application)
        except _MALFORMED as error:
            log.warning("refused a malformed Telegram update with 400: %s", _reason(error))
            return Response(status_code=400)
        await application.update_queue.put(update)
        return Response(status_code=200)

    return Route(path, receive, methods=["POST"])


# What a body of the wrong shape raises: JSON and UTF-8 errors are ValueErrors; a list, a
# string or an object without update_id fails in PTB's de_json on .get(), .copy() or __init__.
_MALFORMED = (ValueError, RecursionError, AttributeError, TypeError, KeyError, IndexError)


def _update(body: bytes, application: Application) -> Update:
    data = json.loads(body)
    if not isinstance(data, dict):
        raise TypeError(f"the body is a {type(data).__name__}, not an object")
    return Update.de_json(data, application.bot)


def _reason(error: BaseException) -> str:
    """One short line: the error's own text can quote the body."""
    text = str(error).splitlines()[0] if str(error) else ""
    return f"{type(error).__name__}: {text[:120]}"
