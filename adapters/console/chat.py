"""A chat in the terminal: the same dialogs as on Telegram and Slack, with numbered choices.
Works with piped input too, so it can be scripted."""

from __future__ import annotations

import os
from typing import TextIO

from bot.chatbot import ChatBot
from bot.i18n import Tr
from bot.messages import Inbound, Reply, Sender
from bot.notices import render_notice
from bot.text import Text
from core.models import ChannelIdentity, Stakeholder
from core.models.enums import Platform
from core.notifications import take_pending
from core.people import identity_for

BOLD, ITALIC, RESET = "\033[1m", "\033[3m", "\033[0m"


class ConsoleChat:
    def __init__(
        self,
        bot: ChatBot,
        user: str,
        stdin: TextIO,
        stdout: TextIO,
        *,
        colour: bool | None = None,
    ) -> None:
        self.bot = bot
        self.stdin, self.stdout = stdin, stdout
        self.interactive = stdin.isatty()
        self.colour = self.interactive and stdout.isatty() if colour is None else colour
        language = (os.environ.get("LANG") or "").split(".")[0] or None
        self.sender = Sender(
            Platform.console,
            user_id=user,
            chat_id=user,
            display_name=user.replace("_", " ").title(),
            handle=user,
            language_hint=language,
        )
        self.numbered: dict[str, str] = {}

    def run(self) -> int:
        self._write(
            f"Partnerbot — chatting as “{self.sender.user_id}”. Type /help, or /quit to leave.\n"
        )
        self._show(self.bot.handle(Inbound(self.sender, command="start")))
        while True:
            self._show_notices()
            if self.interactive:
                self._write("> ")
            line = self.stdin.readline()
            if not line:
                break
            line = line.strip()
            if not self.interactive:
                self._write(f"> {line}\n")  # a scripted session reads as a transcript
            if line in ("/quit", "/exit"):
                break
            if line:
                self._show(self.bot.handle(self.parse(line)))
        return 0

    def parse(self, line: str) -> Inbound:
        if line.startswith("/"):
            command, _, args = line[1:].partition(" ")
            return Inbound(self.sender, command=command.lower(), args=args.strip())
        if line in self.numbered:
            return Inbound(self.sender, action=self.numbered[line])
        return Inbound(self.sender, text=line)

    def _show(self, replies: list[Reply]) -> None:
        self.numbered = {}
        for reply in replies:
            self._write(self.render(reply.text) + "\n")
            if reply.attachment is not None:
                self._write(f"  (saved to {reply.attachment.path})\n")
            for row in reply.buttons:
                cells = []
                for button in row:
                    number = str(len(self.numbered) + 1)
                    self.numbered[number] = button.action
                    cells.append(f"[{number}] {button.label}")
                self._write("   " + "   ".join(cells) + "\n")
        self.stdout.flush()

    def render(self, text: Text) -> str:
        out = []
        for span in text.spans:
            piece = span.text
            if span.link:
                piece = f"{piece} <{span.link}>"
            if self.colour and (span.bold or span.italic):
                piece = (BOLD if span.bold else ITALIC) + piece + RESET
            out.append(piece)
        return "".join(out)

    def _show_notices(self) -> None:
        with self.bot.db.write() as session:
            identity = identity_for(session, Platform.console, self.sender.user_id)
            person = _person(session, identity)
            if person is None or person.id is None:
                return
            replies = [
                render_notice(Tr(person.language), n) for n in take_pending(session, person.id)
            ]
        if replies:
            self._write("— notifications —\n")
            self._show(replies)

    def _write(self, text: str) -> None:
        self.stdout.write(text)


def _person(session: object, identity: ChannelIdentity | None) -> Stakeholder | None:
    if identity is None or identity.stakeholder_id is None:
        return None
    return session.get(Stakeholder, identity.stakeholder_id)  # type: ignore[attr-defined]
