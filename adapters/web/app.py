"""The web platform's pages as Starlette routes, built from a session factory and the
vocabularies. `web_routes` is what the composition root adds to `partnerbot serve`'s app;
`build_web_app` is a whole app around them, for tests and for serving the pages alone."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from adapters.web.http import SecurityHeaders, uncached
from adapters.web.i18n import HERE, LANGUAGES
from adapters.web.pages import OnView, SessionFactory, Site, no_count
from core.vocabularies import Vocabularies

STATIC_DIR = HERE / "static"
# The stylesheet's address carries a hash of it, so that it can be kept for a year and a
# new one is still fetched the day it changes.
STATIC_CACHE = {"Cache-Control": "public, max-age=31536000, immutable"}


def static_version() -> str:
    digest = hashlib.blake2b(digest_size=6)
    for path in sorted(STATIC_DIR.iterdir()):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def web_site(
    session_factory: SessionFactory,
    vocab: Vocabularies,
    *,
    bot_username: str | None = None,
    slack_url: str | None = None,
    languages: Sequence[str] = LANGUAGES,
    on_view: OnView = no_count,
    figures_seconds: float = 60.0,
) -> Site:
    """The pages' shared state. `session_factory` opens a read-only unit of work
    (Database.read); `bot_username` (from getMe) adds "Contact via Telegram" deep links;
    `slack_url` adds "Open in Slack" (a "{id}" in it becomes the listing's id); `on_view`
    is told of every page served, as (kind of page, its filters), from a worker thread;
    `figures_seconds` is how long the counts and the gaps are kept (0: summed every time)."""
    return Site(
        session_factory=session_factory,
        vocab=vocab,
        bot_username=bot_username,
        slack_url=slack_url,
        languages=tuple(languages),
        on_view=on_view,
        figures_seconds=figures_seconds,
        static_version=static_version(),
    )


def site_routes(site: Site) -> list[BaseRoute]:
    return [
        Route("/", site.home, name="home"),
        Route("/offers", site.offers, name="offers"),
        Route("/needs", site.needs, name="needs"),
        Route("/listings/{id}", site.listing, name="listing"),
        Route("/organisations/{id}", site.organisation, name="organisation"),
        Route("/gaps", site.gaps_page, name="gaps"),
        Route("/gaps/chart.svg", site.gaps_svg, name="gaps_chart"),
        Mount(
            "/static",
            app=SecurityHeaders(StaticFiles(directory=STATIC_DIR), STATIC_CACHE),
            name="static",
        ),
    ]


def web_routes(
    session_factory: SessionFactory, vocab: Vocabularies, **options: Any
) -> list[BaseRoute]:
    """The directory's routes, to add to another Starlette app (options: see web_site)."""
    return site_routes(web_site(session_factory, vocab, **options))


def not_found_handler(site: Site) -> Callable[[Request, Exception], Awaitable[Response]]:
    """For an app's exception_handlers: the directory's own 404 page for an unknown path,
    and a plain answer for the other HTTP errors (405 and the like)."""

    async def handle(request: Request, error: Exception) -> Response:
        status = error.status_code if isinstance(error, HTTPException) else 500
        if status == 404:  # rendered in a worker thread, as every page is
            return await run_in_threadpool(site.not_found, request)
        detail = error.detail if isinstance(error, HTTPException) else "Server error"
        return uncached(str(detail).encode(), "text/plain; charset=utf-8", status_code=status)

    return handle


def build_web_app(
    session_factory: SessionFactory, vocab: Vocabularies, **options: Any
) -> Starlette:
    """The pages alone as an ASGI app, with the directory's 404 page for unknown paths
    (options: see web_site)."""
    site = web_site(session_factory, vocab, **options)
    return Starlette(
        routes=site_routes(site), exception_handlers={HTTPException: not_found_handler(site)}
    )
