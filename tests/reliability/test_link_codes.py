"""Link codes cannot be guessed by trying, one code lives at a time, and a person's other
accounts hear of a new link, with a button that undoes it."""

from __future__ import annotations

from sqlmodel import select

from bot.chatbot import ChatBot
from bot.i18n import Tr
from bot.messages import Inbound, Sender
from bot.notices import render_notice
from core.models import ChannelIdentity, Notification
from core.models.enums import Platform
from tests.chat import Person, onboard


def code_of(bot: ChatBot, person: Person) -> str:
    person.command("link")
    return person.text.split("Your code is ")[1].split(".")[0]


def test_five_wrong_codes_an_hour_then_no_more_tries(db, vocab) -> None:
    bot = ChatBot(db, vocab)
    ana = Person(bot, "ana")
    onboard(ana)
    code = code_of(bot, ana)
    intruder = Person(bot, "U9", platform=Platform.slack)
    for attempt in range(5):
        intruder.command("link", f"WRONG{attempt}")
        assert "code" in intruder.text.lower()
    intruder.command("link", code)  # the right one, after five wrong: refused all the same
    assert "Too many wrong codes" in intruder.text
    with db.read() as s:
        slack = s.exec(select(ChannelIdentity).where(ChannelIdentity.platform == "slack")).one()
        assert slack.stakeholder_id is None


def test_a_new_code_voids_the_one_before(db, vocab) -> None:
    bot = ChatBot(db, vocab)
    ana = Person(bot, "ana")
    onboard(ana)
    first, second = code_of(bot, ana), code_of(bot, ana)
    slack = Person(bot, "U1", platform=Platform.slack)
    slack.command("link", first)
    assert "Linked" not in slack.text
    slack.command("link", second)
    assert "Linked" in slack.text


def test_the_other_accounts_are_told_and_can_undo_the_link(db, vocab) -> None:
    bot = ChatBot(db, vocab)
    ana = Person(bot, "ana")
    onboard(ana)
    code = code_of(bot, ana)
    thief = Person(bot, "U7", platform=Platform.slack)
    thief.command("link", code)
    assert "Linked" in thief.text
    with db.read() as s:
        [notice] = s.exec(select(Notification).where(Notification.kind == "account_linked"))
        console = s.exec(select(ChannelIdentity).where(ChannelIdentity.platform == "console"))
        assert notice.payload["to_identity"] == console.one().id  # to the old account
        [reply] = render_notice(s, vocab, Tr("en"), notice)
    assert "A Slack account was just linked" in str(reply.text)
    ana.press(reply.all_buttons[0].action)  # "That was not me"
    assert "Undone" in ana.text
    with db.read() as s:
        slack = s.exec(select(ChannelIdentity).where(ChannelIdentity.platform == "slack")).one()
        assert slack.stakeholder_id is None
    thief.replies = bot.handle(Inbound(Sender(Platform.slack, "U7", "U7"), command="mine"))
    assert "get to know you" in thief.text  # a stranger again


def test_thousands_of_digits_at_a_choice_are_just_an_unknown_choice(db, vocab) -> None:
    from bot.errors import GENERIC

    bot = ChatBot(db, vocab)
    ana = Person(bot, "ana")
    onboard(ana)
    ana.command("need")
    ana.say("7" * 5000)  # Python refuses to read more than 4,300 digits as a number
    assert str(GENERIC) not in ana.text and "did not recognise that choice" in ana.text
    token = ana.replies[-1].all_buttons[0].action  # a button of this dialog, forged:
    nonce_and_revision = token.split(":")[1]
    ana.press(f"d:{nonce_and_revision}:pick:{'9' * 5000}.x")
    assert str(GENERIC) not in ana.text
