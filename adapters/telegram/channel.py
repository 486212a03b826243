"""The outbox channel for Telegram: how Bot API errors read to the dispatcher."""

from __future__ import annotations

from typing import Any

from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from adapters.telegram.adapter import seconds, send_reply
from bot.messages import Progress, Reply
from bot.outbox import Permanent, Recipient, Transient
from core.models.enums import Platform

GONE = ("chat not found", "user is deactivated", "bot was blocked", "peer_id_invalid")


class TelegramChannel:
    platform = Platform.telegram

    def __init__(self, bot: Any) -> None:
        self.bot = bot

    async def deliver(
        self, recipient: Recipient, replies: list[Reply], progress: Progress | None = None
    ) -> None:
        progress = progress or Progress()
        progress.attempt()
        try:
            # An int chat id: PTB's rate limiter paces string ids as group chats.
            chat_id = int(recipient.chat_id)
            for reply in replies:
                await send_reply(self.bot, chat_id, reply, progress)
        except RetryAfter as error:
            wait = seconds(error.retry_after)
            raise Transient("Telegram asked to slow down", retry_after=wait) from error
        except Forbidden as error:  # blocked by the user, or the user is deactivated
            raise Permanent(str(error)) from error
        except BadRequest as error:
            if any(reason in str(error).lower() for reason in GONE):
                raise Permanent(str(error)) from error
            raise Transient(str(error)) from error
        except TimedOut as error:  # sent, perhaps: Telegram may have it already
            raise Transient(str(error), ambiguous=True) from error
        except NetworkError as error:
            raise Transient(str(error)) from error
