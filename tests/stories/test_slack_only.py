"""A Slack-only workspace, from the first hello to an approved report, through signed
requests only: slash commands, buttons, modals and the App Home. No direct message starts
with "/" (Slack never delivers one), and every Web API call goes to a local server."""

from __future__ import annotations

from datetime import timedelta

import pytest
from slack_sdk.web.async_client import AsyncWebClient
from sqlmodel import select

from adapters.slack.channel import SlackChannel
from bot.chatbot import ChatBot
from bot.outbox import Dispatcher
from core.clock import utcnow
from core.models import Partnership, ProgressReport
from core.models.enums import PartnershipStatus, ReportStatus
from tests.adapters.slack_harness import (
    SlackClient,
    checks,
    date,
    introduce,
    settle,
    slack_workspace,
    typed,
)
from tests.adapters.slack_harness import (
    select as chosen,
)
from tests.factories import bot_settings


def settings():
    return bot_settings(admins="slack:T1/U3", match_threshold=0.3)


@pytest.fixture
async def slack(sqlite_db, vocab):
    async with slack_workspace(ChatBot(sqlite_db, vocab, settings())) as client:
        yield client


async def deliver(slack: SlackClient, db, vocab) -> None:
    """The outbox's notices out to Slack, as the dispatcher of a running bot sends them."""
    channel = SlackChannel(AsyncWebClient(token="xoxb-test", base_url=slack.api.url))
    slack.api.clear()
    await Dispatcher(db, vocab, [channel]).run_once()


async def test_a_slack_only_workspace_goes_from_hello_to_an_approved_report(
    slack, sqlite_db, vocab
) -> None:
    in_a_year = (utcnow().date() + timedelta(days=365)).isoformat()
    await introduce(
        slack, "U2", "Mekong Authority", "National authority", "Cambodia", "I register needs"
    )
    await introduce(slack, "U1", "Nordic Fund", "Government", "Norway", "I offer")
    await introduce(
        slack, "U3", "Support Unit", "Intergovernmental", "Switzerland", "I register needs"
    )

    # A need and an offer, each through its modal; the summary to confirm comes in the DM.
    await slack.slash("U2", "need")
    [opened] = slack.api.named("views.open")
    assert opened["view"]["callback_id"] == "pb_form:need"
    need = {
        "assistance_type": chosen("financial"),
        "areas": checks("victim_assistance"),
        "title": typed("Rehabilitation costs"),
        "place": chosen("home"),
        "country": typed(None),
        "region": {"type": "static_select", "selected_option": None},
        "amount": typed("80000 USD"),
        "available_until": date(in_a_year),
        "priority": chosen("high"),
        "description": typed(None),
    }
    await submitted(slack, "U2", "need", need)
    assert "New need — please check:" in slack.api.texts()
    await slack.tap("U2", "Save")
    assert "Saved: your need" in slack.api.texts()

    await slack.slash("U1", "offer")
    offer = {
        "assistance_type": chosen("financial"),
        "areas": checks("victim_assistance"),
        "title": typed("Grants for rehabilitation"),
        "place": chosen("global"),
        "country": typed(None),
        "region": {"type": "static_select", "selected_option": None},
        "amount": typed("50000 USD"),
        "available_from": date(None),
        "available_until": date(in_a_year),
        "description": typed(None),
    }
    await submitted(slack, "U1", "offer", offer)
    await slack.tap("U1", "Save")
    assert "Saved: your offer" in slack.api.texts()

    # Both are told of the match, and both accept from the notice's buttons.
    await deliver(slack, sqlite_db, vocab)
    assert "An offer fits your need" in slack.api.texts()
    accept = slack.button("Accept")
    await slack.press("U2", accept)
    await slack.press("U1", accept)
    await deliver(slack, sqlite_db, vocab)
    assert "Both sides accepted" in slack.api.texts()
    draft = slack.button("Open the draft partnership")

    # Each opens the draft from the notice and fills in its part.
    await slack.press("U2", draft)
    assert "Partnership #1" in slack.api.texts()
    await slack.tap("U2", "Our responsibilities")
    await slack.say("U2", "Run the rehabilitation centre and report")
    await slack.tap("U2", "Save")
    await slack.tap("U2", "Add an objective")
    await slack.say("U2", "Rehabilitate 40 survivors")
    await slack.say("U2", in_a_year)
    await slack.say("U2", "People rehabilitated")
    await slack.say("U2", "people")
    await slack.tap("U2", "Skip")
    await slack.say("U2", "40")
    await slack.tap("U2", "By sex")
    await slack.tap("U2", "Save")
    await slack.tap("U2", "Reporting schedule")
    await slack.tap("U2", "Quarterly")
    await slack.say("U2", (utcnow().date() + timedelta(days=10)).isoformat())
    await slack.tap("U2", "U3 Tester")  # the workspace's coordinator follows it
    await slack.tap("U2", "Save")
    await slack.press("U1", draft)
    await slack.tap("U1", "Our responsibilities")
    await slack.say("U1", "Fund the centre")
    await slack.tap("U1", "Save")
    await slack.tap("U1", "Confirm our participation")
    await slack.press("U2", draft)
    await slack.tap("U2", "Confirm our participation")
    assert "— active" in slack.api.texts()
    with sqlite_db.read() as s:
        assert s.exec(select(Partnership)).one().status == PartnershipStatus.active

    # The field contact reports, from the App Home's "Reports due".
    home = await home_of(slack, "U2")
    await slack.press("U2", button_in(home, "Report progress"), on_home=True)
    await slack.say("U2", "women 12, men 8")
    await slack.say("U2", "The centre opened")
    await slack.tap("U2", "Skip")
    await slack.tap("U2", "Skip")
    await slack.tap("U2", "Save")
    assert "is with the coordinator" in slack.api.texts()

    # The coordinator finds it on the App Home and approves it there.
    home = await home_of(slack, "U3")
    assert "Reports awaiting review" in str(home)
    await slack.press("U3", button_in(home, "Approve"), on_home=True)
    assert "Approved" in slack.api.texts()
    with sqlite_db.read() as s:
        assert s.exec(select(ProgressReport)).one().status == ReportStatus.approved
    await deliver(slack, sqlite_db, vocab)
    assert "was approved" in slack.api.texts()


async def submitted(slack: SlackClient, user: str, form: str, values: dict) -> None:
    slack.api.clear()
    response = await slack.submit(user, form, values)
    assert response.status_code == 200 and not response.content, response.text  # acked
    await settle(slack.api)


async def home_of(slack: SlackClient, user: str) -> list:
    slack.api.clear()
    await slack.event({"type": "app_home_opened", "user": user, "tab": "home", "channel": "D"})
    await settle(slack.api)
    [published] = slack.api.named("views.publish")
    return published["view"]["blocks"]


def button_in(blocks: list, label: str) -> str:
    for block in blocks:
        for element in block.get("elements", []):
            if element.get("type") == "button" and label in element["text"]["text"]:
                return element["value"]
    raise AssertionError(f"no button {label!r} in {blocks}")
