"""A person talking to the bot through its neutral surface, as an adapter would."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.chatbot import ChatBot
from bot.messages import Button, Inbound, Reply, Sender
from core.models.enums import Platform


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
        return str(self.replies[-1].text)


def onboard(
    person: Person,
    *,
    organisation: str = "Mekong Mine Action Centre",
    kind: str = "National authority",
    country: str = "Cambodia",
    role: str = "I register needs",
    language: str = "English",
    email: str | None = None,
) -> None:
    """The introduction, answered; with `email`, the person agrees that match partners
    may write to them there (else they share nothing)."""
    person.command("start")
    person.tap(language)
    person.say(person.user.title() + " Tester")
    person.say(organisation)
    if "Is it one of these?" in person.question:
        person.tap("None of these")
    if "What kind of organisation" in person.question:
        person.tap(kind)
        person.say(country)
    person.tap(role)
    person.tap("Skip")  # the time zone: UTC
    assert "how may they reach you?" in person.question
    if email:
        person.tap("An e-mail address")
        person.tap("Done")
        person.say(email)
    else:
        person.tap("Skip")
    person.tap("Save")


def register_need(person: Person, *, title: str = "Prosthetic kits for Battambang") -> None:
    person.command("need")
    person.tap("Equipment")
    person.tap("Victim assistance")  # one area: one tap
    person.say(title)
    person.tap("In Cambodia")
    person.say("40 kits")
    person.say("2030-06-30")
    person.tap("High")
    if "already has open" in person.question:
        person.tap("Save it as a new listing")
    person.tap("Save")


def onboard_donor(person: Person, **changes: str) -> None:
    """The introduction of a donor of the Nordic Fund, in Norway."""
    values = dict(organisation="Nordic Fund", kind="Government", country="Norway")
    onboard(person, role="I offer assistance", **{**values, **changes})


def actors(bot: ChatBot, *users: str) -> list:
    """The domain actors behind these terminal users, as core's use cases take them."""
    from sqlmodel import select

    from core.models import ChannelIdentity
    from core.people import load_actor

    with bot.db.read() as s:
        ids = {i.external_user_id: i.stakeholder_id for i in s.exec(select(ChannelIdentity))}
        return [load_actor(s, ids[user]) for user in users]
