"""Signed, expiring tokens for links the bot sends in a chat (a coordinator's way into the
web pages that are not public): the link is the login, so it carries who and until when,
signed with a secret only the server knows."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime, timedelta


def sign(secret: bytes, stakeholder_id: int, expires: datetime) -> str:
    payload = f"{stakeholder_id}.{int(expires.timestamp())}"
    return f"{payload}.{_mac(secret, payload)}"


def signed_for(secret: bytes, stakeholder_id: int, now: datetime, minutes: int) -> str:
    return sign(secret, stakeholder_id, now + timedelta(minutes=minutes))


def verify(secret: bytes, token: str, now: datetime) -> int | None:
    """The stakeholder a token was made for, or None if forged, altered or expired."""
    if not token.isascii() or len(token) > 100:  # compare_digest refuses other text
        return None
    parts = token.split(".")
    if len(parts) != 3 or not parts[0].isdecimal() or not parts[1].isdecimal():
        return None
    payload = f"{parts[0]}.{parts[1]}"
    if not hmac.compare_digest(_mac(secret, payload), parts[2]):
        return None
    if int(parts[1]) < now.timestamp():
        return None
    return int(parts[0])


def _mac(secret: bytes, payload: str) -> str:
    digest = hmac.new(secret, payload.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode()
