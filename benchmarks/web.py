"""The public directory's latency: a page of offers by country and a page of the API by
thematic area, among N public listings on SQLite, served by the app `partnerbot serve` builds
(uvicorn on loopback, in a thread of this process), against a static file from the same
server in the same run.

    .venv/bin/python -m benchmarks.web                       # 100k listings, 200 requests each
    .venv/bin/python -m benchmarks.web --listings 200 --requests 5

Requests are sequential, on one keep-alive connection, after a warm-up pass that is not
counted. Each page is measured twice: the same URL every time (what SQLite reads is already in
its cache) and walking the pages (page=1, 2, ...: other rows, a deeper OFFSET each time);
nothing else caches these answers (the 60 s cache holds only the home page's counts and the
gaps, and an ETag spares a client the body, not the server the work), so the first is the
cached figure and the second the cold-ish one.

Everything is measured twice, on two servers: one whose listening socket is bound by
serve's own `bot.app._listen`, and the same with TCP_NODELAY set on it. asyncio sets
TCP_NODELAY only on sockets made with proto=IPPROTO_TCP, which `_listen` does not pass, so
on a kept-alive connection a response written in two parts (headers, then body) waits for
the client's delayed ACK, some 40 ms on Linux; the second block shows what the app itself
costs. Prints p50 and p95 of each row, and their ratio to the static file's p95.
Target: p95 at most 30 ms at 100k listings."""

from __future__ import annotations

import argparse
import contextlib
import random
import socket
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import sqlalchemy as sa
import uvicorn

import core.models  # noqa: F401
from benchmarks.matching import percentile, populate
from bot.app import App, _listen, public_routes, web_app
from bot.migrate import upgrade
from bot.settings import Settings
from bot.visits import VisitTally
from core.clock import utcnow
from core.directory import is_public
from core.models import Listing
from core.models.enums import ListingStatus, Visibility
from core.storage import Database
from core.vocabularies import Vocabularies, default_vocabularies

STATIC = "/static/style.css"
OFFERS = "/offers?country=KH"
AREA = "victim_assistance"
API = f"/api/v1/listings?area={AREA}"
PER_PAGE = 20  # the pages' and the API's default
WARM_UP = 10  # requests per URL before any is counted


def fill(db: Database, vocab: Vocabularies, size: int) -> int:
    """The schema as `partnerbot serve` migrates it, and `size` listings, every one public:
    how many had to be made public after populate (none, as it stands)."""
    upgrade(db.engine)
    populate(db, vocab, size, random.Random(1))
    with db.engine.begin() as connection:
        changed = connection.execute(
            sa.update(Listing)
            .where(sa.not_(is_public(utcnow().date())))
            .values(
                verified=True,
                visibility=Visibility.public,
                status=ListingStatus.open,
                available_until=None,
            )
        ).rowcount
        if changed:
            connection.exec_driver_sql("ANALYZE")
    return changed


@contextlib.contextmanager
def serving(db_url: str, vocab: Vocabularies, *, nodelay: bool) -> Iterator[str]:
    """The public routes inside the body limit, as `partnerbot serve` builds them, on an
    ephemeral loopback port bound by serve's own `_listen`; their base URL. With `nodelay`,
    the listener also has TCP_NODELAY, which the connections it accepts inherit (Linux)."""
    listener = _listen("127.0.0.1", 0)
    if nodelay:
        listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    port = listener.getsockname()[1]
    # The rate limit would answer 429 to a benchmark; nothing else differs from the defaults.
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=db_url,
        http_host="127.0.0.1",
        http_port=port,
        web_rate_limit=10_000_000,
    )
    app = App(settings, Database.from_url(db_url), vocab)
    routes = public_routes(app, None, VisitTally().view)
    server = uvicorn.Server(
        uvicorn.Config(web_app(routes, settings.max_body_bytes), log_config=None, lifespan="off")
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the web server did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        listener.close()
        app.db.dispose()


def timed(client: httpx.Client, urls: list[str], expected: int = 200) -> list[float]:
    """Milliseconds of each request, body read, one after the other."""
    spent = []
    for url in urls:
        started = time.perf_counter()
        response = client.get(url)
        spent.append((time.perf_counter() - started) * 1000)
        if response.status_code != expected:  # a redirect or a 429 would time nothing useful
            raise RuntimeError(f"{url} answered {response.status_code}, not {expected}")
    return spent


def pages_of(client: httpx.Client, api_query: str) -> int:
    """How many pages of PER_PAGE the directory has for this API query."""
    answer = client.get(f"/api/v1/listings?{api_query}&per_page={PER_PAGE}").json()
    return max(1, int(answer["pages"]))


def walk(path: str, pages: int, requests: int) -> list[str]:
    """Page 1, 2, ... and round again; the first page unnamed, as the pages' canonical URL has
    it (page=1 redirects)."""
    numbers = (1 + n % pages for n in range(requests))
    return [f"{path}&page={number}" if number > 1 else path for number in numbers]


Rows = list[tuple[str, list[float]]]


def measure(base: str, requests: int) -> Rows:
    with httpx.Client(base_url=base, timeout=60) as client:
        offer_pages = pages_of(client, "kind=offer&country=KH")
        api_pages = pages_of(client, f"area={AREA}")
        for path in (STATIC, OFFERS, API):
            timed(client, [path] * WARM_UP)
        return [
            (STATIC, timed(client, [STATIC] * requests)),
            (f"{OFFERS}  (same URL)", timed(client, [OFFERS] * requests)),
            (
                f"{OFFERS}&page=1..{min(offer_pages, requests)}",
                timed(client, walk(OFFERS, offer_pages, requests)),
            ),
            (f"{API}  (same URL)", timed(client, [API] * requests)),
            (
                f"{API}&page=1..{min(api_pages, requests)}",
                timed(client, walk(API, api_pages, requests)),
            ),
        ]


def show(title: str, rows: Rows) -> None:
    print(title)
    static_p95 = percentile(rows[0][1], 0.95)
    width = max(len(label) for label, _ in rows)
    print(f"  {'path':{width}}  {'p50 ms':>7}  {'p95 ms':>7}  ratio to static p95")
    for label, spent in rows:
        p95 = percentile(spent, 0.95)
        print(
            f"  {label:{width}}  {statistics.median(spent):7.2f}  {p95:7.2f}  "
            f"{p95 / static_p95:8.1f}x"
        )


def run(listings: int, requests: int) -> None:
    vocab = default_vocabularies()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'web.db'}"
        db = Database.from_url(url)
        started = time.perf_counter()
        made_public = fill(db, vocab, listings)
        loaded = time.perf_counter() - started
        db.dispose()
        print(
            f"{listings} public listings on SQLite ({made_public} made public after populate, "
            f"load {loaded:.1f} s), {requests} sequential requests a row, one keep-alive "
            f"connection; target: p95 <= 30 ms for the directory's rows"
        )
        with serving(url, vocab, nodelay=False) as base:
            show(
                "listener bound as `partnerbot serve` binds it (bot.app._listen):",
                measure(base, requests),
            )
        with serving(url, vocab, nodelay=True) as base:
            show(
                "the same listener with TCP_NODELAY (no Nagle wait on a response's second write):",
                measure(base, requests),
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listings", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    run(args.listings, args.requests)


if __name__ == "__main__":
    main()
