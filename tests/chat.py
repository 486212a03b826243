"""A person talking to the bot through its neutral surface, as an adapter would.

The helpers that walk a whole dialog (`onboard`, `register_need`) check that each question
is the one they expect before answering it, so that a changed flow fails loudly, with the
question asked instead, rather than being quietly followed. A flow that legitimately differs
(an organisation that exists already, a listing like one already open) is asked for with a
parameter."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.chatbot import ChatBot
from bot.messages import Button, Inbound, Reply, Sender
from core.models.enums import Platform
from tests.factories import in_a_year


@dataclass
class Person:
    bot: ChatBot
    user: str
    language_hint: str | None = "en"
    platform: Platform = Platform.console
    replies: list[Reply] = field(default_factory=list)

    @property
    def sender(self) -> Sender:
        return Sender(
            self.platform,
            user_id=self.user,
            chat_id=self.user,
            display_name=self.user.title(),
            handle=self.user,
            language_hint=self.language_hint,
        )

    def _send(self, inbound: Inbound) -> list[Reply]:
        self.replies = self.bot.handle(inbound)
        assert self.replies, f"silence after {inbound}"
        return self.replies

    def say(self, text: str) -> list[Reply]:
        return self._send(Inbound(self.sender, text=text))

    def command(self, name: str, args: str = "") -> list[Reply]:
        return self._send(Inbound(self.sender, command=name, args=args))

    def press(self, token: str) -> list[Reply]:
        return self._send(Inbound(self.sender, action=token))

    def tap(self, label: str) -> list[Reply]:
        """Presses the button whose label contains `label` in the last replies."""
        return self.press(self.button(label).action)

    def button(self, label: str) -> Button:
        found = [b for r in self.replies for b in r.all_buttons if label in b.label]
        assert found, f"no button {label!r} in {self.labels}"
        return found[-1]

    @property
    def labels(self) -> list[str]:
        return [b.label for r in self.replies for b in r.all_buttons]

    @property
    def text(self) -> str:
        return "\n".join(str(r.text) for r in self.replies)

    @property
    def question(self) -> str:
        """The last message: the question now asked."""
        return str(self.replies[-1].text) if self.replies else ""

    def expect(self, question: str) -> None:
        """Fails unless the question now asked contains `question`, showing what was asked."""
        assert question in self.question, (
            f"{self.user} expected to be asked {question!r}, but the bot said:\n"
            f"{self.text}\nwith the buttons {self.labels}"
        )

    def answer(self, question: str, *, tap: str | None = None, say: str | None = None) -> None:
        """Answers the question now asked, by tapping a button or typing, once it is checked
        to be the one expected."""
        assert (tap is None) != (say is None), "answer with either a tap or a text"
        self.expect(question)
        if tap is not None:
            self.tap(tap)
        else:
            assert say is not None
            self.say(say)


# Stable parts of the introduction's questions, in the order they are asked.
LANGUAGE_ASKED = "Which language do you prefer?"
NAME_ASKED = "What is your name?"
ORGANISATION_ASKED = "Which organisation do you work for?"
KIND_ASKED = "What kind of organisation is it?"
COUNTRY_ASKED = "In which country is it based?"
ROLE_ASKED = "What will you mostly do here?"
TIMEZONE_ASKED = "Your time zone"
REACH_ASKED = "how may they reach you?"
EMAIL_ASKED = "Your e-mail address for match partners"
SUMMARY_ASKED = "please check"


def onboard(
    person: Person,
    *,
    organisation: str = "Mekong Mine Action Centre",
    kind: str = "National authority",
    country: str = "Cambodia",
    role: str = "I register needs",
    email: str | None = None,
    joins: bool = False,
    start: str = "",
) -> None:
    """The introduction, answered in English; with `email`, the person agrees that match
    partners may write to them there (else they share nothing).

    By default the organisation is new, and no other's name is close to it (else the bot
    would offer those first). With `joins`, it exists already: its kind and country are not
    asked, and its members (or a coordinator) are asked to let the person in. `start` is what
    a deep link adds to /start (listing_42)."""
    person.command("start", start)
    person.answer(LANGUAGE_ASKED, tap="English")
    person.answer(NAME_ASKED, say=person.user.title() + " Tester")
    person.answer(ORGANISATION_ASKED, say=organisation)
    if not joins:
        person.answer(KIND_ASKED, tap=kind)
        person.answer(COUNTRY_ASKED, say=country)
    person.answer(ROLE_ASKED, tap=role)
    person.answer(TIMEZONE_ASKED, tap="Skip")  # UTC
    if email:
        person.answer(REACH_ASKED, tap="An e-mail address")
        person.answer(REACH_ASKED, tap="Done")
        person.answer(EMAIL_ASKED, say=email)
    else:
        person.answer(REACH_ASKED, tap="Skip")
    person.answer(SUMMARY_ASKED, tap="Save")
    registered = "you are registered"
    assert registered in person.text, f"expected {registered!r}, the bot said:\n{person.text}"
    if joins:
        asked = f"I have asked {organisation} to confirm"
        assert asked in person.text, f"expected {asked!r}, the bot said:\n{person.text}"


def register_need(
    person: Person,
    *,
    title: str = "Prosthetic kits for Battambang",
    duplicate: bool = False,
    saved: bool = True,
) -> None:
    """A need told in its eight answers, Save included. With `duplicate`, the organisation
    already has an open listing like it, and the person saves this one as a new listing.
    With `saved=False`, the save is expected to be refused (the reply says why)."""
    person.command("need")
    person.answer("What kind of assistance is needed?", tap="Equipment")
    person.answer("Which thematic area?", tap="Victim assistance")  # one area: one tap
    person.answer("A short title", say=title)
    person.answer("Where is it needed?", tap="In Cambodia")
    person.answer("How much is needed?", say="40 kits")
    person.answer("By when is it needed?", say=in_a_year().isoformat())
    person.answer("How high a priority", tap="High")
    if duplicate:
        person.answer("already has open", tap="Save it as a new listing")
    person.answer(SUMMARY_ASKED, tap="Save")
    outcome = "saved" if "Saved: your need" in person.text else "not saved"
    expected = "saved" if saved else "not saved"
    assert outcome == expected, f"expected the need {expected}, the bot said:\n{person.text}"


def onboard_donor(person: Person, **changes: Any) -> None:
    """The introduction of a donor of the Nordic Fund, in Norway."""
    values: dict[str, Any] = dict(organisation="Nordic Fund", kind="Government", country="Norway")
    onboard(person, role="I offer assistance", **{**values, **changes})


def actors(bot: ChatBot, *users: str) -> list:
    """The domain actors behind these terminal users, as core's use cases take them."""
    from sqlmodel import select

    from core.models import ChannelIdentity
    from core.people import load_actor

    with bot.db.read() as s:
        ids = {i.external_user_id: i.stakeholder_id for i in s.exec(select(ChannelIdentity))}
        return [load_actor(s, ids[user]) for user in users]
