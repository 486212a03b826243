"""`partnerbot run` with a Telegram token, long polling a Bot API server on loopback (the
self-hosted Bot API setting), as a real process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.adapters.fake_bot_api import FakeBotApi

PARTNERBOT = Path(sys.executable).parent / "partnerbot"
TOKEN = "123456:RUN-TEST-token"


def test_run_polls_answers_and_stops_cleanly(tmp_path: Path) -> None:
    with FakeBotApi() as api:
        user = {"id": 77, "is_bot": False, "first_name": "Ana", "language_code": "fr"}
        api.updates.append(
            {
                "update_id": 1,
                "message": {
                    "message_id": 1,
                    "date": int(time.time()),
                    "from": user,
                    "chat": {"id": 77, "type": "private"},
                    "text": "/start",
                    "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
                },
            }
        )
        env = {k: v for k, v in os.environ.items() if not k.startswith("PARTNERBOT_")}
        env.update(
            PARTNERBOT_TELEGRAM_TOKEN=TOKEN,
            PARTNERBOT_TELEGRAM_BASE_URL=api.base_url,
            PARTNERBOT_TELEGRAM_BASE_FILE_URL=api.base_url.replace("/bot", "/file/bot"),
            PARTNERBOT_LOG_LEVEL="DEBUG",
        )
        command = [str(PARTNERBOT)] if PARTNERBOT.exists() else [sys.executable, "-m", "bot"]
        process = subprocess.Popen(
            [*command, "run"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not api.sent_texts():
                time.sleep(0.1)
        finally:
            process.send_signal(signal.SIGTERM)
            output, _ = process.communicate(timeout=30)
        assert process.returncode == 0, output
        texts = api.sent_texts()
        assert texts and "Partnerbot" in texts[0]  # the welcome, in French: language_code fr
        assert "Bonjour" in texts[0]
        assert {m for m, _ in api.calls} >= {"getMe", "setMyCommands", "getUpdates"}
        assert all(TOKEN in path for path in api.paths)  # every call went to our server
        assert TOKEN not in output  # the token never reaches the logs


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_one_process_serves_telegram_and_slack(tmp_path: Path) -> None:
    from tests.adapters.fake_slack_api import FakeSlackApi
    from tests.adapters.slack_harness import SECRET, SlackClient

    port = free_port()
    with FakeBotApi() as telegram, FakeSlackApi() as slack_api:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PARTNERBOT_")}
        env.update(
            PARTNERBOT_TELEGRAM_TOKEN=TOKEN,
            PARTNERBOT_TELEGRAM_BASE_URL=telegram.base_url,
            PARTNERBOT_SLACK_BOT_TOKEN="xoxb-run-test",
            PARTNERBOT_SLACK_SIGNING_SECRET=SECRET,
            PARTNERBOT_SLACK_API_URL=slack_api.url,
            PARTNERBOT_HTTP_PORT=str(port),
        )
        command = [str(PARTNERBOT)] if PARTNERBOT.exists() else [sys.executable, "-m", "bot"]
        process = subprocess.Popen(
            [*command, "run"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            async_post = _post_when_up(port, SlackClient)
            response = async_post()
            assert response.status_code == 200
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and not slack_api.named("chat.postMessage"):
                time.sleep(0.1)
        finally:
            process.send_signal(signal.SIGTERM)
            output, _ = process.communicate(timeout=30)
        assert process.returncode == 0, output
        assert "get to know you" in slack_api.texts()
        assert any(m == "getUpdates" for m, _ in telegram.calls)  # Telegram polled meanwhile


def _post_when_up(port: int, client_class):
    import asyncio

    import httpx

    async def post():
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            client = client_class(http, api=None)
            for _ in range(150):
                try:
                    return await client.dm("U1", "hello")
                except httpx.ConnectError:
                    await asyncio.sleep(0.1)
            raise AssertionError("the web server never came up")

    return lambda: asyncio.run(post())
