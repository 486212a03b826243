"""The terminal chat in this process, where its input can be timed and interrupted: notices
that come while a question waits, its own lines in the person's language, and the ways it
ends (Ctrl-C, the end of the input)."""

from __future__ import annotations

import dataclasses
import io
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import adapters.console.chat as console
from adapters.console.chat import GOODBYE, ConsoleChat
from bot.chatbot import ChatBot
from bot.i18n import Tr
from bot.text import Text, markup
from core.demo import DemoPerson, demo_people, load_demo
from core.storage import Database
from core.vocabularies import Vocabularies

PARTNERBOT = Path(sys.executable).parent / "partnerbot"
BYE = str(Tr("en")(GOODBYE))


class Script(io.StringIO):
    """Typed lines; `before[n]` runs just before the n-th line (from 0) is read, as if
    something happened elsewhere while the person was reading."""

    def __init__(self, lines: list[str], before: dict[int, Callable[[], None]]) -> None:
        super().__init__("".join(f"{line}\n" for line in lines))
        self.before, self.read = before, 0

    def readline(self, *args: Any) -> str:
        if self.read in self.before:
            self.before[self.read]()
        self.read += 1
        return super().readline(*args)


class Interrupted(io.StringIO):
    """Ctrl-C while the chat waits for a line."""

    def readline(self, *args: Any) -> str:
        raise KeyboardInterrupt


def demo(handle: str, **changes: Any) -> DemoPerson:
    person = next(p for p in demo_people() if p.handle == handle)
    return dataclasses.replace(person, **changes)


def seed(db: Database, vocab: Vocabularies, *people: DemoPerson) -> None:
    with db.write() as session:
        load_demo(session, vocab, list(people))


def chat(db: Database, vocab: Vocabularies, user: str, stdin: io.StringIO) -> str:
    out = io.StringIO()
    assert ConsoleChat(ChatBot(db, vocab), user, stdin, out).run() == 0
    return out.getvalue()


def test_a_notice_while_a_question_waits_leaves_its_numbers_to_the_question(
    sqlite_db, vocab
) -> None:
    seed(sqlite_db, vocab, demo("sokha"))
    # A donor's offer matches Sokha's need while Sokha reads the first question of /need.
    offer_arrives = {0: lambda: seed(sqlite_db, vocab, demo("kenji"))}
    out = chat(sqlite_db, vocab, "sokha", Script(["/need", "2", "/quit"], offer_arrives))

    asked, answered = out.split("> 2\n")
    question = "What kind of assistance is needed?"
    notice = asked.split("— notification —\n", 1)[1]
    assert "Rehabilitation equipment for South-East Asia" in notice
    assert "[9] " in notice  # its choices come after the question's eight
    assert question in notice.split("[9] ", 1)[1]  # the question again, below the notice
    assert "[2] Equipment" in notice.rsplit(question, 1)[1]
    reply = answered.split("\n> ", 1)[0]
    assert "Survey and clearance (Article 5)" in reply  # "2" answered it: areas come next
    assert answered.rstrip().endswith(BYE)


class Marked(Tr):
    """Translates by naming the language it was asked for, whatever the catalogs hold."""

    def __call__(self, msgid: str, **params: Any) -> Text:
        return markup(f"[{self.language}] {msgid}", **params)


def test_its_own_lines_are_in_the_persons_language(
    sqlite_db, vocab, monkeypatch, made_folders
) -> None:
    monkeypatch.setenv("LANG", "C.UTF-8")  # the terminal says nothing; Sokha reads French
    monkeypatch.setattr(console, "Tr", Marked)
    seed(sqlite_db, vocab, demo("sokha", language="fr"))
    offer_arrives = {0: lambda: seed(sqlite_db, vocab, demo("kenji"))}
    try:
        out = chat(sqlite_db, vocab, "sokha", Script(["/mydata"], offer_arrives))
    finally:
        for folder in made_folders:
            shutil.rmtree(folder, ignore_errors=True)
    lines = out.splitlines()
    assert lines[0].startswith("[fr] Partnerbot — chatting as “sokha”.")
    assert "[fr] — notification —" in lines
    assert any(line.strip().startswith("[fr] (saved to ") for line in lines)
    assert lines[-1] == f"[fr] {GOODBYE}"
    assert "[en]" not in out


def test_the_end_of_the_input_and_ctrl_c_say_goodbye(sqlite_db, vocab) -> None:
    ended = chat(sqlite_db, vocab, "ana", io.StringIO(""))
    assert ended.rstrip().endswith(BYE)
    interrupted = chat(sqlite_db, vocab, "ana", Interrupted())
    assert interrupted.rstrip().endswith(BYE)


def test_ctrl_c_during_the_sweep_before_the_chat_says_goodbye(
    sqlite_db, vocab, monkeypatch, capsys
) -> None:
    import bot.app
    from bot.settings import load_settings

    def interrupted(_self: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(bot.app.Sweeper, "run", interrupted)
    monkeypatch.setattr(sys, "stdin", io.StringIO("/help\n"))
    settings = load_settings(database_url=str(sqlite_db.engine.url))
    app = bot.app.App(settings=settings, db=sqlite_db, vocab=vocab)
    assert bot.app.run_console(app, "ana") == 0
    assert capsys.readouterr().out.strip() == BYE


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT is POSIX")
def test_ctrl_c_in_a_real_chat_ends_it_with_no_traceback(tmp_path: Path) -> None:
    command = [str(PARTNERBOT)] if PARTNERBOT.exists() else [sys.executable, "-m", "bot"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARTNERBOT_")}
    process = subprocess.Popen(
        [*command, "chat", "--as", "ana"],
        cwd=tmp_path,
        env={**env, "LANG": "C.UTF-8", "PYTHONIOENCODING": "utf-8"},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    try:
        seen = ""
        while "[1]" not in seen:  # the first question is on the screen
            line = process.stdout.readline()
            assert line, process.stderr.read() if process.stderr else ""
            seen += line
        process.send_signal(signal.SIGINT)
        rest, errors = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 0, errors
    assert "Traceback" not in rest + errors
    assert rest.rstrip().endswith(BYE)
