"""Slack's events, commands and interactivity on one endpoint of our own web server. Bolt
checks the signing secret and the timestamp of every request before anything runs."""

from __future__ import annotations

from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


def slack_route(path: str, app: AsyncApp) -> Route:
    handler = AsyncSlackRequestHandler(app)

    async def receive(request: Request) -> Response:
        return await handler.handle(request)

    return Route(path, receive, methods=["POST"])
