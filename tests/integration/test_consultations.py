"""Consultations in chat, on SQLite and PostgreSQL: a coordinator writes one, sees its
audience's size, sends it; the invited answer (and change their answers), the others are not
asked; reminders go only to those who have not answered; the deadline closes it once, even
when it passed while the bot was down; the synthesis counts, takes medians, groups free text,
and names nobody when the consultation is anonymous."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from bot.chatbot import ChatBot
from bot.consultation_document import document
from bot.i18n import Tr
from bot.notices import render_notice
from bot.scheduler import Sweeper
from core.consultation_export import synthesis_rows
from core.consultation_synthesis import synthesise
from core.models import (
    ChannelIdentity,
    Consultation,
    ConsultationResponse,
    Notification,
    StakeholderRole,
)
from core.models.consultation import ConsultationStatus
from core.models.enums import Role
from core.reminders import Policy
from tests.chat import Person, onboard, onboard_donor
from tests.factories import bot_settings

START = datetime(2027, 3, 1, 9, tzinfo=UTC)


class Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


@pytest.fixture
def bot(db, vocab, clock) -> ChatBot:
    return ChatBot(db, vocab, bot_settings(), clock=clock)


def coordinator(bot: ChatBot, user: str = "claire", organisation: str = "Support Unit") -> Person:
    claire = Person(bot, user)
    onboard(
        claire,
        organisation=organisation,
        kind="Intergovernmental organisation",
        country="Switzerland",
    )
    with bot.db.write() as s:
        identity = s.exec(select(ChannelIdentity).where(ChannelIdentity.external_user_id == user))
        pid = identity.one().stakeholder_id
        for role in s.exec(select(StakeholderRole).where(StakeholderRole.stakeholder_id == pid)):
            s.delete(role)  # a coordinator only, not a field contact as well
        s.add(StakeholderRole(stakeholder_id=pid, role=Role.coordinator))
    return claire


def people(bot: ChatBot) -> tuple[Person, Person, Person]:
    """A field contact in Cambodia, another in Angola, and a donor in Norway."""
    ana, bea, kim = Person(bot, "ana"), Person(bot, "bea"), Person(bot, "kim")
    onboard(ana)
    onboard(bea, organisation="Angola Demining Institute", country="Angola")
    onboard_donor(kim)
    return ana, bea, kim


def write_consultation(
    claire: Person, *, anonymous: bool = False, audience: str = "People of a role"
) -> int:
    claire.command("consult")
    claire.answer("title", say="Needs for victim assistance 2027")
    claire.answer("Whom do you consult?", tap=audience)
    if audience == "People of a role":
        claire.answer("Which roles?", tap="field contacts")
        claire.answer("Which roles?", tap="Done")
    claire.answer("The last day to answer?", say="2027-03-10")
    claire.answer("anonymous?", tap="Yes" if anonymous else "No")
    claire.answer("receive the synthesis", tap="No")
    claire.answer("please check", tap="Save")
    claire.answer("The question, as people will read it.", say="What do you need most?")
    claire.answer("How is it answered?", tap="One choice")
    claire.answer("The choices", say="Training; Equipment; Funding")
    claire.answer("please check", tap="Save")
    claire.tap("Add a question")
    claire.answer("The question", say="How many survivors do you serve?")
    claire.answer("How is it answered?", tap="A number")
    claire.answer("please check", tap="Save")
    claire.tap("Add a question")
    claire.answer("The question", say="What stands in the way?")
    claire.answer("How is it answered?", tap="Free text")
    claire.answer("please check", tap="Save")
    with claire.bot.db.read() as s:
        return s.exec(select(Consultation.id)).one()


def notices(bot: ChatBot, kind: str) -> list[Notification]:
    with bot.db.read() as s:
        return list(
            s.exec(select(Notification).where(Notification.kind == kind).order_by(Notification.id))
        )


def show(bot: ChatBot, who: Person, notice: Notification) -> None:
    with bot.db.read() as s:
        who.replies = render_notice(s, bot.vocab, Tr("en"), notice)


def answer(person: Person, choice: str, number: str, text: str) -> None:
    person.answer("1 of 3.", tap=choice)
    person.answer("2 of 3.", say=number)
    person.answer("3 of 3.", say=text)
    person.answer("please check", tap="Save")
    assert "your answers to “Needs for victim assistance 2027” are saved" in person.text


def sweep(bot: ChatBot, at: datetime) -> None:
    Sweeper(bot.db, Policy(quiet=None), clock=lambda: at).run()


def test_a_consultation_from_its_draft_to_its_synthesis(bot: ChatBot, clock: Clock) -> None:
    ana, bea, kim = people(bot)
    claire = coordinator(bot)
    cid = write_consultation(claire)
    assert "To: field contacts (2 people)" in claire.text
    assert "📨 Send to 2 people" in claire.labels
    claire.tap("Send to 2 people")
    assert "2 people are invited" in claire.text
    invitations = notices(bot, "consultation_invite")
    assert len(invitations) == 2  # the donor is not asked
    show(bot, ana, invitations[0])
    assert "You are consulted: Needs for victim assistance 2027." in ana.text
    ana.tap("Answer")
    answer(ana, "Training", "120", "Transport to the rehabilitation centre")
    # Changing one's answers starts from them
    ana.tap("Change my answers")
    ana.expect("please check")
    assert "Training" in ana.text and "120" in ana.text
    ana.tap("Change a field")
    ana.tap("What do you need most?")
    ana.answer("1 of 3.", tap="Equipment")
    ana.answer("please check", tap="Save")
    kim.command("consultation", str(cid))
    assert "I could not find that consultation." in kim.text  # not invited
    # Three days before: a reminder to Bea only
    clock.at = datetime(2027, 3, 8, 9, tzinfo=UTC)
    sweep(bot, clock.at)
    reminders = notices(bot, "consultation_reminder")
    assert [n.payload["days"] for n in reminders] == [3]
    show(bot, bea, reminders[0])
    assert "your answers are awaited" in bea.text
    bea.tap("Answer")
    answer(bea, "Equipment", "80", "Funding for prosthetics")
    sweep(bot, datetime(2027, 3, 10, 9, tzinfo=UTC))  # one day before: nobody silent
    assert len(notices(bot, "consultation_reminder")) == 1
    # The deadline passes: closed once; the synthesis goes to Claire
    sweep(bot, datetime(2027, 3, 11, 1, tzinfo=UTC))
    sweep(bot, datetime(2027, 3, 11, 2, tzinfo=UTC))
    [synthesis] = notices(bot, "consultation_synthesis")
    show(bot, claire, synthesis)
    text = claire.text
    assert "2 of 2 answered (100%)" in text
    assert "Equipment: 2" in text and "Training: 0" in text
    assert "Median 100, from 80 to 120 (2 answers)" in text
    assert "Cambodia · National authority" in text and "Transport to the" in text
    clock.at = datetime(2027, 3, 11, 9, tzinfo=UTC)
    ana.command("consultation", str(cid))
    assert "closed" in ana.text and "Change my answers" not in ana.labels
    claire.command("consultation", str(cid))
    assert claire.replies[0].attachment is not None  # the chart
    claire.tap("CSV")
    attachment = claire.replies[-1].attachment
    assert attachment is not None
    rows = list(csv.DictReader(io.StringIO(attachment.path.read_text())))
    assert {"choice": "Equipment", "count": "2"}.items() <= rows[1].items()


def test_an_anonymous_consultation_names_nobody_anywhere(bot: ChatBot, clock: Clock) -> None:
    ana, _, _ = people(bot)
    claire = coordinator(bot)
    cid = write_consultation(claire, anonymous=True, audience="Everyone")
    claire.tap("Send to 4 people")
    ana.command("consult_answer", str(cid))
    answer(ana, "Funding", "5", "We need trainers")
    with bot.db.read() as s:
        c = s.get(Consultation, cid)
        synthesis = synthesise(s, c)
        outputs = [
            json.dumps([r for r in synthesis_rows(synthesis)], ensure_ascii=False),
            document(Tr("en"), bot.vocab, synthesis),
        ]
    assert synthesis.missing == []
    for output in outputs:
        for name in ("Ana", "Bea", "Kim", "Mekong", "Nordic", "Cambodia", "national_authority"):
            assert name not in output
    assert "We need trainers" in outputs[0]


def test_a_deadline_that_passed_while_the_bot_was_down_closes_once_on_start(
    bot: ChatBot, clock: Clock
) -> None:
    people(bot)
    claire = coordinator(bot)
    cid = write_consultation(claire)
    claire.tap("Send to 2 people")
    later = datetime(2027, 4, 1, 9, tzinfo=UTC)  # down from the 1st to a month later
    first, second = Sweeper(bot.db, Policy(quiet=None), clock=lambda: later), None
    first.run()
    second = Sweeper(bot.db, Policy(quiet=None), clock=lambda: later + timedelta(minutes=10))
    second.run()
    with bot.db.read() as s:
        c = s.get(Consultation, cid)
        assert c.status == ConsultationStatus.closed and c.closed_at == later
    assert len(notices(bot, "consultation_synthesis")) == 1
    assert notices(bot, "consultation_reminder") == []  # too late to remind anybody


def test_answers_after_the_deadline_are_refused_and_nothing_is_lost(
    bot: ChatBot, clock: Clock
) -> None:
    ana, _, _ = people(bot)
    claire = coordinator(bot)
    cid = write_consultation(claire)
    claire.tap("Send to 2 people")
    ana.command("consult_answer", str(cid))
    ana.answer("1 of 3.", tap="Training")
    clock.at = datetime(2027, 3, 11, 0, 30, tzinfo=UTC)
    ana.answer("2 of 3.", say="12")
    ana.answer("3 of 3.", tap="Skip")
    ana.answer("please check", tap="Save")
    assert "This consultation has closed" in ana.text
    with bot.db.read() as s:
        response = s.exec(select(ConsultationResponse)).first()
        assert response.answers is None


def test_only_coordinators_consult_and_drafts_stay_their_authors(bot: ChatBot) -> None:
    ana, _, _ = people(bot)
    ana.command("consult")
    assert "Only coordinators" in ana.text
    claire = coordinator(bot)
    cid = write_consultation(claire)
    other = coordinator(bot, "otto", "Geneva Centre")
    other.command("consultation", str(cid))
    assert "I could not find that consultation." in other.text
    other.command("consult_send", str(cid))
    assert "I could not find that consultation." in other.text
    ana.command("consult_send", str(cid))
    assert "Only coordinators" in ana.text


def test_a_free_text_answer_becomes_a_draft_need_with_its_authors_confirmation(
    bot: ChatBot,
) -> None:
    ana, _, _ = people(bot)
    claire = coordinator(bot)
    cid = write_consultation(claire)
    claire.tap("Send to 2 people")
    ana.command("consult_answer", str(cid))
    answer(ana, "Training", "3", "Wheelchairs for the Battambang centre")
    ana.tap("Register answer 3 as a need")
    ana.expect("What kind of assistance is needed?")
    # The need's dialog goes on as usual, its description already the answer.
    with bot.db.read() as s:
        from core.models import Conversation

        conv = s.exec(select(Conversation)).all()
        assert any(
            c.answers.get("description") == "Wheelchairs for the Battambang centre" for c in conv
        )


def test_questions_added_with_the_draft_in_one_transaction_are_kept(db, vocab) -> None:
    """Found by the benchmark: a new draft's questions were a plain list, and an append to
    it was never saved."""
    from core.consultation_audience import Audience
    from core.consultations import add_question, create_consultation, remove_question
    from core.models.consultation import AudienceKind
    from tests.factories import person

    with db.write() as s:
        boss = person(s, vocab, roles=(Role.coordinator,), country="CH")
        c = create_consultation(
            s,
            boss,
            vocab,
            title="Needs 2027",
            audience=Audience(AudienceKind.everyone),
            deadline=START + timedelta(days=9),
            anonymous=False,
            now=START,
        )
        add_question(s, boss, c.id, "What do you need?", "text")
        add_question(s, boss, c.id, "How many?", "number")
        remove_question(s, boss, c.id, 0)
        cid = c.id
    with db.read() as s:
        assert [q["text"] for q in s.get(Consultation, cid).questions] == ["How many?"]
