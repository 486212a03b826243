"""A consultation from creation to synthesis across platforms: a coordinator on Slack writes
it (through `/partners consult`, since Slack never delivers a DM that starts with "/") and
sends it; a field contact answers on Telegram, a donor in a Slack form, another field contact
on the console; the silent one is reminded, the deadline closes it, and the coordinator
receives the synthesis and its document."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from slack_sdk.web.async_client import AsyncWebClient
from sqlmodel import select

from adapters.slack.channel import SlackChannel
from adapters.telegram.adapter import TelegramConfig, build_application
from adapters.telegram.channel import TelegramChannel
from bot.chatbot import ChatBot
from bot.outbox import Dispatcher
from core.models import ConsultationResponse, Notification
from core.reminders import Policy, sweep
from tests.adapters.slack_harness import introduce, settle, slack_workspace, typed
from tests.adapters.slack_harness import select as chosen
from tests.adapters.telegram_offline import OfflineRequest, Updates
from tests.adapters.test_telegram import Phone
from tests.chat import Person, onboard
from tests.factories import bot_settings
from tests.integration.test_follow_up import Clock

START = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
async def world(sqlite_db, vocab):
    clock = Clock(START)
    chatbot = ChatBot(sqlite_db, vocab, bot_settings(admins="slack:T1/U3"), clock=clock)
    offline, updates = OfflineRequest(), Updates()
    telegram = build_application(TelegramConfig(token="1:STORY"), chatbot, request=offline)
    async with telegram, slack_workspace(chatbot) as slack:
        channels = [
            TelegramChannel(telegram.bot),
            SlackChannel(AsyncWebClient(token="xoxb-test", base_url=slack.api.url)),
        ]
        dispatcher = Dispatcher(sqlite_db, vocab, channels, clock=clock)
        ana = Phone(telegram, offline, updates, updates.user(501, "Ana"))
        yield clock, chatbot, ana, slack, dispatcher


async def deliver(dispatcher: Dispatcher, slack, ana: Phone) -> None:
    slack.api.clear()
    ana.offline.clear()
    await dispatcher.run_once()


def sweep_at(db, at: datetime) -> None:
    with db.write() as s:
        sweep(s, at, Policy(quiet=None))


async def test_a_consultation_across_telegram_slack_and_the_console(world, sqlite_db) -> None:
    clock, chatbot, ana, slack, dispatcher = world
    await ana.say("/start")
    for step in ("English",):
        await ana.tap(step)
    await ana.say("Ana Lima")
    await ana.say("Mekong Mine Action Centre")
    await ana.tap("National authority")
    await ana.say("Cambodia")
    await ana.tap("I register needs")
    await ana.tap("Skip")
    await ana.tap("Skip")
    await ana.tap("Save")
    bea = Person(chatbot, "bea")
    onboard(bea, organisation="Angola Demining Institute", country="Angola")
    await introduce(slack, "U1", "Nordic Fund", "Government", "Norway", "I offer", name="Kim")
    await introduce(
        slack,
        "U3",
        "Support Unit",
        "Intergovernmental organisation",
        "Switzerland",
        "I coordinate",
        name="Claire",
    )

    # Claire writes the consultation on Slack: to everyone, not anonymous.
    await slack.slash("U3", "consult")
    await slack.say("U3", "Questionnaire on assistance needs 2027")
    await slack.tap("U3", "Everyone")
    await slack.say("U3", "2027-03-10")
    await slack.tap("U3", "No")  # not anonymous
    await slack.tap("U3", "No")  # the synthesis for Claire only
    await slack.tap("U3", "Save")
    await slack.say("U3", "Which assistance do you need most?")
    await slack.tap("U3", "One choice")
    await slack.say("U3", "Training; Equipment; Funding")
    await slack.tap("U3", "Save")
    await slack.tap("U3", "Add a question")
    await slack.say("U3", "What stands in the way?")
    await slack.tap("U3", "Free text")
    await slack.tap("U3", "Save")
    texts = slack.api.texts()
    assert "To: everyone (4 people)" in texts
    await slack.tap("U3", "Send to 4 people")
    assert "4 people are invited" in slack.api.texts()

    # The invitations go out on each platform; Ana answers on Telegram.
    await deliver(dispatcher, slack, ana)
    assert "You are consulted: </b><b>Questionnaire on assistance needs 2027</b>" in ana.texts
    assert "2 questions, answers by Mar 10, 2027." in ana.texts
    await ana.tap("Answer")
    await ana.tap("Funding")
    await ana.say("The road to the centre is closed in the rainy season")
    await ana.tap("Save")
    assert "are saved" in ana.texts

    # Kim answers in a Slack form, opened by the invitation's button.
    assert "You are consulted" in slack.api.texts()
    await slack.tap("U1", "Answer")
    [opened] = slack.api.named("views.open")
    view = opened["view"] if isinstance(opened["view"], dict) else json.loads(opened["view"])
    assert view["callback_id"] == "pb_form:consult_answer"
    slack.api.clear()
    form = {"q0": chosen("Training"), "q1": typed("Trainers who speak Khmer")}
    response = await slack.submit("U1", "consult_answer", form, view["private_metadata"])
    assert response.status_code == 200
    await settle(slack.api)
    await slack.tap("U1", "Save")
    assert "are saved" in slack.api.texts()

    # Bea, on the console, says nothing: three days before, she alone is reminded.
    clock.now = datetime(2027, 3, 8, 9, tzinfo=UTC)
    sweep_at(sqlite_db, clock.now)
    with sqlite_db.read() as s:
        reminders = s.exec(
            select(Notification).where(Notification.kind == "consultation_reminder")
        ).all()
    assert len(reminders) == 2  # Bea and Claire, who was asked too and did not answer
    await deliver(dispatcher, slack, ana)
    bea.command("consultations")
    bea.tap("Open")
    bea.tap("Answer")
    bea.answer("1 of 2.", tap="Equipment")
    bea.answer("2 of 2.", say="Spare parts for detectors")
    bea.answer("please check", tap="Save")

    # The deadline: the synthesis reaches Claire on Slack, with the counts and the texts.
    clock.now = datetime(2027, 3, 11, 9, tzinfo=UTC)
    sweep_at(sqlite_db, clock.now)
    await deliver(dispatcher, slack, ana)
    texts = slack.api.texts()
    assert "3 of 4 answered (75%)" in texts
    assert "Training: 1" in texts and "Equipment: 1" in texts and "Funding: 1" in texts
    assert "Trainers who speak Khmer" in texts and "Cambodia · National authority" in texts
    assert "Not answered: Claire" in texts
    await slack.tap("U3", "Document")
    uploads = slack.api.named("files.getUploadURLExternal") + slack.api.named("files.upload")
    assert uploads, [m for m, _ in slack.api.calls]
    with sqlite_db.read() as s:
        assert len([r for r in s.exec(select(ConsultationResponse)) if r.answers]) == 3
