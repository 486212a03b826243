"""The neutral message model: what every adapter turns platform events into, and what it
renders back. Nothing here knows a platform."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path

from bot.text import Text
from core.models.enums import Platform


@dataclass(frozen=True)
class Sender:
    """Who spoke: one account on one platform (a Slack account includes its workspace)."""

    platform: Platform
    user_id: str
    chat_id: str
    workspace: str = ""
    handle: str | None = None
    display_name: str | None = None
    language_hint: str | None = None  # the platform's idea of the person's language


@dataclass(frozen=True)
class FileRef:
    name: str
    platform_id: str
    mime_type: str | None = None


@dataclass(frozen=True)
class Inbound:
    """One thing a person did: typed text, sent a command, pressed a button or sent a file."""

    sender: Sender
    text: str | None = None
    command: str | None = None  # without the slash, lower case
    args: str = ""
    action: str | None = None  # the opaque token of a pressed button
    file: FileRef | None = None
    update_id: str | None = None  # the platform's id, to ignore deliveries seen before


@dataclass(frozen=True)
class Button:
    label: str
    action: str  # an opaque token, at most 64 bytes (Telegram's callback_data limit)


FOLDER_PREFIX = "partnerbot-"  # the private temporary folders files are made in


@dataclass(frozen=True)
class Attachment:
    """A file made for one reply (a chart, an export) in its own private temporary folder."""

    filename: str
    path: Path
    mime_type: str
    is_image: bool = False

    def discard(self) -> None:
        """Removes the file and its folder once sent: exports hold personal data, which
        must not pile up in the temporary folder."""
        self.path.unlink(missing_ok=True)
        if self.path.parent.name.startswith(FOLDER_PREFIX):  # a folder made for it, not any
            with contextlib.suppress(OSError):  # removed only when nothing else is in it
                self.path.parent.rmdir()


@dataclass(frozen=True)
class Reply:
    """One message back. `edit` asks to replace the message whose button was pressed (used
    by multi-choice check marks) instead of sending a new one."""

    text: Text
    buttons: tuple[tuple[Button, ...], ...] = ()
    attachment: Attachment | None = None
    edit: bool = False
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def all_buttons(self) -> list[Button]:
        return [button for row in self.buttons for button in row]


@dataclass
class Progress:
    """How far one delivery got: a long text goes out as several messages, and a retry after
    a failure part-way sends only the messages that did not go out."""

    sent: int = 0
    # Messages met so far in the current attempt: bookkeeping, not part of the value.
    _met: int = field(default=0, init=False, repr=False, compare=False)

    def attempt(self) -> None:
        self._met = 0

    def pending(self) -> bool:
        """Whether the next message in order still has to go out; ask once per message."""
        self._met += 1
        return self._met > self.sent

    def done(self) -> None:
        self.sent += 1
