"""Hostile and odd input at every step of the dialogs: unicode, huge input, markup,
injection strings, odd numbers and dates. Always a polite reply, never an unhandled error,
and nothing stored that does not pass validation."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from bot.chatbot import ChatBot
from bot.errors import GENERIC
from core.errors import InvalidInput
from core.listings import draft_of, get_listing, validate_draft
from core.models import ChannelIdentity, Listing, Organisation, Stakeholder
from core.people import find_organisation_by_name, search_organisations
from core.validation import clean_text
from tests.chat import (
    COUNTRY_ASKED,
    KIND_ASKED,
    LANGUAGE_ASKED,
    NAME_ASKED,
    ORGANISATION_ASKED,
    REACH_ASKED,
    ROLE_ASKED,
    SUMMARY_ASKED,
    TIMEZONE_ASKED,
    Person,
    onboard,
)
from tests.factories import in_a_year

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
# The same examples on every run (and no example replayed from an earlier run's database),
# so that the suite passes or fails the same way each time.
fuzz = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def bot(sqlite_db, vocab) -> ChatBot:
    return ChatBot(sqlite_db, vocab)


def polite(person: Person) -> None:
    assert person.replies, "silence"
    assert str(GENERIC) not in person.text, "an unexpected error"


# Each question of a need (a stable part of it), and how it is answered.
NEED_ANSWERS = [
    ("What kind of assistance is needed?", "tap", "Equipment"),
    ("Which thematic area?", "tap", "Victim assistance"),
    ("A short title", "say", "Prosthetic kits"),
    ("Where is it needed?", "tap", "In Cambodia"),
    ("How much is needed?", "say", "40 kits"),
    ("By when is it needed?", "say", in_a_year().isoformat()),
    ("How high a priority", "tap", "High"),
]


def answer_need(person: Person, answers: list[tuple[str, str, str]]) -> None:
    for question, how, value in answers:
        person.answer(question, **{how: value})


@pytest.mark.parametrize("step", range(len(NEED_ANSWERS)))
def test_every_step_of_a_need_survives_anything(bot, sqlite_db, vocab, step) -> None:
    ana = Person(bot, "ana")
    onboard(ana)
    ana.command("need")
    answer_need(ana, NEED_ANSWERS[:step])
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
                answer_need(ana, NEED_ANSWERS[:step])

    attempt()
    assert len(tried) >= 20
    ana.expect(question)  # whatever was tried, the step is asked again
    answer_need(ana, NEED_ANSWERS[step:])
    ana.answer(SUMMARY_ASKED, tap="Save")
    with sqlite_db.read() as s:
        listings = s.exec(select(Listing)).all()
        assert len(listings) == 1, f"one need saved, not {len(listings)}: {ana.text}"
        for listing in listings:
            validate_draft(draft_of(get_listing(s, listing.id)), vocab)  # raises if invalid


def valid(text: str, max_len: int) -> str | None:
    """The text as the bot keeps it, or None when it refuses it."""
    try:
        return clean_text(text, "fuzz", min_len=2, max_len=max_len)
    except InvalidInput:
        return None


_newcomers = itertools.count(1)


@fuzz
@given(text=texts)
@example(text="a" * 5000)  # refused twice: the plain organisation is made
@example(text="fuzz")  # then one like it: the bot offers it first
@example(text="é" * 121)  # too long for a name, not for an organisation
def test_onboarding_names_and_organisations_survive_anything(bot, sqlite_db, text) -> None:
    """Each example, a newcomer types the text as their name and as their organisation's,
    then finishes the introduction: the bot keeps exactly what validation accepts (a
    refused text is asked again, and answered with a plain one), and every organisation it
    stores passes validation."""
    someone = Person(bot, f"fuzz{next(_newcomers)}")
    someone.command("start")
    someone.answer(LANGUAGE_ASKED, tap="English")
    someone.say(text)
    polite(someone)
    name = valid(text, max_len=120)
    if name is None:  # refused: asked again
        name = "Fuzz Tester"
        someone.answer(NAME_ASKED, say=name)
    someone.expect(ORGANISATION_ASKED)
    someone.say(text)
    polite(someone)
    organisation = valid(text, max_len=200)
    if organisation is None:
        organisation = "Fuzz Office"
        someone.answer(ORGANISATION_ASKED, say=organisation)
    with sqlite_db.read() as s:  # an earlier example may have made it, or one like it
        exists = find_organisation_by_name(s, organisation) is not None
        alike = not exists and bool(search_organisations(s, organisation, limit=5))
    if alike:
        someone.answer("Is it one of these?", tap="None of these")
    if not exists:
        someone.answer(KIND_ASKED, tap="NGO or civil society")
        someone.answer(COUNTRY_ASKED, tap="Skip")  # an international organisation
    someone.answer(ROLE_ASKED, tap="I register needs")
    someone.answer(TIMEZONE_ASKED, tap="Skip")
    someone.answer(REACH_ASKED, tap="Skip")
    someone.answer(SUMMARY_ASKED, tap="Save")
    assert "you are registered" in someone.text
    with sqlite_db.read() as s:
        identity = s.exec(
            select(ChannelIdentity).where(ChannelIdentity.external_user_id == someone.user)
        ).one()
        stakeholder = s.get(Stakeholder, identity.stakeholder_id)
        assert stakeholder is not None and stakeholder.name == name
        assert find_organisation_by_name(s, organisation) is not None
        stored = s.exec(select(Organisation)).all()
        assert stored, "no organisation to check"
        for each in stored:
            assert valid(each.name, max_len=200) == each.name, f"stored unchecked: {each.name!r}"


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
