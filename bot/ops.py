"""The operator's endpoints of the web server: /healthz and /metrics."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

import sqlalchemy as sa
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.metrics import QUEUED, REGISTRY
from core.models import Notification
from core.models.enums import NotificationStatus
from core.storage import Database


def ops_routes(db: Database, adapters: dict[str, Callable[[], bool]]) -> list[Route]:
    async def healthz(request: Request) -> Response:
        checks = {name: "up" if alive() else "down" for name, alive in adapters.items()}
        try:
            await asyncio.to_thread(db.ping)
            checks["database"] = "ok"
        except sa.exc.SQLAlchemyError:
            checks["database"] = "unreachable"
        healthy = checks["database"] == "ok" and "down" not in checks.values()
        return JSONResponse(checks, status_code=200 if healthy else 503)

    async def metrics(request: Request) -> Response:
        with contextlib.suppress(sa.exc.SQLAlchemyError):  # the rest is still worth reading
            QUEUED.set(await asyncio.to_thread(_queued, db))
        return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)

    return [Route("/healthz", healthz), Route("/metrics", metrics)]


def _queued(db: Database) -> int:
    with db.read() as session:
        return int(
            session.execute(
                sa.select(sa.func.count())
                .select_from(Notification)
                .where(Notification.status == NotificationStatus.pending)
            ).scalar_one()
        )
