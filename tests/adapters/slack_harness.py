"""Signed Slack requests into Bolt's real dispatch, through our web endpoint, with the Web
API answered by a local server."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import httpx
from slack_sdk.signature import SignatureVerifier

from tests.adapters.fake_slack_api import FakeSlackApi

if TYPE_CHECKING:
    from bot.chatbot import ChatBot

SECRET = "slack-signing-secret-for-tests"
PATH = "/slack/events"


@contextlib.asynccontextmanager
async def slack_workspace(chatbot: ChatBot) -> AsyncIterator[SlackClient]:
    """The app behind our web endpoint, with its Web API on a local server, and Slack's side
    of the conversation."""
    from starlette.applications import Starlette

    from adapters.slack.app import SlackConfig, build_app
    from adapters.slack.http import slack_route

    with FakeSlackApi() as api:
        config = SlackConfig(bot_token="xoxb-test", signing_secret=SECRET, api_url=api.url)
        web = Starlette(routes=[slack_route(PATH, build_app(config, chatbot))])
        transport = httpx.ASGITransport(app=web)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
            client = SlackClient(http, api)
            client.chatbot = chatbot
            yield client


class SlackClient:
    """Slack's side of the conversation for one workspace."""

    def __init__(self, http: httpx.AsyncClient, api: FakeSlackApi, team: str = "T1") -> None:
        self.http, self.api, self.team = http, api, team
        self.chatbot: ChatBot | None = None
        self._events = itertools.count(1)

    async def post(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: int | None = None,
        secret: str = SECRET,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        ts = str(int(time.time()) if timestamp is None else timestamp)
        signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
        return await self.http.post(
            PATH,
            content=body,
            headers={
                "Content-Type": content_type,
                "X-Slack-Request-Timestamp": ts,
                "X-Slack-Signature": signature,
                **(headers or {}),
            },
        )

    async def command(
        self,
        user: str,
        text: str,
        *,
        channel: str | None = None,
        trigger: bool = True,
        **kw: Any,
    ) -> httpx.Response:
        """`/partners <text>`, typed in the app's direct messages unless a channel is given."""
        fields = {
            "command": "/partners",
            "text": text,
            "team_id": self.team,
            "user_id": user,
            "user_name": user.lower(),
            "channel_id": channel or f"D{user}",
            "channel_name": "general" if channel else "directmessage",
            "response_url": "https://hooks.invalid/response",
        }
        if trigger:
            fields["trigger_id"] = f"trig-{user}"
        return await self.post(urlencode(fields), "application/x-www-form-urlencoded", **kw)

    def event_body(self, event: dict[str, Any], event_id: str | None = None) -> str:
        return json.dumps(
            {
                "token": "legacy",
                "team_id": self.team,
                "api_app_id": "A1",
                "type": "event_callback",
                "event_id": event_id or f"Ev{next(self._events)}",
                "event_time": int(time.time()),
                "event": event,
            }
        )

    async def event(
        self, event: dict[str, Any], event_id: str | None = None, **kw: Any
    ) -> httpx.Response:
        return await self.post(self.event_body(event, event_id), "application/json", **kw)

    async def dm(self, user: str, text: str) -> httpx.Response:
        # Slack takes a message that starts with "/" for a slash command: it never arrives.
        assert not text.startswith("/"), "Slack does not deliver this; use slash()"
        return await self.event(
            {
                "type": "message",
                "channel_type": "im",
                "user": user,
                "channel": f"D{user}",
                "text": text,
                "ts": f"{time.time()}",
            }
        )

    async def interact(self, payload: dict[str, Any], **kw: Any) -> httpx.Response:
        body = urlencode({"payload": json.dumps(payload)})
        return await self.post(body, "application/x-www-form-urlencoded", **kw)

    async def click(self, user: str, value: str, *, on_home: bool = False) -> httpx.Response:
        container = (
            {"type": "view", "view_id": "VH"}
            if on_home
            else {"type": "message", "message_ts": "1.2", "channel_id": f"D{user}"}
        )
        return await self.interact(
            {
                "type": "block_actions",
                "team": {"id": self.team},
                "api_app_id": "A1",
                "user": {"id": user, "username": user.lower(), "team_id": self.team},
                "channel": {"id": f"D{user}"},
                "container": container,
                "trigger_id": "trig",
                "token": "legacy",
                "actions": [
                    {
                        "action_id": "pb0",
                        "block_id": "b",
                        "type": "button",
                        "value": value,
                        "action_ts": f"{time.time()}",
                    }
                ],
            }
        )

    async def submit(
        self, user: str, form: str, values: dict[str, Any], private_metadata: str = ""
    ) -> httpx.Response:
        state = {name: {"value": element} for name, element in values.items()}
        return await self.interact(
            {
                "type": "view_submission",
                "team": {"id": self.team},
                "api_app_id": "A1",
                "user": {"id": user, "username": user.lower(), "team_id": self.team},
                "token": "legacy",
                "trigger_id": "trig",
                "view": {
                    "id": "V1",
                    "type": "modal",
                    "callback_id": f"pb_form:{form}",
                    "private_metadata": private_metadata,
                    "hash": "h",
                    "state": {"values": state},
                },
            }
        )

    def button(self, label: str) -> str:
        for params in reversed(self.api.named("chat.postMessage") + self.api.named("chat.update")):
            for block in params.get("blocks") or []:
                for element in block.get("elements", []):
                    if element.get("type") == "button" and label in element["text"]["text"]:
                        return element["value"]
        raise AssertionError(f"no button {label!r}")

    async def tap(self, user: str, label: str) -> None:
        await self.press(user, self.button(label))

    async def press(self, user: str, value: str, *, on_home: bool = False) -> None:
        """Clicks a button and waits for all that follows it (the App Home comes last)."""
        self.api.clear()
        await self.click(user, value, on_home=on_home)
        await settle(self.api)

    async def slash(self, user: str, text: str, **kw: Any) -> None:
        """`/partners <text>` and all that follows it."""
        self.api.clear()
        await self.command(user, text, **kw)
        await settle(self.api)

    async def say(self, user: str, text: str) -> None:
        self.api.clear()
        await self.dm(user, text)
        await settle(self.api)


async def introduce(
    slack: SlackClient,
    user: str,
    organisation: str,
    kind: str,
    country: str,
    role: str,
    *,
    name: str | None = None,
) -> None:
    """The introduction in the direct messages, on UTC, sharing nothing with partners."""
    await slack.say(user, "hello")
    await slack.tap(user, "English")
    await slack.say(user, name or f"{user} Tester")
    await slack.say(user, organisation)
    await slack.tap(user, kind)
    await slack.say(user, country)
    await slack.tap(user, role)
    await slack.tap(user, "UTC")
    await slack.tap(user, "Skip")  # how partners may reach them: nothing shared
    await slack.tap(user, "Save")
    assert "you are registered" in slack.api.texts()


async def settle(api: FakeSlackApi, method: str = "views.publish", timeout: float = 5.0) -> None:
    """Waits for the work Bolt does after the ack: a reply ends with the Home re-published."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if api.named(method):
            await asyncio.sleep(0.01)
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"no {method} call within {timeout}s: {[m for m, _ in api.calls]}")


def select(value: str) -> dict[str, Any]:
    return {"type": "static_select", "selected_option": {"value": value}}


def checks(*values: str) -> dict[str, Any]:
    return {"type": "checkboxes", "selected_options": [{"value": v} for v in values]}


def typed(text: str | None) -> dict[str, Any]:
    return {"type": "plain_text_input", "value": text}


def date(day: str | None) -> dict[str, Any]:
    return {"type": "datepicker", "selected_date": day}
