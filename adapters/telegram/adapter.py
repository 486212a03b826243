"""Telegram on python-telegram-bot: updates become neutral inbound messages for the one
ChatBot every platform shares, and its replies are rendered back. No dialog logic lives here.

Private chats are the main surface. In a group the bot only answers commands addressed to
it, and moves the conversation to a private chat with a deep link."""

from __future__ import annotations

import asyncio
import html
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from telegram import (
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, RetryAfter, TelegramError
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes, TypeHandler
from telegram.request import BaseRequest

from adapters.telegram.render import MAX_CAPTION, keyboard, split_html, to_html
from bot.chatbot import ChatBot
from bot.commands import Registry, parse_command_text
from bot.i18n import LANGUAGES, N_, Tr
from bot.messages import FileRef, Inbound, Outcome, Progress, Reply, Sender
from core.models.enums import Platform, Role

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TelegramConfig:
    token: str
    base_url: str | None = None
    base_file_url: str | None = None
    webhook_secret: str | None = None


def build_application(
    config: TelegramConfig, chatbot: ChatBot, *, request: BaseRequest | None = None
) -> Application:
    builder = ApplicationBuilder().token(config.token)
    if config.base_url:
        builder = builder.base_url(config.base_url)
    if config.base_file_url:
        builder = builder.base_file_url(config.base_file_url)
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    # Every call is paced (30 messages a second overall, 20 a minute in a group). A RetryAfter
    # is not retried here: a reply waits it out once (send), the outbox reschedules the notice.
    builder = builder.rate_limiter(AIORateLimiter(max_retries=0))
    application = builder.build()
    application.add_handler(TypeHandler(Update, TelegramAdapter(chatbot).on_update))
    return application


class TelegramAdapter:
    def __init__(self, chatbot: ChatBot) -> None:
        self.chatbot = chatbot
        # The menu each privileged chat was given by this process: (roles, language).
        self._menus: dict[str, tuple[frozenset[Role], str]] = {}

    async def on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is not None:
            await query.answer()  # always, so the button stops spinning
        user = update.effective_user
        chat = update.effective_chat
        if user is None or chat is None or user.is_bot:
            return
        if chat.type != ChatType.PRIVATE:
            await self._in_group(update, context)
            return
        inbound = self.inbound(update, receiver_of(context.bot))
        if inbound is None:
            return
        outcome = await self.chatbot.serve(inbound)
        edited = query.message if query and isinstance(query.message, Message) else None
        await self.send(context.bot, chat.id, outcome.replies, edit=edited)
        await self._refresh_menu(context.bot, str(chat.id), outcome)

    async def _refresh_menu(self, bot: Any, chat_id: str, outcome: Outcome) -> None:
        """Coordinators and admins see their commands in their own chat's menu, set when
        their roles are first seen or change; everyone else keeps the default menu."""
        roles = frozenset(r for r in map(Role, outcome.roles) if r in PRIVILEGED)
        wanted = (roles, outcome.language)
        known = self._menus.get(chat_id)
        if known == wanted or (known is None and not roles):
            return
        self._menus[chat_id] = wanted
        scope = BotCommandScopeChat(chat_id)
        try:
            if roles:
                menu = command_menu(self.chatbot.commands, Tr(outcome.language), roles)
                await bot.set_my_commands(menu, scope=scope)
            else:
                await bot.delete_my_commands(scope=scope)
        except TelegramError as error:  # a menu is a nicety: the bot works without it
            log.warning("could not set a chat's commands menu: %s", error)

    def inbound(self, update: Update, receiver: str = "") -> Inbound | None:
        user, chat = update.effective_user, update.effective_chat
        assert user is not None and chat is not None
        sender = Sender(
            platform=Platform.telegram,
            user_id=str(user.id),
            chat_id=str(chat.id),
            handle=f"@{user.username}" if user.username else None,
            display_name=user.full_name,
            language_hint=user.language_code,
        )
        update_id = str(update.update_id)
        if update.callback_query is not None:
            action = update.callback_query.data or ""
            return Inbound(sender, action=action, update_id=update_id, receiver=receiver)
        message = update.message  # an edited old message is not a new answer
        if message is None:
            return None
        if message.document or message.photo:
            name = message.document.file_name if message.document else "photo.jpg"
            file_id = message.document.file_id if message.document else message.photo[-1].file_id
            file = FileRef(name or "file", file_id)
            return Inbound(sender, file=file, update_id=update_id, receiver=receiver)
        text = message.text or message.caption or ""
        command = parse_command_text(text)
        if command is not None:
            name, args = command
            return Inbound(sender, command=name, args=args, update_id=update_id, receiver=receiver)
        return Inbound(sender, text=text, update_id=update_id, receiver=receiver)

    async def _in_group(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Only commands addressed to the bot get an answer: a link to a private chat."""
        message = update.effective_message
        if message is None or not message.text:
            return
        me = context.bot.username
        command = parse_command_text(message.text)
        if command is None or f"@{me}".lower() not in message.text.split()[0].lower():
            return
        name = command[0] if command[0] in ("need", "offer") else ""
        user = update.effective_user
        tr = Tr(user.language_code if user else "en")
        link = f"https://t.me/{me}?start={name}" if name else f"https://t.me/{me}"
        button = InlineKeyboardMarkup(
            [[InlineKeyboardButton(tr.s(N_("Open a private chat")), url=link)]]
        )
        await message.reply_text(
            html.escape(
                tr.s(N_("Let us continue in a private chat, where your answers stay between us.")),
                quote=False,
            ),
            reply_markup=button,
            parse_mode=ParseMode.HTML,
        )

    async def send(
        self, bot: Any, chat_id: int | str, replies: list[Reply], *, edit: Message | None = None
    ) -> None:
        try:
            await self._send(bot, chat_id, replies, edit)
        finally:
            for reply in replies:
                if reply.attachment is not None:
                    reply.attachment.discard()

    async def _send(
        self, bot: Any, chat_id: int | str, replies: list[Reply], edit: Message | None
    ) -> None:
        for reply in replies:
            if reply.edit and edit is not None:
                try:
                    await edit.edit_text(
                        to_html(reply.text), parse_mode=ParseMode.HTML, reply_markup=keyboard(reply)
                    )
                    continue
                except BadRequest as error:
                    if "not modified" in str(error).lower():
                        continue
                    log.info("could not edit a message, sending a new one: %s", error)
            progress = Progress()
            try:
                await send_reply(bot, chat_id, reply, progress)
            except RetryAfter as error:
                await asyncio.sleep(seconds(error.retry_after))
                progress.attempt()
                await send_reply(bot, chat_id, reply, progress)


async def send_reply(
    bot: Any, chat_id: int | str, reply: Reply, progress: Progress | None = None
) -> None:
    """One neutral reply: a photo or document with its caption, or text split in pieces with
    the buttons under the last one. With a progress, the pieces that went out in an earlier
    attempt are not sent again."""
    progress = progress or Progress()
    attachment = reply.attachment
    caption = split_html(reply.text, MAX_CAPTION) if attachment is not None else []
    if attachment is not None and progress.pending():
        with attachment.path.open("rb") as handle:
            send = bot.send_photo if attachment.is_image else bot.send_document
            field = "photo" if attachment.is_image else "document"
            await send(
                chat_id=chat_id,
                caption=caption[0] or None,
                parse_mode=ParseMode.HTML,
                reply_markup=keyboard(reply),
                filename=attachment.filename,
                **{field: handle},
            )
        progress.done()
    rest = caption[1:] if attachment is not None else split_html(reply.text)
    for index, piece in enumerate(rest):
        if not progress.pending():
            continue
        last = index == len(rest) - 1
        await bot.send_message(
            chat_id=chat_id,
            text=piece or "…",
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard(reply) if last and attachment is None else None,
            disable_web_page_preview=True,
        )
        progress.done()


def receiver_of(bot: Any) -> str:
    """The receiving bot's id, which its update ids are unique to: the digits of its token
    before the colon (Telegram's bot id, known before any getMe), never the secret after."""
    prefix, colon, _ = str(getattr(bot, "token", "")).partition(":")
    if colon and prefix.isdecimal():
        return prefix
    try:
        return str(bot.id)
    except RuntimeError:  # a bot not initialised yet has no id to give
        return ""


def seconds(retry_after: float | timedelta) -> float:
    return retry_after.total_seconds() if isinstance(retry_after, timedelta) else retry_after


PRIVILEGED = frozenset({Role.coordinator, Role.admin})


def command_menu(
    commands: Registry, tr: Tr, roles: frozenset[Role] | None = None
) -> list[BotCommand]:
    """The commands one sees in the menu (everyone's with no roles), described in their
    language."""
    return [BotCommand(c.name, tr.s(c.summary)[:256]) for c in commands.listed(roles)]


async def register_commands(bot: Any, chatbot: ChatBot) -> None:
    """Everyone's command menu, in each language we speak, and the default one."""
    for language in (None, *LANGUAGES):
        tr = Tr(language or chatbot.default_language)
        try:
            await bot.set_my_commands(command_menu(chatbot.commands, tr), language_code=language)
        except TelegramError as error:  # a menu is a nicety: the bot works without it
            log.warning("could not register the commands menu (%s): %s", language, error)
