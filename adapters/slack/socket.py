"""Slack's Socket Mode: the app connects out to Slack with an app-level token, so no public
endpoint is needed."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp


@contextlib.asynccontextmanager
async def socket_mode(app: AsyncApp, app_token: str) -> AsyncIterator[None]:
    handler = AsyncSocketModeHandler(app, app_token)
    await handler.connect_async()
    try:
        yield
    finally:
        await handler.close_async()
