"""Slack's Web API on loopback, on an ephemeral port: answers the calls the app makes with
valid JSON and records each one. Failures can be queued per method."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs


class FakeSlackApi:
    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.users: dict[str, dict[str, Any]] = {}  # what users.info answers, by user id
        self.failures: dict[str, list[tuple[int, dict[str, Any], dict[str, str]]]] = {}
        self._lock = threading.Lock()
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                kind = self.headers.get("Content-Type", "")
                if "json" in kind:
                    params = json.loads(raw or b"{}")
                elif "x-www-form-urlencoded" in kind:
                    params = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
                else:
                    params = {"bytes": len(raw)}
                path, _, query = self.path.partition("?")
                params.update({k: v[0] for k, v in parse_qs(query).items()})
                method = path.rsplit("/", 1)[-1]
                status, body, headers = api.answer(method, params)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(json.dumps(body).encode())

            do_GET = do_POST

            def log_message(self, *args: Any) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/api/"

    def answer(self, method: str, params: dict[str, Any]) -> tuple[int, dict, dict[str, str]]:
        with self._lock:
            self.calls.append((method, params))
            queued = self.failures.get(method)
            if queued:
                return queued.pop(0)
        results: dict[str, dict[str, Any]] = {
            "auth.test": {
                "user_id": "UBOT",
                "bot_id": "BBOT",
                "team_id": "T1",
                "team": "Test",
                "user": "partnerbot",
                "url": "https://test.slack.com/",
            },
            "chat.postMessage": {"channel": params.get("channel", "D1"), "ts": f"{time.time()}"},
            "chat.update": {"channel": params.get("channel"), "ts": params.get("ts")},
            "views.open": {"view": {"id": "V1"}},
            "views.publish": {"view": {"id": "VH"}},
            "conversations.open": {"channel": {"id": "D" + str(params.get("users", "X"))}},
            "files.getUploadURLExternal": {"upload_url": f"{self.url}upload", "file_id": "F1"},
            "files.completeUploadExternal": {"files": [{"id": "F1", "title": "file"}]},
            "chat.postEphemeral": {"message_ts": f"{time.time()}"},
        }
        if method == "users.info":
            user = self.users.get(str(params.get("user")))
            if user is None:
                return 200, {"ok": False, "error": "user_not_found"}, {}
            return 200, {"ok": True, "user": user}, {}
        return 200, {"ok": True, **results.get(method, {})}, {}

    def named(self, method: str) -> list[dict[str, Any]]:
        with self._lock:
            return [params for name, params in self.calls if name == method]

    def texts(self, method: str = "chat.postMessage") -> str:
        return "\n".join(str(p.get("text", "")) for p in self.named(method))

    def clear(self) -> None:
        with self._lock:
            self.calls.clear()

    def __enter__(self) -> FakeSlackApi:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
