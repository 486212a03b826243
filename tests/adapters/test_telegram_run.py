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
