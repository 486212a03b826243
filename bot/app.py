"""The composition root: the one place that reads settings, builds the database, the
vocabularies, the chat bot, the adapters and the outbox dispatcher, and starts them. It is
also the one module of bot/ that imports adapters: it wires them, nothing else does. Nothing
here runs at import time."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import socket
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from bot.chatbot import ChatBot
from bot.cli import UsageError
from bot.leader import Leadership
from bot.migrate import upgrade
from bot.ops import ops_routes
from bot.outbox import Channel, Dispatcher
from bot.scheduler import Sweeper, start_scheduler
from bot.settings import Settings
from bot.visits import VisitTally
from bot.web_login import login_secret
from core import quiet_hours
from core.people import bootstrap_admins
from core.reminders import Policy
from core.storage import Database
from core.vocabularies import Vocabularies, default_vocabularies, load_vocabularies

if TYPE_CHECKING:
    from starlette.types import ASGIApp

log = logging.getLogger(__name__)


class StartupError(UsageError):
    """Partnerbot cannot start, for a reason an operator can fix: like every UsageError, one
    line on stderr, never a secret, and exit code 2, not a traceback."""


@dataclass
class App:
    settings: Settings
    db: Database
    vocab: Vocabularies

    def chatbot(self) -> ChatBot:
        return ChatBot(self.db, self.vocab, self.settings)


def build_app(settings: Settings, *, migrate: bool = True) -> App:
    quiet_hours.configure(settings.quiet)  # every notice, from a sweep or an event, keeps them
    with _database_problems(settings):
        db = Database.from_url(settings.database_url)
        if migrate:
            upgrade(db.engine)
            with db.write() as session:  # admins named since they signed up are admins now
                bootstrap_admins(session, settings.admin_identities)
    vocab = (
        load_vocabularies(settings.vocabulary_dir)
        if settings.vocabulary_dir
        else default_vocabularies()
    )
    return App(settings=settings, db=db, vocab=vocab)


@contextlib.contextmanager
def _database_problems(settings: Settings) -> Iterator[None]:
    """The database refused at start-up (out of reach, no such database, no such user,
    read-only, full): a StartupError naming it, without its password, and the driver's
    reason, all on one line."""
    try:
        yield
    except sa.exc.DBAPIError as error:
        where = make_url(settings.database_url).render_as_string(hide_password=True)
        reason = " ".join(str(error.orig).split())  # psycopg's reasons span several lines
        for secret in settings.secrets():  # in case a driver ever quotes one
            reason = reason.replace(secret, "***")
        raise StartupError(f"cannot use the database {where}: {reason}") from error


def run_console(app: App, user: str) -> int:
    from adapters.console import ConsoleChat

    chat = ConsoleChat(app.chatbot(), user, sys.stdin, sys.stdout)
    # Reminders due now show up in this chat too; a Ctrl-C meanwhile ends it as politely.
    return chat.run(before=Sweeper(app.db, sweep_policy(app.settings)).run)


def sweep_policy(settings: Settings) -> Policy:
    """What the sweeps wait for, as configured; quiet hours as build_app configured them."""
    return Policy(
        outcome_after=timedelta(weeks=settings.match_outcome_weeks),
        consultation_reminders=tuple(settings.consultation_reminder_days),
    )


def console_goodbye() -> int:
    """The chat's goodbye, for a Ctrl-C while it was starting: in the terminal's language."""
    from adapters.console.chat import GOODBYE, terminal_language
    from bot.i18n import Tr, supported

    print(Tr(supported(terminal_language()))(GOODBYE))
    return 0


@dataclass
class Surfaces:
    """What the configured platforms contribute: outbox channels and web routes."""

    channels: list[Channel] = field(default_factory=list)
    routes: list[Any] = field(default_factory=list)
    health: dict[str, Callable[[], bool]] = field(default_factory=dict)
    bot_username: str | None = None  # from getMe: the public pages' deep links into Telegram


async def run_platforms(app: App, *, serve: bool = False) -> None:
    """Telegram and Slack, whichever are configured, in one process with one web server and
    one outbox dispatcher, until SIGINT or SIGTERM. `serve` always starts the web server,
    with /healthz and /metrics beside the platforms' endpoints."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    chatbot = app.chatbot()
    surfaces = Surfaces()
    async with contextlib.AsyncExitStack() as stack:
        if app.settings.has_telegram:
            await stack.enter_async_context(_telegram(app, chatbot, surfaces))
        if app.settings.has_slack:
            await stack.enter_async_context(_slack(app, chatbot, surfaces))
        if serve:
            surfaces.routes += ops_routes(app.db, surfaces.health)
        if serve and app.settings.web_enabled:
            tally = VisitTally()
            surfaces.routes += public_routes(app, surfaces.bot_username, tally.view)
            stack.push_async_callback(_keep_flushing(app.db, tally, stop))
        if surfaces.routes:
            await stack.enter_async_context(_web_server(app, surfaces.routes, stop))
            if serve and app.settings.web_enabled:
                log.info("The public directory is at %s/", app.settings.base_url)
        dispatcher = Dispatcher(
            app.db,
            app.vocab,
            surfaces.channels,
            lease=timedelta(seconds=app.settings.outbox_lease_seconds),
        )
        leadership = Leadership(app.db)
        stack.callback(leadership.release)
        scheduler = start_scheduler(
            Sweeper(app.db, sweep_policy(app.settings), leadership=leadership),
            every=timedelta(seconds=app.settings.sweep_seconds),
        )
        stack.callback(scheduler.shutdown, wait=False)
        log.info("Partnerbot runs on %s", ", ".join(str(c.platform) for c in surfaces.channels))
        await dispatcher.run_forever(stop)


