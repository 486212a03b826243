"""Slack as people meet it: commands named the way Slack types them, modals in the person's
language, forms acknowledged within three seconds whatever the database is doing, the App
Home published once per action, a command in a channel, the name Slack knows, and text that
Slack's formatting cannot break."""

from __future__ import annotations

import re
import subprocess
import sys
import time

import pytest

from adapters.slack.render import SECTION_LIMIT, escape, messages, sections
from bot.chatbot import ChatBot
from bot.commands import COMMANDS
from bot.messages import Reply
from bot.text import Text, markup
from tests.adapters.fake_slack_api import FakeSlackApi
from tests.adapters.slack_harness import select as chosen
from tests.adapters.slack_harness import settle, slack_workspace, typed
from tests.adapters.test_slack import onboard

NAMES = "|".join(sorted((c.name for c in COMMANDS), key=len, reverse=True))
BARE_COMMAND = re.compile(rf"(?<!/partners )(?<![\w/])/({NAMES})\b")


@pytest.fixture
async def slack(sqlite_db, vocab):
    async with slack_workspace(ChatBot(sqlite_db, vocab)) as client:
        yield client


def shown(api: FakeSlackApi) -> str:
    """Everything the person could read in the messages, as Slack renders it."""
    return str([p.get("blocks") for p in api.named("chat.postMessage")]).replace("\u200b", "")


async def test_help_names_every_command_the_way_slack_types_it(slack) -> None:
    await slack.slash("U1", "help")
    text = shown(slack.api)
    assert "/partners need" in text and "/partners search" in text
    assert not BARE_COMMAND.search(text), BARE_COMMAND.search(text)
    await onboard(slack, "U1", "Nordic Fund", "I offer")
    await slack.say("U1", "what now?")  # the hint names commands too
    assert "/partners need" in shown(slack.api) and not BARE_COMMAND.search(shown(slack.api))


async def test_a_french_speaker_gets_a_french_form_worded_for_a_form(slack) -> None:
    await slack.say("U1", "bonjour")
    await slack.tap("U1", "Français")
    await slack.say("U1", "Aline Martin")
    await slack.say("U1", "Fonds du Nord")
    await slack.tap("U1", "Gouvernement")
    await slack.say("U1", "Norvège")
    await slack.tap("U1", "J’offre")
    await slack.tap("U1", "UTC")
    await slack.tap("U1", "Passer")  # how partners may reach them: nothing shared
    await slack.tap("U1", "Enregistrer")
    await slack.slash("U1", "offer")
    [opened] = slack.api.named("views.open")
    view = opened["view"]
    assert (view["title"]["text"], view["submit"]["text"]) == ("Nouvelle offre", "Suivant")
    assert "Annuler" in view["close"]["text"]
    hints = " ".join(b.get("hint", {}).get("text", "") for b in view["blocks"])
    assert hints and not re.search(r"[Tt]ouchez|[Tt]apez|Skip|Terminé|Passer", hints), hints
    areas = next(b for b in view["blocks"] if b["block_id"] == "areas")
    assert "Cochez" in areas["hint"]["text"]


async def test_a_form_is_acknowledged_while_another_process_holds_the_writer(
    slack, sqlite_db
) -> None:
    await onboard(slack, "U1", "Nordic Fund", "I offer")
    values = {
        "assistance_type": chosen("financial"),
        "areas": {"type": "checkboxes", "selected_options": [{"value": "victim_assistance"}]},
        "title": typed("Grants"),
        "place": chosen("global"),
        "amount": typed("50000 USD"),
    }
    database = sqlite_db.engine.url.database
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys, time\n"
            f"c = sqlite3.connect({database!r}, isolation_level=None)\n"
            "c.execute('BEGIN IMMEDIATE'); print('held', flush=True); time.sleep(4)\n"
            "c.execute('COMMIT')",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        slack.api.clear()
        started = time.monotonic()
        response = await slack.submit("U1", "offer", values)
        acked_after = time.monotonic() - started
        assert response.status_code == 200 and not response.content
        assert acked_after < 3.0, acked_after
        await settle(slack.api, timeout=20)  # the summary follows in the DM
        assert "New offer — please check:" in slack.api.texts()
    finally:
        holder.wait(timeout=10)


