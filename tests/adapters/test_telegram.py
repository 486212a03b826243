"""Telegram through python-telegram-bot's real Application and Bot, offline: real Update JSON
in, the Bot API calls out."""

from __future__ import annotations

import json
import os
from datetime import timedelta

import httpx
import pytest
from sqlmodel import select
from starlette.applications import Starlette
from telegram import Update

from adapters.telegram.adapter import TelegramConfig, build_application, register_commands
from adapters.telegram.channel import TelegramChannel
from adapters.telegram.render import split_html, to_html
from adapters.telegram.webhook import SECRET_HEADER, webhook_route
from bot.chatbot import ChatBot
from bot.messages import Progress, Reply
from bot.outbox import Dispatcher, Recipient, Transient
from bot.text import Text, markup
from core.clock import utcnow
from core.models import ChannelIdentity, Listing, Notification
from core.models.enums import NotificationStatus, Platform
from core.notifications import enqueue
from core.people import LANGUAGES
from tests.adapters.telegram_offline import OfflineRequest, Updates

TOKEN = "123456:TEST-token"


@pytest.fixture
def offline() -> OfflineRequest:
    return OfflineRequest()


@pytest.fixture
async def app(sqlite_db, vocab, offline):
    application = build_application(
        TelegramConfig(token=TOKEN), ChatBot(sqlite_db, vocab), request=offline
    )
    async with application:
        yield application


@pytest.fixture
def updates() -> Updates:
    return Updates()


async def feed(app, data: dict) -> None:
    await app.process_update(Update.de_json(data, app.bot))


class Phone:
    """One person's Telegram app: sends texts and presses the buttons it was shown."""

    def __init__(self, app, offline: OfflineRequest, updates: Updates, user: dict) -> None:
        self.app, self.offline, self.updates, self.user = app, offline, updates, user

    async def say(self, text: str) -> None:
        self.offline.clear()
        await feed(self.app, self.updates.message(self.user, text))

    async def tap(self, label: str) -> None:
        data = self.button(label)
        self.offline.clear()
        await feed(self.app, self.updates.press(self.user, data))

    def button(self, label: str) -> str:
        for call in reversed(self.offline.sent(self.user["id"])):
            for row in call.buttons:
                for button in row:
                    if label in button["text"]:
                        return button["callback_data"]
        raise AssertionError(f"no button {label!r} in {self.labels}")

    @property
    def labels(self) -> list[str]:
        return [label for call in self.offline.sent(self.user["id"]) for label in call.labels]

    @property
    def texts(self) -> str:
        return "\n".join(str(c.params.get("text", "")) for c in self.offline.sent(self.user["id"]))


async def onboard(phone: Phone, organisation: str = "Nordic Fund", role: str = "I offer") -> None:
    await phone.say("/start")
    await phone.tap("English")
    await phone.say("Kim Berg")
    await phone.say(organisation)
    await phone.tap("Government")
    await phone.say("Norway")
    await phone.tap(role)
    await phone.tap("Skip")  # the time zone
    await phone.tap("Skip")  # how partners may reach them: nothing shared
    await phone.tap("Save")


async def test_a_whole_offer_dialog_with_buttons(app, offline, updates, sqlite_db) -> None:
    kim = Phone(app, offline, updates, updates.user(7, "Kim"))
    await onboard(kim)
    assert "you are registered" in kim.texts
    await kim.say("/offer")
    [question] = offline.sent(7)
    assert question.params["parse_mode"] == "HTML"
    assert question.labels[:3] == ["Financial", "Equipment", "Material"]
    assert [len(row) for row in question.buttons][:3] == [2, 2, 2]
    await kim.tap("Equipment")
    await kim.tap("Several of them")
    await kim.tap("Victim assistance")
    # Multi-select shows its check mark by editing the message, not by sending a new one.
    [edited] = offline.sent(7)
    assert edited.method == "editMessageText" and "✔ Victim assistance" in edited.labels
    await kim.tap("Done")
    await kim.say("Rehabilitation kits")
    await kim.tap("Worldwide")
    await kim.say("25 kits")
    await kim.tap("Skip")
    await kim.tap("Skip")
    await kim.tap("Skip")
    assert "<b>New offer</b> — please check:" in kim.texts
    await kim.tap("Save")
    assert "Saved: your offer <b>Rehabilitation kits</b>" in kim.texts
    with sqlite_db.read() as s:
        assert [lst.title for lst in s.exec(select(Listing))] == ["Rehabilitation kits"]
    answered = [c for c in offline.calls if c.method == "answerCallbackQuery"]
    assert answered  # every press was answered