@contextlib.asynccontextmanager
async def _telegram(app: App, chatbot: ChatBot, surfaces: Surfaces) -> AsyncIterator[None]:
    from adapters.telegram.adapter import TelegramConfig, build_application, register_commands
    from adapters.telegram.channel import TelegramChannel
    from adapters.telegram.webhook import webhook_route

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
        if settings.telegram_webhook_url:
            if not config.webhook_secret:
                raise StartupError("webhook mode needs PARTNERBOT_TELEGRAM_WEBHOOK_SECRET")
            from urllib.parse import urlparse

            path = urlparse(settings.telegram_webhook_url).path or "/telegram"
            surfaces.routes.append(webhook_route(path, application, config.webhook_secret))
            await application.bot.set_webhook(
                url=settings.telegram_webhook_url, secret_token=config.webhook_secret
            )
        else:
            assert application.updater is not None
            await application.bot.delete_webhook()
            await application.updater.start_polling()
        surfaces.channels.append(TelegramChannel(application.bot))
        surfaces.bot_username = application.bot.username
        surfaces.health["telegram"] = lambda: application.running
        try:
            yield
        finally:
            if application.updater is not None and application.updater.running:
                await application.updater.stop()
            await application.stop()


@contextlib.asynccontextmanager
async def _slack(app: App, chatbot: ChatBot, surfaces: Surfaces) -> AsyncIterator[None]:
    from adapters.slack.app import SlackAdapter, SlackConfig, build_app, web_client
    from adapters.slack.channel import SlackChannel
    from adapters.slack.http import slack_route

    settings = app.settings
    assert settings.slack_bot_token is not None
    if settings.slack_signing_secret is None and settings.slack_app_token is None:
        raise StartupError(
            "Slack needs PARTNERBOT_SLACK_SIGNING_SECRET (HTTP) or "
            "PARTNERBOT_SLACK_APP_TOKEN (Socket Mode)"
        )
    config = SlackConfig(
        bot_token=settings.slack_bot_token.get_secret_value(),
        signing_secret=(
            settings.slack_signing_secret.get_secret_value()
            if settings.slack_signing_secret
            else ""
        ),
        api_url=settings.slack_api_url,
        app_token=settings.slack_app_token.get_secret_value() if settings.slack_app_token else None,
    )
    client = web_client(config)
    bolt = build_app(config, chatbot, client)
    adapter = SlackAdapter(chatbot, client)
    surfaces.channels.append(
        SlackChannel(client, after_delivery=lambda r: adapter.publish_home(_slack_sender(r)))
    )
    surfaces.health["slack"] = lambda: True  # HTTP mode: Slack comes to us
    if config.app_token:
        from adapters.slack.socket import socket_mode

        async with socket_mode(bolt, config.app_token):
            yield
    else:
        surfaces.routes.append(slack_route(settings.slack_path, bolt))
        yield


def _slack_sender(recipient: Any) -> Any:
    from bot.messages import Sender
    from core.models.enums import Platform

    return Sender(
        Platform.slack,
        user_id=recipient.user_id,
        chat_id=recipient.chat_id,
        workspace=recipient.workspace,
    )