async def test_errors_of_a_form_stay_on_the_form(slack) -> None:
    await onboard(slack, "U1", "Nordic Fund", "I offer")
    refused = await slack.submit("U1", "offer", {"title": typed("Grants")})
    assert refused.json()["response_action"] == "errors"
    assert "assistance_type" in refused.json()["errors"]


async def test_the_app_home_is_published_once_per_action_and_never_for_a_retry(slack) -> None:
    await onboard(slack, "U1", "Nordic Fund", "I offer")
    event = {
        "type": "message",
        "channel_type": "im",
        "user": "U1",
        "channel": "DU1",
        "text": "hello again",
        "ts": "1.1",
    }
    slack.api.clear()
    await slack.event(event, event_id="EvOnce")
    await settle(slack.api)
    assert len(slack.api.named("views.publish")) == 1
    slack.api.clear()
    retried = await slack.event(event, event_id="EvOnce", headers={"X-Slack-Retry-Num": "1"})
    assert retried.status_code == 200
    await _quiet()
    assert slack.api.named("views.publish") == [] and slack.api.named("chat.postMessage") == []
    for label in ("Matches",):  # a button press: one home too
        slack.api.clear()
        await slack.click("U1", "c:matches:", on_home=True)
        await settle(slack.api)
        await _quiet()
        assert len(slack.api.named("views.publish")) == 1, label


async def test_a_command_in_a_channel_is_answered_in_the_dm_with_a_note_there(slack) -> None:
    await slack.slash("U1", "help", channel="C9")
    [note] = slack.api.named("chat.postEphemeral")
    assert (note["channel"], note["user"]) == ("C9", "U1")
    assert "direct message" in note["text"]
    assert all(p["channel"] == "U1" for p in slack.api.named("chat.postMessage"))


async def test_the_name_offered_is_the_one_slack_knows(slack) -> None:
    slack.api.users["U1"] = {
        "id": "U1",
        "name": "u0alice",
        "real_name": "Alice Ndiaye",
        "locale": "fr-FR",
        "profile": {"real_name": "Alice Ndiaye", "display_name": "alice"},
    }
    await slack.say("U1", "hello")
    assert "Bienvenue" in slack.api.texts()  # the locale suggests the language
    assert len(slack.api.named("users.info")) == 1
    await slack.tap("U1", "Français")
    labels = [
        e["text"]["text"]
        for p in slack.api.named("chat.postMessage")
        for b in p.get("blocks", [])
        for e in b.get("elements", [])
    ]
    assert any("Alice Ndiaye" in label for label in labels), labels
    assert slack.api.named("users.info") == []  # asked once, remembered


def test_long_text_is_never_cut_inside_an_escape_and_formatting_is_neutralised() -> None:
    typed_by_someone = "<!here> & *bold* _it_ ~gone~ `code` " * 400
    text = markup("**Title** {body}", body=typed_by_someone)
    pieces = [block.text.text for block in sections(text)]
    assert len(pieces) > 1 and all(len(p) <= SECTION_LIMIT for p in pieces)
    for piece in pieces:
        assert not re.search(r"&(?!amp;|lt;|gt;)", piece), piece[-20:]  # whole entities
        assert "<" not in piece and ">" not in piece
    body = "".join(pieces)
    assert "*Title*" in body  # our own bold stays bold
    assert "*bold*" not in body and "\u200b*bold\u200b*" in body  # theirs is inert
    [payload, *_] = messages([Reply(text)])
    assert not re.search(r"&(?!amp;|lt;|gt;)", payload["text"])
    assert escape("a*b") == "a\u200b*b"


def test_a_command_reference_is_written_for_slack() -> None:
    [block] = sections(markup("Register a /need, or see /help. Not km/h."))
    assert block.text.text == "Register a /partners need, or see /partners help. Not km/h."
    assert Text.command("need")  # the reference itself


async def _quiet() -> None:
    import asyncio

    await asyncio.sleep(0.3)


def test_the_manifest_lists_every_command_of_the_registry() -> None:
    from pathlib import Path

    from adapters.slack.app import usage_hint
    from bot.commands import REGISTRY

    manifest = (Path(__file__).parents[2] / "adapters/slack/manifest.yml").read_text()
    assert f'usage_hint: "{usage_hint(REGISTRY)}"' in manifest
