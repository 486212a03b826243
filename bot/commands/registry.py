"""The command registry: each command is declared once (its name, summary, arguments, who may
use it, whether it shows in menus) and that one declaration drives every surface: Telegram's
command menus, Slack's `/partners <command>`, the terminal, `/help` and the Slack manifest.

Role checks live here, in the declaration, not inside handlers."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.dialogs.engine import Ctx
from core.errors import DomainError
from core.models import Conversation
from core.models.enums import Role
from core.storage import MAX_ID, possible_id

if TYPE_CHECKING:
    from bot.chatbot import ChatBot
    from bot.messages import Reply

Handler = Callable[["ChatBot", Ctx, "Conversation | None", str], "list[Reply]"]

COORDINATORS = frozenset({Role.coordinator, Role.admin})
ADMINS = frozenset({Role.admin})
SLACK_COMMAND = "/partners"  # the Slack app's one slash command (adapters/slack/manifest.yml)
MAX_ID_DIGITS = len(str(MAX_ID))  # longer "numbers" name nothing: not even int() is asked


@dataclass(frozen=True)
class Command:
    name: str
    handler: Handler
    summary: str = ""  # translatable (N_); empty for the commands behind buttons
    args: str = ""  # the usage of its arguments, e.g. "N" or "listing N"; not translated
    roles: frozenset[Role] = frozenset()  # empty: anyone registered
    registered: bool = True  # False: usable before the introduction is finished
    menu: bool = True  # listed in /help and the menus (when it has a summary)
    form: str = ""  # the dialog shown as one screen where the surface has forms (Slack)
    # For a form about one record (a consultation's answers): from the arguments, the
    # dialog's context and the answers given before.
    form_context: Callable[[Ctx, str], tuple[dict[str, Any], dict[str, Any]]] | None = None
    info: bool = False  # counted as information looked at, for the trial's evaluation
    # Variants chosen by the first word of the arguments ("/partnership new"), each with its
    # own roles.
    variants: tuple[Command, ...] = ()

    @property
    def listed(self) -> bool:
        return self.menu and bool(self.summary)

    def allows(self, roles: frozenset[Role]) -> bool:
        return not self.roles or bool(roles & self.roles)

    def variant(self, args: str) -> tuple[Command, str]:
        """The declaration that applies to these arguments, and the arguments left for it."""
        head, _, rest = args.strip().partition(" ")
        for variant in self.variants:
            if head.lower() == variant.name:
                return variant, rest.strip()
        return self, args.strip()

    def denial(self) -> DomainError:
        return DomainError(
            "denied.admin_only" if self.roles == ADMINS else "denied.coordinator_only"
        )


class Registry:
    """The commands by name, in the order /help lists them."""

    def __init__(self, commands: Iterable[Command]) -> None:
        self.by_name: dict[str, Command] = {}
        for command in commands:
            if command.name in self.by_name:
                raise ValueError(f"command /{command.name} declared twice")
            self.by_name[command.name] = command

    def get(self, name: str) -> Command | None:
        return self.by_name.get(name.lower())

    def listed(self, roles: frozenset[Role] | None = None) -> list[Command]:
        """What a person with these roles sees in /help and the menus (None: everyone's)."""
        return [
            c
            for c in self.by_name.values()
            if c.listed and (c.allows(roles) if roles is not None else not c.roles)
        ]

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.by_name)

    def __len__(self) -> int:
        return len(self.by_name)

    def values(self) -> Iterable[Command]:
        return self.by_name.values()


def parse_command_text(text: str, *, slash: bool = True) -> tuple[str, str] | None:
    """'/need@PartnerBot  args' -> ('need', 'args'): a command typed as text, the one parser
    every surface shares. With slash=False the text is a slash command's own text, as Slack
    sends what follows `/partners` ('partnership 4')."""
    text = text.strip()
    if slash:
        if not text.startswith("/"):
            return None
        text = text[1:]
    head, _, args = text.partition(" ")
    name = head.split("@", 1)[0].lower()
    if not name or not all(c.isalnum() or c == "_" for c in name):
        return None
    return name, args.strip()


def number(args: str, missing: str) -> int:
    """A typed or button id ('12', '#12'). Anything else names nothing: not digits (a
    superscript ² is a digit to str.isdigit(), not to int()), or more than an id can be (a
    million digits would cost int() seconds, or make it refuse)."""
    digits = args.strip().lstrip("#")
    if not digits.isdecimal() or len(digits.lstrip("0")) > MAX_ID_DIGITS:
        raise DomainError(missing)
    if not possible_id(int(digits)):
        raise DomainError(missing)
    return int(digits)
