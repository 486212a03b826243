"""Hostile and odd input at every step of the dialogs: unicode, huge input, markup,
injection strings, odd numbers and dates. Always a polite reply, never an unhandled error,
and nothing stored that does not pass validation."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from bot.chatbot import ChatBot
from bot.errors import GENERIC
from core.listings import draft_of, get_listing, validate_draft
from core.models import Listing, Organisation
from tests.chat import Person, onboard

NASTY = [
    "",
    " ",
    "\x00",
    "\u202e\u202d",
    "\u200b",
    "🦺💣",
    "ﷺ" * 50,
    "a" * 5000,
    "<b>x</b>",
    "**bold**",
    "__it__",
    "[x](javascript:alert(1))",
    "'; DROP TABLE listing; --",
    "${jndi:ldap://x}",
    "{{7*7}}",
    "{name}",
    "%s%s%s",
    "../../etc/passwd",
    "NaN",
    "Infinity",
    "-0",
    "1e309",
    "1e-309",
    "99999999999999999999999",
    "0,000.00.0",
    "1 000 000 000 000 000",
    "2027-02-30",
    "0000-00-00",
    "31/31/2031",
    "9999-99",
    "2027-13-01",
    "yesterday",
    "-5 kits",
    "50000",
    "USD",
    "$",
    "€€€ 5",
    "12,34,56 EUR",
    "\n\n\n",
    "1\n2",
    "/",
    "//need",
    "é" * 121,
]
texts = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=300),
    st.text(alphabet=st.characters(categories=["Nd", "P", "Zs"]), max_size=30),
)
fuzz = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def bot(sqlite_db, vocab) -> ChatBot:
    return ChatBot(sqlite_db, vocab)


def polite(person: Person) -> None:
    assert person.replies, "silence"
    assert str(GENERIC) not in person.text, "an unexpected error"


NEED_ANSWERS = [
    ("tap", "Equipment"),
    ("tap", "Victim assistance"),
    ("say", "Prosthetic kits"),
    ("tap", "In Cambodia"),
    ("say", "40 kits"),
    ("say", "2031-06-30"),
    ("tap", "High"),
]


@pytest.mark.parametrize("step", range(len(NEED_ANSWERS)))
def test_every_step_of_a_need_survives_anything(bot, sqlite_db, vocab, step) -> None:
    ana = Person(bot, "ana")
    onboard(ana)
    ana.command("need")
    for how, value in NEED_ANSWERS[:step]:
        getattr(ana, how)(value)
    question = ana.question.splitlines()[0]
    tried: list[str] = []

    @fuzz
    @given(text=texts)
    def attempt(text: str) -> None:
        tried.append(text)
        ana.say(text)
        polite(ana)
        if ana.question.splitlines()[0] != question:  # it was a valid answer: go back
            if "‹ Back" in ana.labels:
                ana.tap("Back")
            else:  # a summary or the next question without Back: start over
                ana.command("need")
                for how, value in NEED_ANSWERS[:step]:
                    getattr(ana, how)(value)

    attempt()
    assert len(tried) >= 20
    for how, value in NEED_ANSWERS[step:]:
        if how == "tap" and not any(value in label for label in ana.labels):
            break
        getattr(ana, how)(value)
    if "please check" in ana.text:
        ana.tap("Save")
    with sqlite_db.read() as s:
        for listing in s.exec(select(Listing)):
            validate_draft(draft_of(get_listing(s, listing.id)), vocab)  # raises if invalid


@fuzz
@given(text=texts)
def test_onboarding_names_and_organisations_survive_anything(bot, sqlite_db, text) -> None:
    someone = Person(bot, "fuzz")
    someone.command("start")
    if "English" in someone.labels:
        someone.tap("English")
    someone.say(text)
    polite(someone)
    someone.say(text)
    polite(someone)
    with sqlite_db.read() as s:
        for organisation in s.exec(select(Organisation)):
            assert 2 <= len(organisation.name) <= 200


@fuzz
@given(text=texts, command=st.text(max_size=40), token=st.text(max_size=80))
def test_free_text_commands_and_buttons_outside_dialogs(bot, text, command, token) -> None:
    ana = Person(bot, "ana-free")
    for send in (
        lambda: ana.say(text),
        lambda: ana.command(command.strip("/ ") or "x"),
        lambda: ana.press(token),
    ):
        send()
        polite(ana)
