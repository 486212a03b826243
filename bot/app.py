"""The composition root: the one place that reads settings, builds the database, the
vocabularies, the chat bot, the adapters and the outbox dispatcher, and starts them. It is
also the one module of bot/ that imports adapters: it wires them, nothing else does. Nothing
here runs at import time."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from dataclasses import dataclass

from bot.chatbot import ChatBot
from bot.migrate import upgrade
from bot.outbox import Channel, Dispatcher
from bot.settings import Settings
from core.storage import Database
from core.vocabularies import Vocabularies, default_vocabularies, load_vocabularies

log = logging.getLogger(__name__)


@dataclass
class App:
    settings: Settings
    db: Database
    vocab: Vocabularies

    def chatbot(self) -> ChatBot:
        return ChatBot(self.db, self.vocab, self.settings)


def build_app(settings: Settings, *, migrate: bool = True) -> App:
    db = Database.from_url(settings.database_url)
    if migrate:
        upgrade(db.engine)
    vocab = (
        load_vocabularies(settings.vocabulary_dir)
        if settings.vocabulary_dir
        else default_vocabularies()
    )
    return App(settings=settings, db=db, vocab=vocab)


def run_console(app: App, user: str) -> int:
    from adapters.console import ConsoleChat

    return ConsoleChat(app.chatbot(), user, sys.stdin, sys.stdout).run()


async def run_platforms(app: App) -> None:
    """Telegram and Slack, whichever are configured, with the outbox dispatcher, until a
    SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    chatbot = app.chatbot()
    channels: list[Channel] = []
    async with contextlib.AsyncExitStack() as stack:
        if app.settings.has_telegram:
            channels.append(await stack.enter_async_context(_telegram(app, chatbot, stop)))
        dispatcher = Dispatcher(app.db, app.vocab, channels)
        log.info("Partnerbot is running on %s", ", ".join(str(c.platform) for c in channels))
        await dispatcher.run_forever(stop)


@contextlib.asynccontextmanager
async def _telegram(app: App, chatbot: ChatBot, stop: asyncio.Event):
    from adapters.telegram.adapter import TelegramConfig, build_application, register_commands
    from adapters.telegram.channel import TelegramChannel

    settings = app.settings
    assert settings.telegram_token is not None
    secret = settings.telegram_webhook_secret
    config = TelegramConfig(
        token=settings.telegram_token.get_secret_value(),
        base_url=settings.telegram_base_url,
        base_file_url=settings.telegram_base_file_url,
        webhook_secret=secret.get_secret_value() if secret else None,
    )
    application = build_application(config, chatbot)
    async with application:
        await register_commands(application.bot, chatbot)
        await application.start()
        server = None
        if settings.telegram_webhook_url:
            server = await _serve_webhook(app, application, config, stop)
        else:
            assert application.updater is not None
            await application.bot.delete_webhook()
            await application.updater.start_polling()
        try:
            yield TelegramChannel(application.bot)
        finally:
            if server is not None:
                server.should_exit = True
            elif application.updater is not None:
                await application.updater.stop()
            await application.stop()


async def _serve_webhook(app: App, application, config, stop: asyncio.Event):
    """Telegram posts to our own web server; the webhook is registered with its secret."""
    from urllib.parse import urlparse

    import uvicorn
    from starlette.applications import Starlette

    from adapters.telegram.webhook import webhook_route

    settings = app.settings
    if not config.webhook_secret:
        raise RuntimeError("PARTNERBOT_TELEGRAM_WEBHOOK_SECRET is required in webhook mode")
    path = urlparse(settings.telegram_webhook_url).path or "/telegram"
    web = Starlette(routes=[webhook_route(path, application, config.webhook_secret)])
    await application.bot.set_webhook(
        url=settings.telegram_webhook_url, secret_token=config.webhook_secret
    )
    server = uvicorn.Server(
        uvicorn.Config(web, host=settings.http_host, port=settings.http_port, log_config=None)
    )
    task = asyncio.create_task(server.serve())
    task.add_done_callback(lambda _: stop.set())
    return server
