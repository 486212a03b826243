"""The coordinators' way into the web pages that are not public: a link sent in the chat,
signed with the server's secret and valid for a while (core.signed_links). Without a
configured secret, one is drawn when the process starts: links then end with it."""

from __future__ import annotations

import functools
import secrets
from datetime import datetime

from bot.settings import Settings
from core.signed_links import signed_for

COORDINATORS_PATH = "/coordinators"


@functools.cache
def _drawn() -> bytes:
    return secrets.token_bytes(32)


def login_secret(settings: Settings) -> bytes:
    configured = settings.web_secret
    return configured.get_secret_value().encode() if configured is not None else _drawn()


def login_link(settings: Settings, stakeholder_id: int, now: datetime) -> str:
    token = signed_for(login_secret(settings), stakeholder_id, now, settings.web_login_minutes)
    return f"{settings.base_url}{COORDINATORS_PATH}?token={token}"
