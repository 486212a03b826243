"""Hostile bodies against the web server of `partnerbot serve`, built as bot/app.py builds it:
a body over max_body_bytes gets 413 before it is read (declared too large, or streamed past
the limit), and a malformed body gets 400 with one log line, never a 500 and a traceback."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import logging
import socket
import time
import tracemalloc
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import uvicorn
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route

from adapters.slack.app import SlackConfig, build_app
from adapters.slack.http import slack_route
from adapters.telegram.adapter import TelegramConfig, build_application
from adapters.telegram.webhook import SECRET_HEADER, webhook_route
from bot.app import web_app
from bot.chatbot import ChatBot
from bot.ops import ops_routes
from tests.adapters.slack_harness import PATH, SECRET
from tests.adapters.telegram_offline import OfflineRequest

LIMIT = 1_000_000  # the default of max_body_bytes
TG_SECRET = "telegram-webhook-secret"
FORM = "application/x-www-form-urlencoded"
NO_API = "http://127.0.0.1:9/api/"
EVERY_ROUTE = [
    ("POST", PATH),
    ("POST", "/telegram"),
    ("GET", "/healthz"),
    ("GET", "/metrics"),
    ("POST", "/record"),
    ("POST", "/nowhere"),  # no route: refused before routing all the same
]


class Recorder:
    """A route that streams its body and counts what reached it."""

    def __init__(self) -> None:
        self.received = 0

    async def endpoint(self, request: Request) -> Response:
        with contextlib.suppress(ClientDisconnect):
            async for chunk in request.stream():
                self.received += len(chunk)
        return Response(status_code=204)


@dataclass
class Web:
    app: Any
    recorder: Recorder


@pytest.fixture
def web(sqlite_db, vocab) -> Web:
    recorder = Recorder()
    # None of these requests gets as far as a call to Slack's Web API: a closed local port.
    slack = SlackConfig(bot_token="xoxb-t", signing_secret=SECRET, api_url=NO_API)
    telegram = TelegramConfig(token="123456:TEST-token", webhook_secret=TG_SECRET)
    chatbot = ChatBot(sqlite_db, vocab)
    application = build_application(telegram, chatbot, request=OfflineRequest())
    routes = [
        slack_route(PATH, build_app(slack, chatbot)),
        webhook_route("/telegram", application, TG_SECRET),
        *ops_routes(sqlite_db, {}),
        Route("/record", recorder.endpoint, methods=["POST"]),
    ]
    return Web(web_app(routes, LIMIT), recorder)


def client(web: Web) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=web.app), base_url="http://t")


def signed(body: bytes, content_type: str) -> dict[str, str]:
    """Slack's signature, computed on the raw bytes (the SDK's helper wants UTF-8)."""
    ts = str(int(time.time()))
    digest = hmac.new(SECRET.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256)
    signature = "v0=" + digest.hexdigest()
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature,
    }


# --- Content-Length --------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path"), EVERY_ROUTE)
async def test_a_declared_300_mb_body_is_refused_unread(web: Web, method: str, path: str) -> None:
    reads: list[Any] = []
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        reads.append(1)
        raise AssertionError("the body was read")

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [(b"host", b"t"), (b"content-length", b"300000000")],
        "server": ("127.0.0.1", 8080),
        "client": ("127.0.0.1", 5000),
    }
    await web.app(scope, receive, send)
    assert sent[0]["type"] == "http.response.start" and sent[0]["status"] == 413
    assert reads == []


@pytest.mark.parametrize(("method", "path"), EVERY_ROUTE)
async def test_one_byte_over_the_limit_is_413_on_every_route(
    web: Web, method: str, path: str
) -> None:
    async with client(web) as http:
        response = await http.request(method, path, content=b"a" * (LIMIT + 1))
    assert response.status_code == 413
    assert web.recorder.received == 0


async def test_a_body_at_the_limit_goes_through_whole(web: Web) -> None:
    async with client(web) as http:
        assert (await http.post("/record", content=b"a" * LIMIT)).status_code == 204
        assert (await http.get("/healthz")).status_code == 200
    assert web.recorder.received == LIMIT


# --- streamed over a real socket -------------------------------------------------------------


@contextlib.asynccontextmanager
async def serving(app: Any) -> AsyncIterator[int]:
    """uvicorn on an ephemeral loopback port, in this event loop; the port."""
    sock = socket.create_server(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_config=None, lifespan="off"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    for _ in range(500):
        if server.started:
            break
        await asyncio.sleep(0.01)
    try:
        yield sock.getsockname()[1]
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)


def _connect(port: int, path: str, head: str) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(f"POST {path} HTTP/1.1\r\nHost: t\r\n{head}\r\n".encode())
    return sock


def _chunk(data: bytes) -> bytes:
    return b"%x\r\n" % len(data) + data + b"\r\n"


def _status(sock: socket.socket) -> int:
    line = sock.recv(64).split(b"\r\n")[0]  # "HTTP/1.1 413 Request Entity Too Large"
    return int(line.split()[1])


def chunked_just_over(port: int, path: str) -> int:
    """LIMIT + 1 bytes, chunked, and the body left unfinished: only a limit counted while
    streaming can answer, since the end never comes."""
    head = f"Transfer-Encoding: chunked\r\n{SECRET_HEADER}: {TG_SECRET}\r\n"
    with _connect(port, path, head) as sock:
        sock.sendall(_chunk(b"a" * (LIMIT // 2)) + _chunk(b"a" * (LIMIT // 2 + 1)))
        return _status(sock)


def flood(port: int, path: str, total: int) -> int:
    """Streams up to `total` bytes, chunked, until the server hangs up; how many were sent."""
    piece = _chunk(b"a" * 65536)
    sent = 0
    with (
        _connect(port, path, "Transfer-Encoding: chunked\r\n") as sock,
        contextlib.suppress(OSError),  # a reset or a broken pipe: the server hung up
    ):
        while sent < total:
            sock.sendall(piece)
            sent += 65536
    return sent


@pytest.mark.parametrize("path", [PATH, "/telegram", "/record"])
async def test_a_chunked_body_is_cut_off_at_the_limit(web: Web, path: str) -> None:
    async with serving(web.app) as port:
        assert await asyncio.to_thread(chunked_just_over, port, path) == 413
    assert web.recorder.received <= LIMIT


async def test_a_declared_300_mb_body_gets_413_without_one_byte_sent(web: Web) -> None:
    async with serving(web.app) as port:
        with _connect(port, PATH, "Content-Length: 300000000\r\n") as sock:
            assert await asyncio.to_thread(_status, sock) == 413


@pytest.mark.parametrize("path", [PATH, "/record"])
async def test_a_300_mb_stream_is_cut_off_and_memory_stays_flat(web: Web, path: str) -> None:
    async with serving(web.app) as port:
        tracemalloc.start()
        try:
            sent = await asyncio.to_thread(flood, port, path, 300_000_000)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert sent < 64_000_000  # hung up long before the end
    assert peak < 4 * LIMIT  # nothing near 300 MB was ever held, server and client together
    assert web.recorder.received <= LIMIT


# --- malformed bodies ------------------------------------------------------------------------

DEEP_ARRAY = b"[" * 100_000
DEEP_OBJECT = b'{"a":' * 100_000 + b"1" + b"}" * 100_000
MALFORMED_SLACK = [
    pytest.param(b"payload=x", FORM, id="payload-not-json"),
    pytest.param(b"payload=" + b"%5B" * 100_000, FORM, id="payload-nested-100k"),
    pytest.param(b"payload=%5B1%5D", FORM, id="payload-a-list"),
    pytest.param(b"payload=%22x%22", FORM, id="payload-a-string"),
    pytest.param(DEEP_ARRAY, "application/json", id="array-nested-100k"),
    pytest.param(DEEP_OBJECT, "application/json", id="object-nested-100k"),
    pytest.param(b"[1, 2]", "application/json", id="a-list"),
    pytest.param(b"not json", "application/json", id="not-json"),
    pytest.param(b"\xff\xfe", "application/json", id="not-utf8"),
]


def only_one_warning(records: list[logging.LogRecord]) -> None:
    loud = [r for r in records if r.levelno >= logging.WARNING]
    assert len(loud) == 1, [r.getMessage() for r in loud]
    assert all(r.exc_info is None and not r.exc_text for r in records)
    assert "\n" not in loud[0].getMessage()


@pytest.mark.parametrize("with_signature", [True, False], ids=["signed", "unsigned"])
@pytest.mark.parametrize(("body", "content_type"), MALFORMED_SLACK)
async def test_a_malformed_slack_body_is_400_and_one_log_line(
    web: Web, caplog, body: bytes, content_type: str, with_signature: bool
) -> None:
    headers = signed(body, content_type) if with_signature else {"Content-Type": content_type}
    with caplog.at_level(logging.INFO):
        async with client(web) as http:
            response = await http.post(PATH, content=body, headers=headers)
    assert response.status_code == 400
    only_one_warning(caplog.records)


async def test_an_unsigned_well_formed_slack_request_is_still_401(web: Web) -> None:
    async with client(web) as http:
        response = await http.post(
            PATH, content=b"command=%2Fhelp&text=", headers={"Content-Type": FORM}
        )
    assert response.status_code == 401


@pytest.mark.parametrize(
    "body",
    [b"[1, 2]", b"not json", DEEP_ARRAY, DEEP_OBJECT, b"\xff\xfe", b'"x"', b"null", b"{}"],
    ids=[
        "a-list",
        "not-json",
        "array-nested-100k",
        "object-nested-100k",
        "not-utf8",
        "a-string",
        "null",
        "no-update-id",
    ],
)
async def test_a_malformed_telegram_update_is_400_and_one_log_line(
    web: Web, caplog, body: bytes
) -> None:
    with caplog.at_level(logging.INFO):
        async with client(web) as http:
            response = await http.post(
                "/telegram", content=body, headers={SECRET_HEADER: TG_SECRET}
            )
    assert response.status_code == 400
    only_one_warning(caplog.records)


async def test_a_signed_well_formed_slack_request_still_reaches_bolt(web: Web) -> None:
    body = b'{"type": "url_verification", "challenge": "c-123"}'
    async with client(web) as http:
        response = await http.post(PATH, content=body, headers=signed(body, "application/json"))
    assert response.status_code == 200 and "c-123" in response.text
