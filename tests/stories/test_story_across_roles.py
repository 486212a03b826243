"""The whole story across people and platforms: a field contact on Telegram and a donor on
Slack are matched and put in touch, fill in and confirm their partnership, the reminder
comes in the field contact's morning, the report is filed, a coordinator who signed up
afterwards finds it, reads its figures and returns it; it is revised and approved, the
digest lists the partnership and the export holds every figure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from slack_sdk.web.async_client import AsyncWebClient
from sqlmodel import select

from adapters.slack.channel import SlackChannel
from adapters.telegram.adapter import TelegramConfig, build_application
from adapters.telegram.channel import TelegramChannel
from bot.chatbot import ChatBot
from bot.outbox import Dispatcher
from core import quiet_hours
from core.export import export, nested
from core.models import Notification, Partnership, ProgressReport
from core.models.enums import PartnershipStatus, ReportStatus
from core.reminders import Policy, sweep
from tests.adapters.slack_harness import checks, introduce, settle, slack_workspace, typed
from tests.adapters.slack_harness import select as chosen
from tests.adapters.telegram_offline import OfflineRequest, Updates
from tests.adapters.test_telegram import Phone
from tests.factories import bot_settings
from tests.integration.test_follow_up import Clock


def settings():
    return bot_settings(admins="slack:T1/U3", match_threshold=0.3)


START = datetime(2027, 3, 1, 3, 0, tzinfo=UTC)  # 10:00 in Phnom Penh


@pytest.fixture
async def world(sqlite_db, vocab):
    quiet_hours.configure(quiet_hours.QuietHours())  # this story keeps the nights quiet
    clock = Clock(START)
    chatbot = ChatBot(sqlite_db, vocab, settings(), clock=clock)
    offline, updates = OfflineRequest(), Updates()
    telegram = build_application(TelegramConfig(token="1:STORY"), chatbot, request=offline)
    async with telegram, slack_workspace(chatbot) as slack:
        channels = [
            TelegramChannel(telegram.bot),
            SlackChannel(AsyncWebClient(token="xoxb-test", base_url=slack.api.url)),
        ]
        dispatcher = Dispatcher(sqlite_db, vocab, channels, clock=clock)
        ana = Phone(telegram, offline, updates, updates.user(501, "Ana"))
        yield clock, ana, slack, dispatcher


async def deliver(dispatcher: Dispatcher, slack) -> None:
    slack.api.clear()
    await dispatcher.run_once()


async def test_the_story_across_roles_and_platforms(world, sqlite_db, vocab) -> None:
    clock, ana, slack, dispatcher = world
    # Ana, a field contact on Telegram, agrees that a partner may e-mail her.
    await ana.say("/start")
    await ana.tap("English")
    await ana.say("Ana Lima")
    await ana.say("Mekong Mine Action Centre")
    await ana.tap("National authority")
    await ana.say("Cambodia")
    await ana.tap("I register needs")
    await ana.tap("Asia/Phnom Penh")
    await ana.tap("An e-mail address")
    await ana.tap("Done")
    await ana.say("ana@mekong.example.org")
    await ana.tap("Save")
    await ana.say("/need")
    await ana.tap("Financial")
    await ana.tap("Victim assistance")
    await ana.say("Rehabilitation of survivors")
    await ana.tap("In Cambodia")
    await ana.say("80000 USD")
    await ana.say("2027-12-31")
    await ana.tap("High")
    await ana.tap("Save")
    assert "Saved: your need" in ana.texts

    # Kim, a donor on Slack, registers an offer through the form.
    await introduce(slack, "U1", "Nordic Fund", "Government", "Norway", "I offer", name="Kim Berg")
    await slack.slash("U1", "offer")
    form = {
        "assistance_type": chosen("financial"),
        "areas": checks("victim_assistance"),
        "title": typed("Grants for rehabilitation"),
        "place": chosen("global"),
        "amount": typed("50000 USD"),
    }
    slack.api.clear()
    assert (await slack.submit("U1", "offer", form)).status_code == 200
    await settle(slack.api)
    await slack.tap("U1", "Save")

    # Both are told, both accept, and they are put in touch.
    await deliver(dispatcher, slack)
    assert "An offer fits your need" in ana.texts and "A need fits your offer" in slack.api.texts()
    await ana.tap("Accept")
    await slack.tap("U1", "Accept")
    ana.offline.clear()
    await deliver(dispatcher, slack)
    assert "ana@mekong.example.org" in slack.api.texts()  # what Ana agreed to share
    assert "they have yours" in ana.texts  # and she knows Kim will write

    # They fill in the draft, each on their platform, and confirm it.
    await slack.tap("U1", "Open the draft partnership")
    await slack.tap("U1", "Our responsibilities")
    await slack.say("U1", "Fund the rehabilitation centre")
    await slack.tap("U1", "Save")
    await ana.tap("Open the draft partnership")
    await ana.tap("Our responsibilities")
    await ana.say("Run the centre and report")
    await ana.tap("Save")
    await ana.tap("Add an objective")
    await ana.say("Rehabilitate 40 survivors")
    await ana.say("2027-12-31")
    await ana.say("People rehabilitated")
    await ana.say("people")
    await ana.tap("Skip")
    await ana.say("40")
    await ana.tap("By sex")
    await ana.tap("Save")
    await ana.tap("Reporting schedule")
    await ana.tap("Quarterly")
    await ana.say("2027-03-10")
    await ana.tap("Save")
    await ana.tap("Confirm our participation")
    await slack.slash("U1", "partnership 1")
    await slack.tap("U1", "Confirm our participation")
    with sqlite_db.read() as s:
        assert s.exec(select(Partnership)).one().status == PartnershipStatus.active

    # The reminder written at night in Phnom Penh comes in Ana's morning.
    night = datetime(2027, 3, 9, 20, 30, tzinfo=UTC)  # 03:30 on the 10th there
    with sqlite_db.write() as s:
        sweep(s, night, Policy())
    clock.now = night + timedelta(hours=4)  # 07:30 there
    ana.offline.clear()
    await deliver(dispatcher, slack)
    assert "is due today" not in ana.texts
    clock.now = datetime(2027, 3, 10, 1, 5, tzinfo=UTC)  # 08:05 there
    await deliver(dispatcher, slack)
    assert "is due today" in ana.texts
    await ana.tap("Report now")
    await ana.say("women 12, men 8")
    await ana.say("The centre opened")
    await ana.tap("Skip")
    await ana.tap("Skip")
    await ana.tap("Save")
    assert "is with the coordinator" in ana.texts

    # Claire signs up afterwards, finds the report, reads its figures and returns it.
    await introduce(
        slack,
        "U3",
        "Support Unit",
        "Intergovernmental",
        "Switzerland",
        "I register needs",
        name="Claire Dubois",
    )
    await slack.slash("U3", "reports")
    texts = slack.api.texts().replace("\u200b", "")
    assert "People rehabilitated: 20 of 40 people (50%) · women 12, men 8" in texts
    await slack.tap("U3", "Return for revision")
    await slack.say("U3", "Please add the age groups")
    ana.offline.clear()
    await deliver(dispatcher, slack)
    assert "returned for revision" in ana.texts and "age groups" in ana.texts
    await ana.say("/report")
    await ana.tap("Save")
    await slack.slash("U3", "reports")
    await slack.tap("U3", "Approve")
    with sqlite_db.read() as s:
        assert s.exec(select(ProgressReport)).one().status == ReportStatus.approved

    # The digest lists the partnership, and the export holds every figure entered.
    monday = datetime(2027, 3, 15, 9, 0, tzinfo=UTC)
    with sqlite_db.write() as s:
        sweep(s, monday, Policy())
        assert s.exec(select(Notification).where(Notification.kind == "digest")).all()
    clock.now = monday
    await deliver(dispatcher, slack)
    assert (
        "Weekly digest" in slack.api.texts() and "Rehabilitation of survivors" in slack.api.texts()
    )
    with sqlite_db.read() as s:
        data = export(s, include_restricted=True)
    values = {(v["sex"], Decimal(v["value"])) for v in data["indicator_values"]}
    assert {("", 20), ("female", 12), ("male", 8)} <= values
    [partnership] = nested(data)["partnerships"]
    assert Decimal(partnership["objectives"][0]["indicators"][0]["target"]) == 40
