"""/iati/activities.xml: the active partnerships as IATI 2.03 activities (core.iati), for
aid-data systems to read; the same file `partnerbot export --format iati` writes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from adapters.web.cache import Kept
from adapters.web.http import cached
from adapters.web.pages import OnView, SessionFactory, no_count
from core.clock import utcnow
from core.iati import ReportingOrg, iati_activities
from core.vocabularies import Vocabularies


def iati_routes(
    session_factory: SessionFactory,
    vocab: Vocabularies,
    *,
    reporting_org: ReportingOrg,
    base_url: str,
    on_view: OnView = no_count,
    clock: Callable[[], datetime] = utcnow,
    keep_seconds: float = 60.0,
) -> list[Route]:
    """`keep_seconds`: how long one build of the file is served (0: built every time). The
    file holds every active partnership and no rate limit guards it: built at every request,
    a client asking in a loop (a 304 costs the build too) would keep the server busy."""

    def build() -> bytes:
        # Dated to the day: the same data gives the same bytes all day, so ETags hold.
        today = clock().replace(hour=0, minute=0, second=0, microsecond=0)
        with session_factory() as session:
            return iati_activities(
                session,
                vocab,
                reporting_org=reporting_org,
                generated_at=today,
                area_vocabulary_uri=f"{base_url}/offers",
            )

    kept = Kept(build, keep_seconds)

    async def activities(request: Request) -> Response:
        body = await run_in_threadpool(kept.get)
        on_view("iati", {})
        return cached(request, body, "application/xml; charset=utf-8", max_age=3600)

    return [Route("/iati/activities.xml", activities, name="iati")]
