"""Button tokens. A token is short and opaque to the platform (Telegram allows 64 bytes of
callback_data) and is resolved here, on the server, where permissions are checked again.

  d:<nonce>.<revision>:<op>:<arg>   a button of a dialog step (stale if nonce or revision differ)
  c:<command>:<arg>                 a button that runs a command on something, e.g. c:withdraw:12

Every token is made by dialog_token() or command_token(), never typed by hand: they check
the length, which Telegram would otherwise refuse when the message is sent.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_BYTES = 64


@dataclass(frozen=True)
class DialogAction:
    nonce: str
    revision: int
    op: str
    arg: str


@dataclass(frozen=True)
class CommandAction:
    command: str
    arg: str


def dialog_token(nonce: str, revision: int, op: str, arg: str = "") -> str:
    return _checked(f"d:{nonce}.{revision:x}:{op}:{arg}")


def command_token(command: str, arg: str | int = "") -> str:
    return _checked(f"c:{command}:{arg}")


def parse_token(token: str) -> DialogAction | CommandAction | None:
    """None for anything we did not issue: a forged or garbled token is just ignored."""
    kind, _, rest = token.partition(":")
    if kind == "d":
        head, _, tail = rest.partition(":")
        nonce, _, revision = head.partition(".")
        op, _, arg = tail.partition(":")
        try:
            return DialogAction(nonce, int(revision, 16), op, arg) if nonce and op else None
        except ValueError:
            return None
    if kind == "c":
        command, _, arg = rest.partition(":")
        return CommandAction(command, arg) if command else None
    return None


def _checked(token: str) -> str:
    if len(token.encode()) > MAX_BYTES:
        raise ValueError(f"button token over {MAX_BYTES} bytes: {token!r}")
    return token