async def test_every_button_press_is_answered_even_a_stale_one(app, offline, updates) -> None:
    kim = Phone(app, offline, updates, updates.user(7))
    await onboard(kim)
    await kim.say("/need")
    stale = kim.button("Financial")
    await kim.tap("Equipment")
    offline.clear()
    await feed(app, updates.press(kim.user, stale))
    assert next(c.method for c in offline.calls) == "answerCallbackQuery"
    assert "earlier question" in kim.texts
    offline.clear()
    await feed(app, updates.press(kim.user, "forged-or-foreign"))
    assert offline.calls[0].method == "answerCallbackQuery" and "earlier question" in kim.texts


async def test_callback_data_always_fits_telegram(app, offline, updates) -> None:
    kim = Phone(app, offline, updates, updates.user(7))
    await onboard(kim)
    await kim.say("/offer")
    await kim.tap("Expertise")
    every = [b["callback_data"] for c in offline.calls for row in c.buttons for b in row]
    assert every and all(len(data.encode()) <= 64 for data in every)


async def test_hostile_names_are_escaped(app, offline, updates) -> None:
    eve = Phone(app, offline, updates, updates.user(9, "<b>Eve</b> & co"))
    await eve.say("/start")
    await eve.tap("English")
    assert "Use “<b>Eve</b> & co”" in eve.labels  # a button label is plain text, not HTML
    await eve.say("<i>Eve</i> & <a href='x'>co</a>")
    await eve.say("Org <script>")
    await eve.tap("NGO")
    await eve.tap("Skip")
    await eve.tap("I offer")
    await eve.tap("Skip")  # the time zone
    await eve.tap("Skip")  # how partners may reach them
    summary = eve.texts
    assert "&lt;i&gt;Eve&lt;/i&gt; &amp; &lt;a href='x'&gt;co&lt;/a&gt;" in summary
    assert "Org &lt;script&gt;" in summary and "<script>" not in summary


async def test_a_duplicate_update_has_one_effect(app, offline, updates, sqlite_db) -> None:
    kim = Phone(app, offline, updates, updates.user(7))
    await onboard(kim)
    again = updates.message(kim.user, "/need", update_id=555)
    offline.clear()
    await feed(app, again)
    first = len(offline.sent(7))
    await feed(app, again)
    assert first == 1 and len(offline.sent(7)) == 1


async def test_the_commands_menu_in_every_language(app, offline) -> None:
    await register_commands(app.bot, ChatBot.__new__(ChatBot) if False else app_chatbot(app))
    menus = {
        c.params.get("language_code"): c.params["commands"]
        for c in offline.calls
        if c.method == "setMyCommands"
    }
    assert set(menus) == {None, *LANGUAGES}
    described = {
        lang: {c["command"]: c["description"] for c in cmds} for lang, cmds in menus.items()
    }
    assert described["en"]["need"] == "register a need for assistance"
    assert described["fr"]["need"] != described["en"]["need"]
    for language in set(LANGUAGES) - {"en"}:
        assert described[language]["need"] != described["en"]["need"]
    assert "noop" not in described["en"] and "edit" not in described["en"]


def app_chatbot(app) -> ChatBot:
    return app.handlers[0][0].callback.__self__.chatbot


async def test_deep_links_open_the_dialog(app, offline, updates) -> None:
    kim = Phone(app, offline, updates, updates.user(7))
    await onboard(kim)
    await kim.say("/start offer")
    assert "What kind of assistance can you offer?" in kim.texts


async def test_in_a_group_only_commands_addressed_to_the_bot_get_a_private_link(
    app, offline, updates
) -> None:
    user = updates.user(7)
    group = {"id": -100, "type": "group", "title": "Donors"}
    await feed(app, updates.message(user, "/need", chat=group))
    await feed(app, updates.message(user, "hello everyone", chat=group))
    assert offline.sent(-100) == []
    await feed(app, updates.message(user, "/need@PartnerTestBot", chat=group))
    [answer] = offline.sent(-100)
    url = answer.buttons[0][0]["url"]
    assert url == "https://t.me/PartnerTestBot?start=need"
    assert "private chat" in answer.params["text"]


