"""A chat in the terminal: the same dialogs as on Telegram and Slack, with numbered choices.
Works with piped input too, so it can be scripted."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any, TextIO

from bot.chatbot import ChatBot
from bot.commands import parse_command_text
from bot.i18n import N_, Tr, supported
from bot.messages import Inbound, Outcome, Progress, Reply, Sender
from bot.outbox import NotHere, Recipient
from bot.text import Text
from core.models.enums import Platform

BOLD, ITALIC, RESET = "\033[1m", "\033[3m", "\033[0m"
WELCOME = N_("Partnerbot — chatting as “{user}”. Type /help, or /quit to leave.")
NOTIFICATION = N_("— notification —")
SAVED_TO = N_("(saved to {path})")
GOODBYE = N_("Goodbye! Your answers so far are kept for next time.")


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
        language = terminal_language()
        self.sender = Sender(
            Platform.console,
            user_id=user,
            chat_id=user,
            display_name=user.replace("_", " ").title(),
            handle=user,
            language_hint=language,
        )
        self.numbered: dict[str, str] = {}
        # The replies awaiting an answer: shown again below any notice that comes in
        # between, so that the numbers typed next answer them and not the notice.
        self.question: list[Reply] = []
        self.noticed = False
        self.ctrl_c = CtrlC()
        self.tr = Tr(supported(language))  # until the bot says which language it speaks
        self.dispatcher = bot.dispatcher([ConsoleChannel(self)])

    def run(self, before: Callable[[], object] | None = None) -> int:
        """Until /quit, the end of the input or Ctrl-C: each ends with a goodbye, since what
        was answered so far is kept either way. `before` runs first, Ctrl-C meaning the same."""
        try:
            with self.ctrl_c.installed():
                if before is not None:
                    before()
                self._converse()
        except KeyboardInterrupt:
            self._write("\n")  # the ^C was typed on the prompt's line
        return self.goodbye()

    def goodbye(self) -> int:
        self._write(self.render(self.tr(GOODBYE)) + "\n")
        self.stdout.flush()
        return 0

    def _converse(self) -> None:
        first = self.bot.respond(Inbound(self.sender, command="start"))
        self._speak(first.language)
        self._write(self.render(self.tr(WELCOME, user=self.sender.user_id)) + "\n")
        self._answer(first)
        while True:
            self.ctrl_c.check()
            self._show_notices()
            if self.interactive:
                self._write("> ")
            line = self.stdin.readline()
            if not line:
                return
            line = line.strip()
            if not self.interactive:
                self._write(f"> {line}\n")  # a scripted session reads as a transcript
            if line in ("/quit", "/exit"):
                return
            if line:
                self._answer(self.bot.respond(self.parse(line)))

    def _speak(self, language: str) -> None:
        if language and language != self.tr.language:
            self.tr = Tr(language)

    def parse(self, line: str) -> Inbound:
        command = parse_command_text(line)
        if command is not None:
            return Inbound(self.sender, command=command[0], args=command[1])
        if line in self.numbered:
            return Inbound(self.sender, action=self.numbered[line])
        return Inbound(self.sender, text=line)

    def _answer(self, outcome: Outcome) -> None:
        self._speak(outcome.language)
        self.numbered = {}
        self.question = [reply for reply in outcome.replies if reply.buttons]
        self._show(outcome.replies)

    def _show(self, replies: list[Reply], *, first: int | None = None) -> None:
        """Writes replies, their choices numbered from `first`, or after those already
        on the screen, so that every number shown means one thing."""
        number = len(self.numbered) + 1 if first is None else first
        for reply in replies:
            self._write(self.render(reply.text) + "\n")
            if reply.attachment is not None:
                saved = self.tr(SAVED_TO, path=str(reply.attachment.path))
                self._write(f"  {self.render(saved)}\n")
            for row in reply.buttons:
                cells = []
                for button in row:
                    self.numbered[str(number)] = button.action
                    cells.append(f"[{number}] {button.label}")
                    number += 1
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
        Slack would, so they are marked sent exactly when they are shown; then the waiting
        question again, with the numbers it had (the notices' choices come after them)."""
        self.noticed = False
        with self.ctrl_c.held():
            asyncio.run(self.dispatcher.run_once())
        if self.noticed and self.question:
            self._show(self.question, first=1)

    def notice(self, replies: list[Reply]) -> None:
        self._write(self.render(self.tr(NOTIFICATION)) + "\n")
        self._show(replies)
        self.noticed = True

    def _write(self, text: str) -> None:
        self.stdout.write(text)


def terminal_language() -> str | None:
    """What the terminal says (LANG=fr_FR.UTF-8: fr), until the person says theirs."""
    return (os.environ.get("LANG") or "").split(".")[0] or None


class CtrlC:
    """Ctrl-C while the chat runs. Python runs a signal handler wherever the chat happens to
    be, a garbage collector's callback included, where the KeyboardInterrupt it raises is
    printed and lost; so a press is also remembered, and checked for between lines. While a
    delivery is under way it is only remembered: asyncio's own Ctrl-C handling can surface
    as a CancelledError, and a notice is then both shown and marked sent, or neither."""

    def __init__(self) -> None:
        self.pressed = self.holding = False

    def __call__(self, _signal: int, _frame: object) -> None:
        self.pressed = True
        if not self.holding:
            raise KeyboardInterrupt

    def check(self) -> None:
        if self.pressed:
            raise KeyboardInterrupt

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        self.holding = True
        try:
            yield
        finally:
            self.holding = False
        self.check()

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        main = threading.current_thread() is threading.main_thread()
        if not main or signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
            yield  # not ours to change: a thread, or a host that handles Ctrl-C itself
            return
        hook = sys.unraisablehook
        signal.signal(signal.SIGINT, self)
        sys.unraisablehook = self._quiet(hook)
        try:
            yield
        finally:
            signal.signal(signal.SIGINT, signal.default_int_handler)
            sys.unraisablehook = hook

    @staticmethod
    def _quiet(hook: Callable[[Any], object]) -> Callable[[Any], object]:
        """The lost KeyboardInterrupts go unprinted: the chat sees the press anyway."""
        return lambda lost: None if isinstance(lost.exc_value, KeyboardInterrupt) else hook(lost)


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
        self.chat.notice(replies)
