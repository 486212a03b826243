"""/coordinators: the web's visits beside the chat's use, for the trial's evaluation. Not
public: the way in is a signed, expiring link a coordinator receives in the chat (/visits);
the page is never cached, and a forged, altered or expired link gets the same refusal."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from adapters.web.app import static_version
from adapters.web.http import SECURITY_HEADERS
from adapters.web.i18n import choose_language, environment
from adapters.web.pages import SessionFactory
from core.clock import utcnow
from core.insight import stats
from core.models import Stakeholder
from core.people import load_actor
from core.signed_links import verify
from core.visits import visits_between

DAYS = 30
MAX_TOKEN = 100  # one a link carries is some 50 characters: an id, a moment, a MAC
PRIVATE = {**SECURITY_HEADERS, "Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def coordinator_routes(
    session_factory: SessionFactory,
    *,
    secret: bytes,
    use_label: Callable[[str, str], str] = lambda language, key: key,
    clock: Callable[[], datetime] = utcnow,
) -> list[Route]:
    """`use_label(language, key)` names a use of the chat ("command:need") as people read it."""
    version = static_version()

    def page(request: Request) -> Response:
        now = clock()
        token = request.query_params.get("token", "")
        # hmac.compare_digest raises on text that is not ASCII: such a token is no token.
        if not token.isascii() or len(token) > MAX_TOKEN:
            return _refused()
        person_id = verify(secret, token, now)
        language, _ = choose_language(
            request.query_params, request.cookies, request.headers.get("accept-language", "")
        )
        with session_factory() as session:
            person = session.get(Stakeholder, person_id) if person_id else None
            if person is None or person.id is None:
                return _refused()
            if not load_actor(session, person.id).is_coordinator:  # no longer one
                return _refused()
            today = now.date()
            rows = visits_between(session, today - timedelta(days=DAYS - 1), today)
            used = stats(session, now, DAYS).usage
            name = person.name
        pages = [(r.kind, r.count) for r in rows if not r.filter_name]
        filters = [r for r in rows if r.filter_name]
        named = Counter({use_label(language, key): n for key, n in Counter(used).items()})
        chat = sorted(named.items(), key=lambda item: (-item[1], item[0]))
        html = (
            environment(language)
            .get_template("coordinators.html")
            .render(
                lang=language,
                switch=[],
                bot_link=None,
                static_version=version,
                section=None,
                days=DAYS,
                name=name,
                pages=pages,
                filters=filters,
                chat=chat,
            )
        )
        return Response(html, media_type="text/html; charset=utf-8", headers=PRIVATE)

    async def coordinators(request: Request) -> Response:
        return await run_in_threadpool(page, request)

    return [Route("/coordinators", coordinators, name="coordinators")]


def _refused() -> Response:
    words = "This link is not valid any more: ask the bot for a new one with /visits."
    return Response(words, status_code=403, media_type="text/plain; charset=utf-8", headers=PRIVATE)
