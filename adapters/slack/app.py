"""Slack on slack-bolt's AsyncApp: the /partners slash command, direct messages, buttons,
modals built from the dialog declarations, and the App Home. Every handler acknowledges
first and works after: Slack wants an answer within three seconds.

Identities carry the workspace (team) id. A repeated event_id (Slack retries a slow event)
has no second effect: the chat bot records each delivery with its effects."""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.channel import post_reply
from adapters.slack.render import FORM_PREFIX, form_view, home_view, messages, submitted
from bot.chatbot import ChatBot
from bot.i18n import N_, Tr
from bot.messages import Inbound, Reply, Sender
from core.models.enums import Platform

log = logging.getLogger(__name__)

FORMS = ("need", "offer", "report")
SUBCOMMANDS = (
    "need",
    "offer",
    "mine",
    "search",
    "matches",
    "report",
    "gaps",
    "help",
    "link",
    "profile",
    "language",
    "cancel",
    "start",
)


@dataclass(frozen=True)
class SlackConfig:
    bot_token: str
    signing_secret: str
    api_url: str | None = None
    app_token: str | None = None  # Socket Mode


def web_client(config: SlackConfig) -> AsyncWebClient:
    """Built once and injected into the app, so every call (say() included) goes to the
    configured Web API."""
    if config.api_url:
        return AsyncWebClient(token=config.bot_token, base_url=config.api_url)
    return AsyncWebClient(token=config.bot_token)


def build_app(
    config: SlackConfig, chatbot: ChatBot, client: AsyncWebClient | None = None
) -> AsyncApp:
    client = client or web_client(config)
    app = AsyncApp(
        client=client, signing_secret=config.signing_secret, process_before_response=False
    )
    SlackAdapter(chatbot, client).register(app)
    return app


class SlackAdapter:
    def __init__(self, chatbot: ChatBot, client: AsyncWebClient) -> None:
        self.chatbot = chatbot
        self.client = client

    def register(self, app: AsyncApp) -> None:
        app.command("/partners")(self.on_command)
        app.event("message")(self.on_message)
        app.event("app_home_opened")(self.on_home_opened)
        app.action(re.compile(r"^pb\d+$"))(self.on_button)
        app.view(re.compile(f"^{re.escape(FORM_PREFIX)}"))(self.on_form)
        # Subscribed events we do not act on still get a 200, never a 404.
        app.event(re.compile(".*"))(self.on_other_event)

    # -- handlers ----------------------------------------------------------------------------

    async def on_command(self, ack: Any, body: dict[str, Any]) -> None:
        await ack()
        sender = self._sender(body["team_id"], body["user_id"], body.get("user_name"))
        name, _, args = (body.get("text") or "").strip().partition(" ")
        name = name.lower() or "help"
        if name in ("need", "offer") and body.get("trigger_id"):
            await self._open_form(sender, name, body["trigger_id"])
            return
        if name not in SUBCOMMANDS:
            args, name = "", "help"
        inbound = Inbound(sender, command=name, args=args.strip())
        await self._answer(sender, await asyncio.to_thread(self.chatbot.handle, inbound))

    async def on_message(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        if event.get("channel_type") != "im" or event.get("bot_id") or event.get("subtype"):
            return
        sender = self._sender(body.get("team_id", ""), event["user"], chat=event["channel"])
        text = (event.get("text") or "").strip()
        command = None
        if text.startswith("/"):
            command, _, args = text[1:].partition(" ")
        inbound = (
            Inbound(
                sender, command=command.lower(), args=args.strip(), update_id=body.get("event_id")
            )
            if command
            else Inbound(sender, text=text, update_id=body.get("event_id"))
        )
        await self._answer(sender, await asyncio.to_thread(self.chatbot.handle, inbound))

    async def on_button(self, ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        user = body["user"]
        channel = (body.get("channel") or {}).get("id") or user["id"]
        sender = self._sender(
            body["team"]["id"] if body.get("team") else user.get("team_id", ""),
            user["id"],
            user.get("username"),
            chat=channel,
        )
        inbound = Inbound(sender, action=action.get("value", ""))
        replies = await asyncio.to_thread(self.chatbot.handle, inbound)
        message_ts = (body.get("container") or {}).get("message_ts")
        if body.get("container", {}).get("type") == "view":
            message_ts = None  # a button on the App Home: answer in the direct messages
        await self._answer(sender, replies, edit_ts=message_ts, channel=channel)

    async def on_form(self, ack: Any, body: dict[str, Any], view: dict[str, Any]) -> None:
        name = view["callback_id"][len(FORM_PREFIX) :]
        user = body["user"]
        sender = self._sender(
            user.get("team_id") or body.get("team", {}).get("id", ""),
            user["id"],
            user.get("username"),
        )
        errors, replies = await asyncio.to_thread(
            self.chatbot.submit_form, sender, name, submitted(view)
        )
        if errors:
            await ack(response_action="errors", errors=errors)
            return
        await ack()
        await self._answer(sender, replies)

    async def on_home_opened(self, event: dict[str, Any], body: dict[str, Any]) -> None:
        if event.get("tab", "home") == "home":
            await self.publish_home(self._sender(body.get("team_id", ""), event["user"]))

    async def on_other_event(self, ack: Any) -> None:
        await ack()

    # -- replies -----------------------------------------------------------------------------

    async def _open_form(self, sender: Sender, name: str, trigger_id: str) -> None:
        fields, title, replies = await asyncio.to_thread(self.chatbot.open_form, sender, name)
        if not fields:
            await self._answer(sender, replies)
            return
        tr = Tr(sender.language_hint or self.chatbot.default_language)
        view = form_view(name, title, fields, tr.s(N_("Next")), tr.s(N_("✖ Cancel")))
        await self.client.views_open(trigger_id=trigger_id, view=view)

    async def _answer(
        self,
        sender: Sender,
        replies: list[Reply],
        *,
        edit_ts: str | None = None,
        channel: str | None = None,
    ) -> None:
        target = channel or sender.chat_id
        try:
            for reply in replies:
                if reply.edit and edit_ts and reply.attachment is None:
                    [payload, *_] = messages([reply])
                    await self.client.chat_update(channel=target, ts=edit_ts, **payload)
                else:
                    await post_reply(self.client, sender.user_id, reply, channel=target)
        finally:
            for reply in replies:
                if reply.attachment is not None:
                    reply.attachment.discard()  # sent or failed, it is never sent again
        await self.publish_home(sender)

    async def publish_home(self, sender: Sender) -> None:
        """Re-published after each exchange, so it shows the listings and matches as they
        are now. A home that cannot be published is not worth failing a reply for."""
        replies = await asyncio.to_thread(self.chatbot.home, sender)
        try:
            await self.client.views_publish(user_id=sender.user_id, view=home_view(replies))
        except SlackApiError as error:
            log.warning("could not publish the App Home: %s", error.response.get("error"))

    @staticmethod
    def _sender(team: str, user: str, name: str | None = None, chat: str | None = None) -> Sender:
        return Sender(
            platform=Platform.slack,
            user_id=user,
            chat_id=chat or user,
            workspace=team or "",
            handle=f"@{name}" if name else None,
            display_name=name,
        )
