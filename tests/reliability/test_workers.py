"""Real processes: `partnerbot serve` with its health and metrics endpoints, and three
workers on PostgreSQL sharing the outbox and the sweeps, one of them killed on purpose."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx

from bot.migrate import upgrade
from core.models import ChannelIdentity, Stakeholder
from tests.adapters.fake_bot_api import FakeBotApi
from tests.conftest import drop_pg_schema, make_pg_schema, pg_database
from tests.factories import active_partnership, daytime_zone

PARTNERBOT = Path(sys.executable).parent / "partnerbot"
TOKEN = "123456:WORKER-token"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Worker:
    """One `partnerbot serve` process, its output collected as it comes."""

    def __init__(self, cwd: Path, env: dict[str, str]) -> None:
        self.port = free_port()
        command = [str(PARTNERBOT)] if PARTNERBOT.exists() else [sys.executable, "-m", "bot"]
        self.process = subprocess.Popen(
            [*command, "serve"],
            cwd=cwd,
            env={**env, "PARTNERBOT_HTTP_PORT": str(self.port)},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)

    @property
    def leads(self) -> bool:
        return any("now runs the sweeps" in line for line in self.lines)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def wait_up(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url("/healthz"), timeout=1).status_code in (200, 503):
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise AssertionError("worker never came up:\n" + "".join(self.lines))

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=30)


def environment(database_url: str, api: FakeBotApi, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARTNERBOT_")}
    env.update(
        PARTNERBOT_DATABASE_URL=database_url,
        PARTNERBOT_TELEGRAM_TOKEN=TOKEN,
        PARTNERBOT_TELEGRAM_BASE_URL=api.base_url,
        PARTNERBOT_LOG_LEVEL="INFO",
        PARTNERBOT_SWEEP_SECONDS="1",
        **extra,
    )
    return env


def until(condition, timeout: float = 30, every: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return False


def test_serve_answers_health_metrics_and_the_webhook(tmp_path: Path) -> None:
    with FakeBotApi() as api:
        env = environment(
            f"sqlite:///{tmp_path / 'serve.db'}",
            api,
            PARTNERBOT_TELEGRAM_WEBHOOK_URL="https://bot.example.org/telegram",
            PARTNERBOT_TELEGRAM_WEBHOOK_SECRET="s3cret-token",
        )
        worker = Worker(tmp_path, env)
        try:
            worker.wait_up()
            health = httpx.get(worker.url("/healthz"))
            assert health.status_code == 200
            assert health.json() == {"telegram": "up", "database": "ok"}
            update = {
                "update_id": 9,
                "message": {
                    "message_id": 1,
                    "date": int(time.time()),
                    "text": "/help",
                    "from": {"id": 5, "is_bot": False, "first_name": "Ana"},
                    "chat": {"id": 5, "type": "private"},
                    "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
                },
            }
            refused = httpx.post(worker.url("/telegram"), json=update)
            assert refused.status_code == 403
            accepted = httpx.post(
                worker.url("/telegram"),
                json=update,
                headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"},
            )
            assert accepted.status_code == 200
            assert until(lambda: api.sent_texts())
            assert any(m == "setWebhook" for m, _ in api.calls)
            metrics = httpx.get(worker.url("/metrics")).text
            assert 'partnerbot_updates_handled_total{platform="telegram"} 1.0' in metrics
            assert "partnerbot_dialog_step_seconds_bucket" in metrics
            assert "partnerbot_notifications_queued" in metrics
        finally:
            worker.stop()
        assert worker.process.returncode == 0, "".join(worker.lines)
        assert TOKEN not in "".join(worker.lines)


def _due_partnerships(db, vocab, count: int, chats: Iterator[int]) -> None:
    with db.write() as s:
        for _ in range(count):
            zone, today = daytime_zone()  # day for them, whatever the hour of the run
            _, field, donor = active_partnership(s, vocab, first_due=today, timezones=(zone, zone))
            for actor in (field, donor):
                chat = str(next(chats))
                s.add(
                    ChannelIdentity(
                        stakeholder_id=actor.id,
                        platform="telegram",
                        external_user_id=chat,
                        chat_id=chat,
                    )
                )


def test_three_workers_share_the_work_and_survive_losing_the_leader(
    tmp_path, pg_server, vocab
) -> None:
    import itertools

    schema = make_pg_schema(pg_server)
    db = pg_database(pg_server, schema)
    upgrade(db.engine)
    chats = itertools.count(70000)
    with db.write() as s:
        s.add(Stakeholder(name="nobody"))  # ids of people start above the chat ids' range
    workers: list[Worker] = []
    try:
        with FakeBotApi() as api:
            url = f"{pg_server}?options=-csearch_path%3D{schema}"
            _due_partnerships(db, vocab, 5, chats)
            workers = [Worker(tmp_path, environment(url, api)) for _ in range(3)]
            for worker in workers:
                worker.wait_up()

            def delivered() -> Counter:
                """Reminders received, by chat."""
                return Counter(
                    p.get("chat_id")
                    for m, p in api.calls
                    if m == "sendMessage" and "due today" in p.get("text", "")
                )

            def sends() -> Counter:
                return Counter(
                    (p.get("chat_id"), p.get("text")) for m, p in api.calls if m == "sendMessage"
                )

            assert until(lambda: len(delivered()) >= 10, timeout=60), delivered()
            assert until(lambda: sum(w.leads for w in workers) >= 1)
            leader = next(w for w in workers if w.leads)
            leader.stop(signal.SIGKILL)
            _due_partnerships(db, vocab, 5, chats)
            assert until(lambda: len(delivered()) >= 20, timeout=60), delivered()
            assert sum(w.leads for w in workers if w is not leader) >= 1  # another took over
            time.sleep(3)  # a few more sweeps by the survivors
            counts = delivered()
            assert len(counts) == 20 and set(counts.values()) == {1}, counts  # each once
            assert max(sends().values()) == 1  # and no notice of any kind twice
    finally:
        for worker in workers:
            worker.stop(signal.SIGKILL)
        db.dispose()
        drop_pg_schema(pg_server, schema)
