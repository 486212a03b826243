"""Telegram without the internet: a BaseRequest that answers every Bot API call with valid
JSON and records it, as python-telegram-bot's own tests do, plus builders of real Update JSON.
The Application, the Bot and the handlers under test are PTB's real ones.

The load benchmark (benchmarks/load.py) runs on the same request and updates, so that what
it measures is what the tests check."""

from __future__ import annotations

import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

from telegram.request import BaseRequest, RequestData

BOT_USER = {
    "id": 4242,
    "is_bot": True,
    "first_name": "Partnerbot",
    "username": "PartnerTestBot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}


@dataclass
class Call:
    method: str
    params: dict[str, Any]

    @property
    def chat_id(self) -> str:
        return str(self.params.get("chat_id", ""))

    @property
    def buttons(self) -> list[list[dict[str, Any]]]:
        markup = self.params.get("reply_markup") or {}
        if isinstance(markup, str):
            markup = json.loads(markup)
        return markup.get("inline_keyboard", [])

    @property
    def labels(self) -> list[str]:
        return [b["text"] for row in self.buttons for b in row]


SENDS = frozenset({"sendMessage", "editMessageText", "sendPhoto", "sendDocument"})


def message_sent(params: dict[str, Any], message_id: int) -> dict[str, Any]:
    """The Message the Bot API answers a send (or an edit) with."""
    return {
        "message_id": message_id,
        "date": int(time.time()),
        "chat": {"id": int(params.get("chat_id") or 1), "type": "private"},
        "from": BOT_USER,
        "text": params.get("text") or params.get("caption") or "",
    }


@dataclass
class OfflineRequest(BaseRequest):
    calls: list[Call] = field(default_factory=list)
    # chat id -> the answers to its next calls: an error (status, description, retry_after),
    # or None for a call that goes through
    failures: dict[str, list[tuple[int, str, int | None] | None]] = field(default_factory=dict)
    _ids: Any = field(default_factory=lambda: itertools.count(100))
    # What was sent to each chat, so that finding one chat's messages does not read every
    # call (the load benchmark makes thousands, to hundreds of chats)
    _sent: dict[str, list[Call]] = field(default_factory=dict)

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> tuple[int, bytes]:
        api_method = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        call = Call(api_method, params)
        self.calls.append(call)
        if api_method in SENDS:
            self._sent.setdefault(call.chat_id, []).append(call)
        queued = self.failures.get(call.chat_id)
        failure = queued.pop(0) if queued else None
        if failure is not None:
            status, description, retry_after = failure
            body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
            if retry_after:
                body["parameters"] = {"retry_after": retry_after}
            return status, json.dumps(body).encode()
        return 200, json.dumps({"ok": True, "result": self._result(api_method, params)}).encode()

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method == "getUpdates":
            return []
        if method in SENDS:
            return message_sent(params, next(self._ids))
        return True

    def sent(self, chat_id: int | str | None = None) -> list[Call]:
        """The messages sent (or edited), to every chat or to one."""
        if chat_id is None:
            return [c for c in self.calls if c.method in SENDS]
        return list(self._sent.get(str(chat_id), ()))

    def button(self, chat_id: int | str, label: str) -> str:
        """The callback data of the newest button sent to this chat whose label contains
        `label`, as a person would press it."""
        sent = self._sent.get(str(chat_id), [])
        for call in reversed(sent):
            for row in call.buttons:
                for button in row:
                    if label in button["text"]:
                        return str(button["callback_data"])
        shown = [text for call in sent for text in call.labels]
        raise LookupError(f"no button {label!r} sent to chat {chat_id}: {shown}")

    def clear(self) -> None:
        self.calls.clear()
        self._sent.clear()


class Updates:
    """Real Update JSON as Telegram sends it."""

    def __init__(self) -> None:
        self._ids = itertools.count(1)

    def user(
        self, user_id: int, name: str = "Ana", language: str = "en", username: str | None = "ana"
    ) -> dict[str, Any]:
        user = {"id": user_id, "is_bot": False, "first_name": name, "language_code": language}
        if username:
            user["username"] = username
        return user

    def message(
        self,
        user: dict[str, Any],
        text: str,
        *,
        chat: dict[str, Any] | None = None,
        update_id: int | None = None,
    ) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": next(self._ids) + 1000,
            "date": int(time.time()),
            "chat": chat or {"id": user["id"], "type": "private", "first_name": user["first_name"]},
            "from": user,
            "text": text,
        }
        if text.startswith("/"):
            length = len(text.split()[0])
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return {"update_id": update_id or next(self._ids), "message": message}

    def press(self, user: dict[str, Any], data: str, *, message_id: int = 1) -> dict[str, Any]:
        return {
            "update_id": next(self._ids),
            "callback_query": {
                "id": f"cq{next(self._ids)}",
                "from": user,
                "chat_instance": "ci",
                "data": data,
                "message": {
                    "message_id": message_id,
                    "date": int(time.time()),
                    "chat": {"id": user["id"], "type": "private"},
                    "from": BOT_USER,
                    "text": "…",
                },
            },
        }
