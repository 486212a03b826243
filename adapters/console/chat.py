"""A chat in the terminal: the same dialogs as on Telegram and Slack, with numbered choices.
Works with piped input too, so it can be scripted."""

from __future__ import annotations

import asyncio
import os
from typing import TextIO

from bot.chatbot import ChatBot
from bot.commands import parse_command_text
from bot.messages import Inbound, Progress, Reply, Sender
from bot.outbox import Dispatcher, NotHere, Recipient
from bot.text import Text
from core.models.enums import Platform

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
        self.dispatcher = Dispatcher(bot.db, bot.vocab, [ConsoleChannel(self)])

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
        command = parse_command_text(line)
        if command is not None:
            return Inbound(self.sender, command=command[0], args=command[1])
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
        """Delivers this person's pending notifications through the outbox, as Telegram or
        Slack would, so they are marked sent exactly when they are shown."""
        asyncio.run(self.dispatcher.run_once())

    def _write(self, text: str) -> None:
        self.stdout.write(text)


class ConsoleChannel:
    """The outbox channel of the terminal: only the person chatting can be reached."""

    platform = Platform.console

    def __init__(self, chat: ConsoleChat) -> None:
        self.chat = chat

    async def deliver(
        self, recipient: Recipient, replies: list[Reply], progress: Progress | None = None
    ) -> None:
        if recipient.user_id != self.chat.sender.user_id:
            raise NotHere("not at the terminal")
        self.chat._write("— notification —\n")
        self.chat._show(replies)
