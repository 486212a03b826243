"""One message builds its dialog once and asks each step for its choices once, however many
times the reply, the summary and the parsing need them."""

from __future__ import annotations

from collections import Counter
from typing import Any

from bot.chatbot import ChatBot
from bot.dialogs.steps import Choice, Ctx, Dialog, Kind, Step
from bot.messages import Reply
from core.storage import Database
from core.vocabularies import Vocabularies
from tests.chat import Person, onboard

CALLS: Counter[str] = Counter()


def _colours(ctx: Ctx) -> list[Choice]:
    CALLS["choices"] += 1
    return [Choice("red", "Red"), Choice("blue", "Blue")]


def _built(ctx: Ctx) -> tuple[Step, ...]:
    CALLS["build"] += 1
    return (
        Step("colour", "Which colour?", Kind.choice, label="Colour", choices=_colours),
        Step("size", "Which size?", Kind.choice, label="Size", choices=_colours),
    )


def _save(ctx: Ctx) -> list[Reply]:
    return [Reply(f"Saved {ctx.answer('colour')} {ctx.answer('size')}")]


def test_a_message_builds_its_dialog_once(sqlite_db: Database, vocab: Vocabularies) -> Any:
    bot = ChatBot(sqlite_db, vocab)
    bot.engine.dialogs["colours"] = Dialog("colours", "Colours", (), _save, build=_built)
    ana = Person(bot, "ana")
    onboard(ana)
    with sqlite_db.write() as session:
        ctx, _ = bot._context(session, ana.sender)
        bot.engine.start(ctx, "colours")
    CALLS.clear()
    ana.say("red")  # parse the answer, store it, ask the next question with its buttons
    assert ana.question == "Which size?"
    assert CALLS == {"build": 1, "choices": 2}  # once for each of the two steps
    CALLS.clear()
    ana.tap("Blue")  # the tap, then the summary that shows both answers
    assert "please check" in ana.text
    assert CALLS == {"build": 1, "choices": 2}
    ana.tap("Save")
    assert "Saved red blue" in ana.text