async def test_webhook_requires_the_secret(sqlite_db, vocab, offline, updates) -> None:
    application = build_application(
        TelegramConfig(token=TOKEN, webhook_secret="s3cret"),
        ChatBot(sqlite_db, vocab),
        request=offline,
    )
    web = Starlette(routes=[webhook_route("/telegram", application, "s3cret")])
    body = json.dumps(updates.message(updates.user(7), "/help"))
    async with application:
        await application.start()
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=web), base_url="http://127.0.0.1"
        ) as client:
            missing = await client.post("/telegram", content=body)
            wrong = await client.post("/telegram", content=body, headers={SECRET_HEADER: "x"})
            assert (missing.status_code, wrong.status_code) == (403, 403)
            assert application.update_queue.empty() and offline.sent(7) == []
            right = await client.post("/telegram", content=body, headers={SECRET_HEADER: "s3cret"})
            assert right.status_code == 200
            for _ in range(100):
                if offline.sent(7):
                    break
                import asyncio

                await asyncio.sleep(0.02)
        await application.stop()
    assert "What you can do" in offline.sent(7)[0].params["text"]


def test_a_webhook_without_a_secret_is_refused(sqlite_db, vocab, offline) -> None:
    application = build_application(
        TelegramConfig(token=TOKEN), ChatBot(sqlite_db, vocab), request=offline
    )
    with pytest.raises(ValueError, match="secret"):
        webhook_route("/telegram", application, "")


async def outbox_case(app, offline, sqlite_db, vocab, failure):
    kim = Phone(app, offline, Updates(), Updates().user(7))
    await onboard(kim)
    with sqlite_db.write() as s:
        identity = s.exec(select(ChannelIdentity)).one()
        enqueue(s, identity.stakeholder_id, "role_request", "k1", {"name": "Ana"})
    offline.clear()
    offline.failures["7"] = [failure]
    clock = Clock()
    dispatcher = Dispatcher(sqlite_db, vocab, [TelegramChannel(app.bot)], clock=clock)
    return dispatcher, clock


class Clock:
    def __init__(self) -> None:
        self.ahead = timedelta(0)

    def __call__(self):
        return utcnow() + self.ahead


async def test_retry_after_delays_a_notice_without_losing_it(app, offline, sqlite_db, vocab):
    dispatcher, clock = await outbox_case(
        app, offline, sqlite_db, vocab, (429, "Too Many Requests: retry after 3", 3)
    )
    first = await dispatcher.run_once()
    assert first.retried == 1 and offline.sent(7)  # tried once, refused
    offline.clear()
    await dispatcher.run_once()
    assert offline.sent(7) == []  # not before its Retry-After
    clock.ahead += timedelta(seconds=4)
    assert (await dispatcher.run_once()).sent == 1
    assert "Ana" in offline.sent(7)[0].params["text"]


async def test_a_blocked_bot_marks_the_person_unreachable_and_stops(app, offline, sqlite_db, vocab):
    dispatcher, clock = await outbox_case(
        app, offline, sqlite_db, vocab, (403, "Forbidden: bot was blocked by the user", None)
    )
    await dispatcher.run_once()
    clock.ahead += timedelta(hours=1)
    offline.clear()
    await dispatcher.run_once()
    assert offline.sent(7) == []  # not retried
    with sqlite_db.read() as s:
        row = s.exec(select(Notification)).one()
        identity = s.exec(select(ChannelIdentity)).one()
    assert row.status == NotificationStatus.failed and identity.unreachable_at is not None


def test_long_texts_are_split_without_cutting_a_tag() -> None:
    text = markup("**{title}**\n", title="x" * 3000) + Text.plain("word " * 2000)
    pieces = split_html(text)
    assert len(pieces) >= 3 and all(len(p) <= 4096 for p in pieces)
    assert all(p.count("<b>") == p.count("</b>") for p in pieces)
    assert "".join(pieces).replace("<b>", "").replace("</b>", "") == str(text)


def test_markup_becomes_html_and_user_text_is_escaped() -> None:
    rendered = to_html(
        markup(
            "**{name}** said __{what}__ [see](https://example.org/?a=1&b=2)",
            name="<b>x</b>",
            what="a & b",
        )
    )
    assert rendered == (
        "<b>&lt;b&gt;x&lt;/b&gt;</b> said <i>a &amp; b</i> "
        '<a href="https://example.org/?a=1&amp;b=2">see</a>'
    )


