"""The neutral message model: what every adapter turns platform events into, and what it
renders back. Nothing here knows a platform."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from bot.text import Text
from core.models.enums import Platform


class Kind(StrEnum):
    text = "text"
    number = "number"
    money_or_quantity = "money_or_quantity"
    date = "date"
    country = "country"
    region = "region"
    choice = "choice"
    multi = "multi"
    yes_no = "yes_no"


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class FormField:
    """One field of a dialog shown as a one-screen form (a Slack modal): the same step,
    described for a surface that asks everything at once."""

    name: str
    label: str
    hint: str
    kind: Kind
    choices: list[Choice]
    optional: bool
    multiline: bool
    initial: Any = None


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
class FormInput:
    """A submitted one-screen form (a Slack modal) of a dialog, or one only checked, which
    saves nothing and so never waits for the database's writer."""

    name: str
    values: dict[str, Any]
    check: bool = False
    context: dict[str, Any] = field(default_factory=dict)  # as the form was opened with


@dataclass(frozen=True)
class Inbound:
    """One thing a person did: typed text, sent a command, pressed a button, sent a file,
    opened or submitted a form, or looked at their home screen."""

    sender: Sender
    text: str | None = None
    command: str | None = None  # without the slash, lower case
    args: str = ""
    action: str | None = None  # the opaque token of a pressed button
    file: FileRef | None = None
    form: FormInput | None = None  # a submitted (or checked) form
    home: bool = False
    forms: bool = False  # the surface can show one-screen forms (Slack's modals)
    update_id: str | None = None  # the platform's id, to ignore deliveries seen before
    # The bot or app that received it (a Telegram bot's id, a Slack app and team): update ids
    # are unique only to it, and start again for a new bot.
    receiver: str = ""


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


@dataclass(frozen=True)
class Form:
    """A dialog as one screen, in the person's language, buttons included."""

    name: str
    title: str
    fields: list[FormField]
    submit: str
    close: str
    context: dict[str, Any] = field(default_factory=dict)  # the record it is about


@dataclass
class Outcome:
    """What handling one inbound gave: the replies; a form to show, or the errors of a
    submitted one by field; whether it was a repeated delivery (nothing happened); and the
    speaker's roles, for surfaces whose menus depend on them."""

    replies: list[Reply] = field(default_factory=list)
    form: Form | None = None
    errors: dict[str, str] = field(default_factory=dict)
    duplicate: bool = False
    roles: frozenset[str] = frozenset()
    language: str = ""


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