@contextlib.asynccontextmanager
async def _web_server(app: App, routes: list[Any], stop: asyncio.Event) -> AsyncIterator[None]:
    """One web server for every platform's endpoint."""
    import uvicorn

    settings = app.settings
    listener = _listen(settings.http_host, settings.http_port)
    server = uvicorn.Server(
        uvicorn.Config(
            web_app(routes, settings.max_body_bytes),
            host=settings.http_host,
            port=settings.http_port,
            log_config=None,
            lifespan="off",
        )
    )
    log.info("The web server listens on %s:%d", settings.http_host, settings.http_port)
    task = asyncio.create_task(server.serve(sockets=[listener]))
    task.add_done_callback(lambda _: stop.set())
    try:
        yield
    finally:
        server.should_exit = True
        await task


def _listen(host: str, port: int) -> socket.socket:
    """The web server's socket, bound here: uvicorn, left to bind it, would log the error
    and exit on its own, mid-start, with a code of its own."""
    # Named TCP, so asyncio sets TCP_NODELAY on each connection it accepts: without it an
    # answer written in two parts waits for the client's delayed ACK (40 ms a request).
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        listener.bind((host, port))
        listener.listen()
    except OSError as error:  # in use, not ours to take, or no such address
        listener.close()
        reason = error.strerror or str(error)
        raise StartupError(f"cannot listen on {host}:{port}: {reason}") from error
    return listener


def public_routes(app: App, bot_username: str | None, on_view: Callable[..., None]) -> list[Any]:
    """The Platform for Partnerships on the web: the API, the feeds and the IATI file first
    (their paths are their own), then the directory's pages. The API and the feeds share one
    budget of requests per client."""
    from adapters.web.api import api_routes
    from adapters.web.app import web_routes
    from adapters.web.coordinators import coordinator_routes
    from adapters.web.feeds import feed_routes
    from adapters.web.iati_file import iati_routes
    from adapters.web.limits import limiter
    from core.iati import ReportingOrg

    settings, read = app.settings, app.db.read
    base_url = settings.base_url
    limits = limiter(settings.web_rate_limit)
    reporting_org = ReportingOrg(
        ref=settings.iati_reporting_org_ref,
        name=settings.iati_reporting_org_name,
        type=settings.iati_reporting_org_type,
    )
    return [
        *api_routes(read, app.vocab, base_url=base_url, rate_limit=limits, on_view=on_view),
        *feed_routes(read, app.vocab, base_url=base_url, rate_limit=limits, on_view=on_view),
        *iati_routes(
            read, app.vocab, reporting_org=reporting_org, base_url=base_url, on_view=on_view
        ),
        *coordinator_routes(read, secret=login_secret(settings), use_label=_use_label),
        *web_routes(
            read,
            app.vocab,
            bot_username=bot_username,
            slack_url=settings.slack_app_url if settings.has_slack else None,
            on_view=on_view,
        ),
    ]


def _use_label(language: str, key: str) -> str:
    from bot.i18n import Tr
    from bot.views import category_label, usage_label

    tr = Tr(language)
    return f"{category_label(tr, key.partition(':')[0])}: {usage_label(tr, key)}"


def _keep_flushing(db: Database, tally: VisitTally, stop: asyncio.Event) -> Any:
    """Adds the tallied visits to the database every minute, and once more at the end."""

    async def flush_now() -> None:
        with contextlib.suppress(Exception):  # logged by the tally; counts kept for next time
            await asyncio.to_thread(tally.flush, db)

    async def every_minute() -> None:
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=VISITS_FLUSH_SECONDS)
            await flush_now()

    task = asyncio.create_task(every_minute())

    async def finish() -> None:
        stop.set()
        await task

    return finish


VISITS_FLUSH_SECONDS = 60


def web_app(routes: list[Any], max_body_bytes: int) -> ASGIApp:
    """The web app of `partnerbot serve`: every route of every surface, inside one limit on
    request bodies, so that no route can forget it."""
    from starlette.applications import Starlette

    from bot.body_limit import BodyLimit

    app = Starlette(routes=routes)
    # A trailing-slash redirect would send people to the Host header's site, whatever it says.
    app.router.redirect_slashes = False
    return BodyLimit(app, max_body_bytes)