async def test_images_and_files_go_through_send_photo_and_send_document(app, offline, tmp_path):
    from adapters.telegram.adapter import send_reply
    from bot.messages import Attachment, Reply

    chart = tmp_path / "gaps.png"
    chart.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    table = tmp_path / "needs.csv"
    table.write_text("id,title\n1,Kits\n")
    await send_reply(
        app.bot,
        7,
        Reply(
            markup("Gaps for **{area}**", area="<VA>"),
            attachment=Attachment("gaps.png", chart, "image/png", is_image=True),
        ),
    )
    await send_reply(
        app.bot,
        7,
        Reply(Text.plain("Your export"), attachment=Attachment("needs.csv", table, "text/csv")),
    )
    photo, document = offline.sent(7)
    assert photo.method == "sendPhoto" and photo.params["caption"] == "Gaps for <b>&lt;VA&gt;</b>"
    assert document.method == "sendDocument" and document.params["caption"] == "Your export"


async def test_a_retry_sends_only_the_pieces_of_a_long_text_that_did_not_go_out(
    app, offline
) -> None:
    channel = TelegramChannel(app.bot)
    reply = Reply(Text.plain("A long report line. " * 600))  # about 12,000 characters
    pieces = split_html(reply.text)
    assert len(pieces) == 3
    recipient = Recipient(1, 1, Platform.telegram, "", "7", "7", "en")
    offline.failures["7"] = [None, (429, "Too Many Requests: retry after 1", 1)]
    progress = Progress()
    with pytest.raises(Transient):
        await channel.deliver(recipient, [reply], progress)
    await channel.deliver(recipient, [reply], progress)
    texts = [call.params["text"] for call in offline.sent(7)]
    assert texts == [pieces[0], pieces[1], pieces[1], pieces[2]]  # the refused one again only


async def test_a_file_made_for_a_reply_is_removed_once_sent(app, offline, made_folders) -> None:
    kim = Phone(app, offline, Updates(), Updates().user(7))
    await onboard(kim)
    await kim.say("/mydata")
    [document] = offline.sent(7)
    assert document.method == "sendDocument"
    assert made_folders and not any(os.path.exists(f) for f in made_folders)  # none is left


async def test_coordinators_see_their_commands_in_their_own_chat_menu(
    app, offline, updates, sqlite_db
) -> None:
    from core.models import StakeholderRole
    from core.models.enums import Role

    kim = Phone(app, offline, updates, updates.user(7, "Kim"))
    await onboard(kim)

    def scoped() -> list:
        return [c for c in offline.calls if c.method == "setMyCommands" and c.params.get("scope")]

    await kim.say("/help")
    assert scoped() == []  # everyone's menu: nothing set for this chat
    with sqlite_db.write() as s:
        identity = s.exec(select(ChannelIdentity)).one()
        s.add(StakeholderRole(stakeholder_id=identity.stakeholder_id, role=Role.coordinator))
    await kim.say("/help")
    [menu] = scoped()
    assert _json(menu.params["scope"]) == {"type": "chat", "chat_id": 7}
    names = [c["command"] for c in _json(menu.params["commands"])]
    assert {"gaps", "stats", "export"} <= set(names) and "grant" not in names
    await kim.say("/help")
    assert scoped() == []  # set once, not with every message
    assert "/gaps" in kim.texts  # and /help lists them too


def _json(value):  # type: ignore[no-untyped-def]
    return json.loads(value) if isinstance(value, str) else value


async def test_a_need_takes_at_most_eight_answers_save_included(app, offline, updates) -> None:
    ana = Phone(app, offline, updates, updates.user(8, "Ana"))
    await onboard(ana, organisation="Mekong Authority", role="I register needs")
    await ana.say("/need")
    answers = 0
    for step in (
        ana.tap("Equipment"),
        ana.tap("Victim assistance"),  # one area is one tap
        ana.say("Prosthetic kits for Battambang"),
        ana.tap("In "),  # the home country
        ana.say("40 kits"),
        ana.tap("Skip"),  # no end date
        ana.tap("High"),
        ana.tap("Save"),
    ):
        await step
        answers += 1
    assert "Saved: your need" in ana.texts
    assert answers <= 8


async def test_several_areas_are_ticked_after_one_more_tap(app, offline, updates) -> None:
    ana = Phone(app, offline, updates, updates.user(9, "Ana"))
    await onboard(ana, organisation="Mekong Authority", role="I register needs")
    await ana.say("/need")
    await ana.tap("Equipment")
    await ana.tap("Several of them")
    await ana.tap("Victim assistance")
    await ana.tap("Explosive ordnance risk education")
    [edited] = offline.sent(9)
    assert {"✔ Victim assistance", "✔ Explosive ordnance risk education"} <= set(edited.labels)
    await ana.tap("Done")
    assert "A short title" in ana.texts
