"""A Bot API server on loopback, for running the real `partnerbot run` against: it answers
the calls a polling bot makes, hands out queued updates, and records what the bot sent."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from tests.adapters.telegram_offline import BOT_USER, message_sent


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client killed on purpose hangs up mid-answer: nothing to report."""


class FakeBotApi:
    def __init__(self) -> None:
        self.updates: list[dict[str, Any]] = []
        self.refuse_sends = False
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.paths: list[str] = []
        self._lock = threading.Lock()
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode() if length else ""
                params = {k: v[0] for k, v in parse_qs(raw).items()}
                method = self.path.rsplit("/", 1)[-1]
                if api.refuse_sends and method == "sendMessage":
                    self.send_response(502)  # the platform is down: nothing was delivered
                    self.send_header("Content-Type", "application/json")
                    self.end_headers()
                    self.wfile.write(b'{"ok": false, "error_code": 502, "description": "Bad"}')
                    return
                body = json.dumps({"ok": True, "result": api.answer(self.path, method, params)})
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body.encode())

            def log_message(self, *args: Any) -> None:
                return None

        self.server = QuietServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/bot"

    def answer(self, path: str, method: str, params: dict[str, Any]) -> Any:
        with self._lock:
            self.paths.append(path)
            self.calls.append((method, params))
            if method == "getMe":
                return BOT_USER
            if method == "getUpdates":
                offset = int(params.get("offset", 0))
                due = [u for u in self.updates if u["update_id"] >= offset]
                if due:
                    return due
        if method == "getUpdates":
            time.sleep(0.2)  # a short long-poll
            return []
        if method == "sendMessage":
            return message_sent(params, len(self.calls))
        return True

    def sent_texts(self) -> list[str]:
        with self._lock:
            return [p.get("text", "") for m, p in self.calls if m == "sendMessage"]

    def __enter__(self) -> FakeBotApi:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
