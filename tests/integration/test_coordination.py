"""Coordinators' tools through the engine: permissions, charts, exports, verification, roles,
audit history, and personal data; on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
import struct
import zipfile
from decimal import Decimal

import pytest
from sqlmodel import SQLModel, select

from bot.chatbot import ChatBot
from core.export import TABLES, export, to_csv, to_json
from core.listings import create_listing
from core.matchmaking import decide, propose_matches
from core.models import (
    AuditEvent,
    ChannelIdentity,
    Conversation,
    Listing,
    Notification,
    StakeholderRole,
)
from core.models.enums import Role
from tests.chat import Person, onboard, register_need
from tests.factories import bot_settings, need, offer, person

COORDINATOR_COMMANDS = ("gaps", "stats", "export")


def settings():
    return bot_settings(admins="console:root")


@pytest.fixture
def bot(db, vocab) -> ChatBot:
    return ChatBot(db, vocab, settings())


def coordinator(bot: ChatBot) -> Person:
    root = Person(bot, "root")
    onboard(
        root,
        organisation="Support Unit",
        kind="Intergovernmental organisation",
        country="Switzerland",
    )
    return root


def png_size(path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


@pytest.mark.parametrize("command", [*COORDINATOR_COMMANDS, "grant", "revoke"])
def test_only_coordinators_and_admins_may(bot, command) -> None:
    ana = Person(bot, "ana")
    onboard(ana)
    ana.command(command)
    expected = "Only an admin" if command in ("grant", "revoke") else "Only coordinators"
    assert expected in ana.text
    ana.press("c:verify_ok:1")
    assert "Only coordinators" in ana.text


def _market(db, vocab) -> None:
    with db.write() as s:
        field = person(s, vocab, country="KH")
        donor = person(s, vocab, roles=(Role.donor,), country="NO")
        money = {"quantity": None, "unit": None, "currency": "USD"}
        need_id = create_listing(
            s, vocab, field, need(assistance_type="financial", amount=Decimal(100000), **money)
        ).listing.id
        create_listing(
            s,
            vocab,
            field,
            need(
                title="Risk education",
                assistance_type="training",
                areas=["risk_education"],
                amount=Decimal(30000),
                **money,
            ),
        )
        create_listing(s, vocab, donor, offer(amount=Decimal(60000), currency="USD"))
        [match] = propose_matches(s, vocab, need_id, threshold=0)
        decide(s, field, match.id, accept=True)
        decide(s, donor, match.id, accept=True)


def test_gaps_as_a_chart_and_a_text(bot, db, vocab) -> None:
    _market(db, vocab)
    root = coordinator(bot)
    root.command("gaps")
    root.tap("Every area")
    root.tap("Everywhere")
    root.tap("Since the start")
    [reply] = root.replies
    text = str(reply.text)
    assert "Gaps — amounts in USD" in text
    assert (
        "Victim assistance: 1 need (0 with nothing accepted yet) · $40,000.00 still needed" in text
    )
    assert "$60,000.00 committed" in text
    assert "Explosive ordnance risk education: 1 need (1 with nothing accepted yet)" in text
    assert reply.attachment is not None and reply.attachment.is_image
    assert png_size(reply.attachment.path) == (1000, 600)


def test_gaps_filters(bot, db, vocab) -> None:
    _market(db, vocab)
    root = coordinator(bot)
    root.command("gaps")
    root.tap("Explosive ordnance")
    root.tap("Everywhere")
    root.tap("last 90 days")
    assert "Victim assistance" not in root.text and "risk education" in root.text
    root.command("gaps")
    root.tap("Every area")
    root.say("Africa")
    root.tap("Since the start")
    assert "No open needs match" in root.text


def test_stats_count_what_was_used(bot, db, vocab) -> None:
    _market(db, vocab)
    root = coordinator(bot)
    ana = Person(bot, "ana")
    onboard(ana)
    register_need(ana)
    ana.command("search")
    root.command("stats")
    root.tap("The last 30 days")
    [reply] = root.replies
    text = str(reply.text)
    assert "Figures for the last 30 days" in text
    assert "open (3)" in text and "Matches: accepted by both (1)" in text
    assert "Active users: 2" in text and "Commands: About you (2)" in text
    assert "Forms saved: " in text
    assert png_size(reply.attachment.path) == (1000, 600)


def test_exports_round_trip(db, vocab) -> None:
    _market(db, vocab)
    with db.read() as s:
        data = export(s, include_restricted=True)
        titles = [
            listing.title
            for listing in s.exec(
                select(Listing).where(Listing.kind == "need").order_by(Listing.id)
            )
        ]
    assert [n["title"] for n in data["needs"]] == titles
    assert json.loads(to_json(data))["needs"] == data["needs"]
    back = list(csv.DictReader(io.StringIO(to_csv(data["needs"]))))
    assert [dict(row) for row in back] == [
        {k: "" if v is None else str(v) for k, v in row.items()} for row in data["needs"]
    ]
    assert data["matches"][0]["status"] == "accepted"


def test_restricted_needs_only_in_a_coordinators_export(db, vocab) -> None:
    with db.write() as s:
        field = person(s, vocab)
        create_listing(s, vocab, field, need(title="Secret", visibility="restricted"))
        create_listing(s, vocab, field, need(title="Open"))
    with db.read() as s:
        everything = export(s, include_restricted=True)
        public = export(s, include_restricted=False)
    assert [n["title"] for n in everything["needs"]] == ["Secret", "Open"]
    assert [n["title"] for n in public["needs"]] == ["Open"]


def test_the_export_command_sends_a_file(bot, db, vocab) -> None:
    _market(db, vocab)
    root = coordinator(bot)
    root.command("export")
    root.tap("CSV files")
    [reply] = root.replies
    with zipfile.ZipFile(reply.attachment.path) as archive:
        assert sorted(archive.namelist()) == sorted(f"{table}.csv" for table in TABLES)
        assert "Risk education" in archive.read("needs.csv").decode()
    root.command("export")
    root.tap("One JSON file")
    assert (
        json.loads(root.replies[0].attachment.path.read_text())["format"] == "partnerbot-export/2"
    )


def test_verification_hides_listings_until_a_coordinator_verifies(db, vocab) -> None:
    bot = ChatBot(db, vocab, bot_settings(admins="console:root", require_verification=True))
    root = coordinator(bot)
    ana, kim = Person(bot, "ana"), Person(bot, "kim")
    onboard(ana)
    register_need(ana)
    assert "A coordinator will check your organisation" in ana.text
    onboard(
        kim,
        organisation="Nordic Fund",
        kind="Government",
        country="Norway",
        role="I offer assistance",
    )
    kim.command("search")
    kim.tap("Needs")
    kim.tap("Any type")
    kim.tap("Any area")
    kim.tap("Skip")
    assert "Nothing found" in kim.text  # not verified yet: invisible to others
    with db.read() as s:
        requests = s.exec(select(Notification).where(Notification.kind == "verify_request")).all()
        ana_id = (
            s.exec(select(ChannelIdentity).where(ChannelIdentity.external_user_id == "ana"))
            .one()
            .stakeholder_id
        )
    assert {r.payload["stakeholder_id"] for r in requests} >= {ana_id}
    root.press(f"c:verify_ok:{ana_id}")
    assert "Verified" in root.text
    kim.command("search")
    kim.tap("Needs")
    kim.tap("Any type")
    kim.tap("Any area")
    kim.tap("Skip")
    assert "Prosthetic kits for Battambang" in kim.text
    with db.read() as s:
        result = s.exec(
            select(Notification).where(Notification.kind == "verification_result")
        ).one()
    assert result.stakeholder_id == ana_id and result.payload["approved"]


def test_a_rejection_carries_its_reason(db, vocab) -> None:
    bot = ChatBot(db, vocab, bot_settings(admins="console:root", require_verification=True))
    root = coordinator(bot)
    eve = Person(bot, "eve")
    onboard(eve, organisation="Unknown Group", kind="NGO or civil society", country="France")
    with db.read() as s:
        eve_id = (
            s.exec(select(ChannelIdentity).where(ChannelIdentity.external_user_id == "eve"))
            .one()
            .stakeholder_id
        )
    root.press(f"c:verify_no:{eve_id}")
    root.say("We could not confirm this organisation exists.")
    assert "Rejected" in root.text
    with db.read() as s:
        result = s.exec(
            select(Notification).where(Notification.kind == "verification_result")
        ).one()
    assert result.payload == {
        "approved": False,
        "reason": "We could not confirm this organisation exists.",
    }


def test_admins_grant_and_revoke_roles_and_the_audit_says_who(bot, db) -> None:
    root = coordinator(bot)
    ana = Person(bot, "ana")
    onboard(ana)
    root.command("grant")
    root.say("Ana")
    root.tap("Coordinator")
    root.tap("Save")
    assert "Ana Tester is now Coordinator" in root.text
    ana.command("gaps")
    assert "Which thematic area?" in ana.question
    root.command("revoke")
    root.say("ana tester")
    root.tap("Coordinator")
    root.tap("Save")
    with db.read() as s:
        ana_id = (
            s.exec(select(ChannelIdentity).where(ChannelIdentity.external_user_id == "ana"))
            .one()
            .stakeholder_id
        )
        root_id = (
            s.exec(select(ChannelIdentity).where(ChannelIdentity.external_user_id == "root"))
            .one()
            .stakeholder_id
        )
        roles = set(
            s.exec(select(StakeholderRole.role).where(StakeholderRole.stakeholder_id == ana_id))
        )
        trail = [
            (e.action, e.actor_id)
            for e in s.exec(
                select(AuditEvent).where(
                    AuditEvent.entity_id == ana_id, AuditEvent.entity_type == "stakeholder"
                )
            )
        ]
    assert roles == {Role.field_contact}
    assert ("role.grant", root_id) in trail and ("role.revoke", root_id) in trail


def test_history_shows_who_changed_a_listing(bot, db) -> None:
    ana = Person(bot, "ana")
    onboard(ana)
    register_need(ana)
    ana.command("mine")
    ana.tap("Edit")
    ana.tap("Change a field")
    ana.tap("Title")
    ana.say("Prosthetic kits, revised")
    ana.tap("Save")
    ana.command("history", "listing 1")
    assert "History of listing #1" in ana.text
    assert "Ana Tester · registered it" in ana.text and "Ana Tester · made a change" in ana.text
    assert "need.create" not in ana.text  # words, not codes
    ana.command("language")
    ana.tap("Français")
    ana.command("history", "listing 1")
    assert "Historique de l’annonce nº 1" in ana.text and "Ana Tester · l’a enregistrée" in ana.text
    eve = Person(bot, "eve")
    onboard(eve, organisation="Elsewhere", kind="NGO or civil society", country="France")
    eve.command("history", "listing 1")
    assert "Only the owners of this record" in eve.text


def test_my_data_is_a_file_of_everything_held(bot, db) -> None:
    ana = Person(bot, "ana")
    onboard(ana)
    register_need(ana)
    ana.command("mydata")
    [reply] = ana.replies
    data = json.loads(reply.attachment.path.read_text())
    assert data["person"]["name"] == "Ana Tester"
    assert data["accounts"][0]["external_user_id"] == "ana"
    assert data["listings_created"][0]["title"] == "Prosthetic kits for Battambang"


def test_forget_me_leaves_no_personal_field_behind(bot, db) -> None:
    ana = Person(bot, "ana")
    onboard(ana)
    register_need(ana)
    ana.command("profile")
    ana.tap("Change a field")
    ana.tap("Name")
    ana.say("Ana Maria Tester")
    ana.tap("Save")
    ana.command("forgetme")
    ana.tap("No")
    assert "nothing changed" in ana.text
    ana.command("forgetme")
    ana.tap("Yes")
    assert "your personal data is deleted" in ana.text
    personal = ("Ana", "ana", "Tester")
    with db.read() as s:
        dump = []
        for table in SQLModel.metadata.sorted_tables:
            dump += [str(tuple(row)) for row in s.connection().execute(table.select())]
        listing = s.exec(select(Listing)).one()
        assert s.exec(select(ChannelIdentity)).all() == []
        assert s.exec(select(Conversation)).all() == []
    leftovers = [row for row in dump if any(word in row for word in personal)]
    assert leftovers == []
    assert listing.title == "Prosthetic kits for Battambang"  # the organisation's record stays
    again = Person(bot, "ana")
    again.say("hello")
    assert "get to know you" in again.text  # a stranger now
