"""Forgetting someone reaches everything the bot wrote: notices to other people that named
them (a role request, the contacts of a match), whether sent or waiting, and the files it
left on this machine."""

from __future__ import annotations

import tempfile
from pathlib import Path

from sqlmodel import SQLModel

from bot.chatbot import ChatBot
from bot.messages import FOLDER_PREFIX
from tests.chat import Person, actors, onboard, onboard_donor
from tests.factories import bot_settings, matched


def settings():
    return bot_settings(admins="console:root")


def files_naming(words: tuple[str, ...]) -> list[Path]:
    found = []
    for folder in Path(tempfile.gettempdir()).glob(f"{FOLDER_PREFIX}*"):
        for path in folder.iterdir() if folder.is_dir() else ():
            data = path.read_bytes()
            if any(w.encode() in data for w in words):
                found.append(path)
    return found


def test_forgetting_reaches_notices_to_others_and_files_left_behind(db, vocab) -> None:
    bot = ChatBot(db, vocab, settings())
    onboard(
        Person(bot, "root"),
        organisation="Secretariat",
        kind="Intergovernmental organisation",
        country="Switzerland",
    )
    zoe = Person(bot, "zoe_quintana")
    onboard(zoe, role="I coordinate", email="zoe.quintana@mekong.example.org")  # asks admins
    zoe.command("need")
    zoe.tap("Equipment")
    zoe.tap("Victim assistance")
    zoe.say("Prosthetic kits")
    zoe.tap("In Cambodia")
    zoe.say("40 kits")
    zoe.tap("Skip")
    zoe.tap("High")
    zoe.tap("Save")
    kim = Person(bot, "kim")
    onboard_donor(kim)
    z, k = actors(bot, "zoe_quintana", "kim")
    with db.write() as s:
        matched(s, vocab, z, k, accepted_by=(z, k))  # Kim's notice: Zoe's name and e-mail
    zoe.command("mydata")
    assert zoe.replies[-1].attachment is not None  # the terminal keeps this file on disk
    personal = ("Zoe_Quintana Tester", "zoe_quintana", "zoe.quintana@mekong.example.org")
    assert files_naming(personal)
    zoe.command("forgetme")
    zoe.tap("Yes")
    assert "your personal data is deleted" in zoe.text
    with db.read() as s:
        dump = []
        for table in SQLModel.metadata.sorted_tables:
            dump += [str(tuple(row)) for row in s.connection().execute(table.select())]
    leftovers = [row for row in dump if any(word in row for word in personal)]
    assert leftovers == []
    assert files_naming(personal) == []


def test_a_database_that_refuses_writes_is_said_honestly_and_logged_once(
    tmp_path, vocab, caplog
) -> None:
    import logging

    from sqlalchemy import event

    from bot.migrate import upgrade
    from core.storage import Database

    url = f"sqlite:///{tmp_path / 'ro.db'}"
    db = Database.from_url(url)
    upgrade(db.engine)
    onboard(Person(ChatBot(db, vocab), "ana"))
    db.dispose()
    readonly = Database.from_url(url)

    @event.listens_for(readonly.engine, "connect")
    def _query_only(connection, _record) -> None:  # type: ignore[no-untyped-def]
        connection.execute("PRAGMA query_only = 1")  # as a read-only file would behave

    ana = Person(ChatBot(readonly, vocab), "ana")
    with caplog.at_level(logging.WARNING):
        ana.command("need")
    assert "I could not save your last answer" in ana.text
    assert "Your answers so far are kept" not in ana.text
    said = [r for r in caplog.records if r.name == "bot.chatbot"]
    assert len(said) == 1 and "refuses to write" in said[0].getMessage()
    assert said[0].exc_info is None  # one line, no traceback
    readonly.dispose()
