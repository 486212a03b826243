"""The outbox channel for Slack: a direct message with chat.postMessage, files with
files_upload_v2, and Slack's errors read as the dispatcher understands them."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.render import escape, messages
from bot.messages import Progress, Reply
from bot.outbox import Permanent, Recipient, Transient
from core.models.enums import Platform

log = logging.getLogger(__name__)

GONE = {
    "user_not_found",
    "account_inactive",
    "user_disabled",
    "channel_not_found",
    "is_archived",
    "cannot_dm_bot",
    "not_in_channel",
}


class SlackChannel:
    platform = Platform.slack

    def __init__(
        self,
        client: AsyncWebClient,
        after_delivery: Callable[[Recipient], Awaitable[None]] | None = None,
    ) -> None:
        self.client = client
        self.after_delivery = after_delivery

    async def deliver(
        self, recipient: Recipient, replies: list[Reply], progress: Progress | None = None
    ) -> None:
        progress = progress or Progress()
        progress.attempt()
        try:
            for reply in replies:
                await self._send(recipient, reply, progress)
        except SlackApiError as error:
            code = error.response.get("error", "")
            if error.response.status_code == 429:
                wait = float(error.response.headers.get("Retry-After", 1))
                raise Transient("Slack asked to slow down", retry_after=wait) from error
            if code in GONE:
                raise Permanent(code) from error
            raise Transient(code or str(error)) from error
        if self.after_delivery is not None:
            try:
                await self.after_delivery(recipient)
            except Exception:  # delivered already: a home not refreshed is no reason to resend
                log.warning("could not refresh the App Home after a delivery", exc_info=True)

    async def _send(self, recipient: Recipient, reply: Reply, progress: Progress) -> None:
        await post_reply(self.client, recipient.user_id, reply, progress=progress)


async def post_reply(
    client: AsyncWebClient,
    user_id: str,
    reply: Reply,
    channel: str | None = None,
    progress: Progress | None = None,
) -> None:
    """A reply in the person's direct messages: a file upload (charts, exports) with the text
    as its comment, or messages of blocks (several for a long one). With a progress, the
    messages that went out in an earlier attempt are not sent again."""
    progress = progress or Progress()
    attachment = reply.attachment
    if attachment is not None:
        if not progress.pending():
            return
        opened = await client.conversations_open(users=user_id)
        await client.files_upload_v2(
            channel=opened["channel"]["id"],
            file=str(attachment.path),
            filename=attachment.filename,
            title=attachment.filename,
            initial_comment=escape(str(reply.text))[:3000],
        )
        progress.done()
        return
    for payload in messages([reply]):
        if progress.pending():
            await client.chat_postMessage(channel=channel or user_id, **payload)
            progress.done()
