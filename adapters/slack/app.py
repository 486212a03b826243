"""Slack on slack-bolt's AsyncApp: the /partners slash command (every command of the
registry as `/partners <command> [args]`), direct messages, buttons, modals built from the
dialog declarations, and the App Home. Every handler acknowledges first and works after:
Slack wants an answer within three seconds.

Identities carry the workspace (team) id. A repeated event_id (Slack retries a slow event)
has no second effect, and publishes no App Home."""

from __future__ import annotations

import asyncio
import logging
import re
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.channel import post_reply
from adapters.slack.render import (
    FORM_PREFIX,
    form_context,
    form_view,
    home_view,
    messages,
    submitted,
)
from bot.chatbot import ChatBot
from bot.commands import Registry, parse_command_text
from bot.i18n import N_, Tr
from bot.messages import FormInput, Inbound, Outcome, Reply, Sender
from core.models.enums import Platform, Role

log = logging.getLogger(__name__)

FORM_CHECK_SECONDS = 2.0  # Slack closes a modal as failed after 3 s without an answer
KNOWN_PEOPLE = 10_000  # names and locales from users.info kept in memory, newest first


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
        self._people: OrderedDict[tuple[str, str], tuple[str | None, str | None]] = OrderedDict()

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
        direct = _is_direct(body.get("channel_id", ""), body.get("channel_name"))
        sender = await self._sender(
            body["team_id"],
            body["user_id"],
            body.get("user_name"),
            chat=body.get("channel_id") if direct else None,  # else the DM, by the user's id
        )
        name, args = parse_command_text(body.get("text") or "help", slash=False) or ("help", "")
        trigger = body.get("trigger_id")
        inbound = Inbound(sender, command=name, args=args, forms=bool(trigger))
        outcome = await self.chatbot.serve(inbound, in_thread=True)
        if not direct:
            await self._note_in_channel(body, outcome)
        await self._finish(sender, outcome, trigger=trigger)

    async def on_message(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        if event.get("channel_type") != "im" or event.get("bot_id") or event.get("subtype"):
            return
        sender = await self._sender(body.get("team_id", ""), event["user"], chat=event["channel"])
        text = (event.get("text") or "").strip()
        update_id = body.get("event_id")
        # Event ids are unique to the app and the workspace they were delivered to.
        receiver = f"{body.get('api_app_id', '')}:{sender.workspace}"
        command = parse_command_text(text)  # Slack itself never delivers "/…" to a DM
        inbound = (
            Inbound(
                sender, command=command[0], args=command[1], update_id=update_id, receiver=receiver
            )
            if command
            else Inbound(sender, text=text, update_id=update_id, receiver=receiver)
        )
        await self._finish(sender, await self.chatbot.serve(inbound, in_thread=True))

    async def on_button(self, ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        user = body["user"]
        channel = (body.get("channel") or {}).get("id") or user["id"]
        team = body["team"]["id"] if body.get("team") else user.get("team_id", "")
        sender = await self._sender(team, user["id"], user.get("username"), chat=channel)
        trigger = body.get("trigger_id")
        inbound = Inbound(sender, action=action.get("value", ""), forms=bool(trigger))
        outcome = await self.chatbot.serve(inbound, in_thread=True)
        container = body.get("container") or {}
        # A button on the App Home is answered in the direct messages, never by an edit.
        edit_ts = None if container.get("type") == "view" else container.get("message_ts")
        await self._finish(sender, outcome, trigger=trigger, edit_ts=edit_ts, channel=channel)

    async def on_form(self, ack: Any, body: dict[str, Any], view: dict[str, Any]) -> None:
        """Checked first without saving (a read, which never waits for a writer), so errors
        show on the form; acknowledged within Slack's three seconds whatever the database
        is doing; then saved, and the dialog goes on in the direct messages."""
        name = view["callback_id"][len(FORM_PREFIX) :]
        user = body["user"]
        team = user.get("team_id") or body.get("team", {}).get("id", "")
        sender = await self._sender(team, user["id"], user.get("username"))
        values, context = submitted(view), form_context(view)
        checking = FormInput(name, values, check=True, context=context)
        check = self.chatbot.serve(Inbound(sender, form=checking))
        try:
            checked = await asyncio.wait_for(asyncio.shield(check), FORM_CHECK_SECONDS)
        except TimeoutError:
            checked = None  # slow today: the errors, if any, will come in the DM
        if checked is not None and checked.errors:
            await ack(response_action="errors", errors=checked.errors)
            return
        await ack()
        outcome = await self.chatbot.serve(
            Inbound(sender, form=FormInput(name, values, context=context)), in_thread=True
        )
        await self._finish(sender, outcome)  # errors found only now come as a DM

    async def on_home_opened(self, event: dict[str, Any], body: dict[str, Any]) -> None:
        if event.get("tab", "home") == "home":
            await self.publish_home(await self._sender(body.get("team_id", ""), event["user"]))

    async def on_other_event(self, ack: Any) -> None:
        await ack()

    # -- replies -----------------------------------------------------------------------------

    async def _finish(
        self,
        sender: Sender,
        outcome: Outcome,
        *,
        trigger: str | None = None,
        edit_ts: str | None = None,
        channel: str | None = None,
    ) -> None:
        """The form to open, or the replies; then the App Home, once, unless nothing
        happened (a repeated delivery)."""
        if outcome.duplicate:
            return
        if outcome.form is not None and trigger:
            await self.client.views_open(trigger_id=trigger, view=form_view(outcome.form))
        await self._answer(sender, outcome.replies, edit_ts=edit_ts, channel=channel)
        await self.publish_home(sender)

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

    async def publish_home(self, sender: Sender) -> None:
        """The App Home as it is now. A home that cannot be published is not worth failing a
        reply for."""
        outcome = await self.chatbot.serve(Inbound(sender, home=True), in_thread=True)
        try:
            await self.client.views_publish(user_id=sender.user_id, view=home_view(outcome.replies))
        except SlackApiError as error:
            log.warning("could not publish the App Home: %s", error.response.get("error"))

    async def _note_in_channel(self, body: dict[str, Any], outcome: Outcome) -> None:
        """A slash command typed in a channel is answered in the DM; the channel is told so,
        where only the person sees it."""
        tr = Tr(outcome.language or self.chatbot.default_language)
        try:
            await self.client.chat_postEphemeral(
                channel=body["channel_id"],
                user=body["user_id"],
                text=tr.s(N_("I answered you in a direct message.")),
            )
        except SlackApiError as error:  # not in that channel: the DM is answer enough
            log.info("could not leave a note in a channel: %s", error.response.get("error"))

    async def _sender(
        self, team: str, user: str, name: str | None = None, chat: str | None = None
    ) -> Sender:
        real_name, locale = await self._profile(team, user)
        return Sender(
            platform=Platform.slack,
            user_id=user,
            chat_id=chat or user,
            workspace=team or "",
            handle=f"@{name}" if name else None,
            display_name=real_name or name,
            language_hint=locale,
        )

    async def _profile(self, team: str, user: str) -> tuple[str | None, str | None]:
        """The person's real (or display) name and locale from users.info, asked once per
        process: the name the introduction suggests, the language it starts in."""
        key = (team, user)
        if key in self._people:
            self._people.move_to_end(key)
            return self._people[key]
        try:
            found = (await self.client.users_info(user=user, include_locale=True)).get("user")
        except SlackApiError as error:  # remembered too: no second try for this process
            log.info("users.info failed: %s", error.response.get("error"))
            found = None
        found = found or {}
        profile = found.get("profile") or {}
        name = profile.get("real_name") or found.get("real_name") or profile.get("display_name")
        self._people[key] = (name or None, found.get("locale"))
        if len(self._people) > KNOWN_PEOPLE:
            self._people.popitem(last=False)
        return self._people[key]


def usage_hint(commands: Registry) -> str:
    """The slash command's usage hint in manifest.yml: every listed command (a test keeps the
    manifest in step with the registry)."""
    return " | ".join(c.name for c in commands.listed(frozenset(Role)))


def _is_direct(channel_id: str, channel_name: str | None) -> bool:
    return channel_name == "directmessage" or channel_id.startswith("D")
