"""A stranger who types another organisation's name at sign-up does not become its member:
its members (or a coordinator, when it has none) decide, and meanwhile they see nothing of
it. The organisation lookup takes wildcards literally and suggests only close names."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.chatbot import ChatBot
from core.listings import create_listing
from core.models import ChannelIdentity, Notification, Stakeholder
from core.models.enums import Visibility
from core.people import load_actor, search_organisations
from tests.chat import Person, onboard, register_need
from tests.factories import need


def stakeholder(db, user: str) -> int:
    with db.read() as s:
        query = select(ChannelIdentity).where(ChannelIdentity.external_user_id == user)
        return s.exec(query).one().stakeholder_id


def test_a_stranger_typing_an_organisations_name_waits_and_sees_nothing(db, vocab) -> None:
    bot = ChatBot(db, vocab)  # no verification required: the default
    ana = Person(bot, "ana")
    onboard(ana)
    register_need(ana)
    with db.write() as s:
        restricted = need(title="Restricted survey data", visibility=Visibility.restricted)
        create_listing(s, vocab, load_actor(s, stakeholder(db, "ana")), restricted)
    eve = Person(bot, "eve")
    onboard(eve, organisation="Mekong Mine Action Centre", joins=True)
    assert "you cannot act for it" in eve.text
    eve.command("mine")
    assert "Prosthetic kits" not in eve.text and "Restricted" not in eve.text
    eve.command("search")
    eve.tap("Needs")
    eve.tap("Any type")
    eve.tap("Any area")
    eve.tap("Skip")
    assert "Restricted survey data" not in eve.text
    eve.press("c:withdraw_yes:1")
    assert "Only your organisation" in eve.text
    with db.read() as s:  # Ana was asked, with the buttons to answer
        [asked] = s.exec(select(Notification).where(Notification.kind == "membership_request"))
        assert asked.stakeholder_id == stakeholder(db, "ana")
    eve.press(f"c:member_ok:{stakeholder(db, 'eve')}")  # she cannot let herself in
    assert "Only members of the organisation" in eve.text
    ana.press(f"c:member_no:{stakeholder(db, 'eve')}")
    assert "was not let in" in ana.text
    ana.press(f"c:member_ok:{stakeholder(db, 'eve')}")  # a second answer changes nothing
    assert "already answered" in ana.text
    with db.read() as s:
        assert s.get(Stakeholder, stakeholder(db, "eve")).organisation_id is None


def test_an_organisation_with_no_member_asks_the_coordinators(db, vocab) -> None:
    from core.models.enums import OrganisationKind, Role
    from core.people import create_organisation
    from tests.factories import person

    with db.write() as s:
        create_organisation(s, vocab, name="Empty Office", kind=OrganisationKind.ngo, country="FR")
        boss = person(s, vocab, roles=(Role.coordinator,), country="CH")
    bot = ChatBot(db, vocab)
    onboard(Person(bot, "tom"), organisation="Empty Office", joins=True)
    with db.read() as s:
        [asked] = s.exec(select(Notification).where(Notification.kind == "membership_request"))
    assert asked.stakeholder_id == boss.id


def test_the_lookup_takes_wildcards_literally_and_needs_three_characters(db, vocab) -> None:
    bot = ChatBot(db, vocab)
    onboard(Person(bot, "ana"))
    with db.read() as s:
        assert search_organisations(s, "%%") == []
        assert search_organisations(s, "%_%") == []
        assert search_organisations(s, "me") == []  # too short to suggest anyone's
        assert [o.name for o in search_organisations(s, "mekong")] == ["Mekong Mine Action Centre"]
        assert search_organisations(s, "kong mi") == []  # inside a word: not close enough


def test_a_revoked_coordinator_reviews_nothing_and_their_partnerships_go_back(db, vocab) -> None:
    from datetime import date

    from core.errors import PermissionDenied
    from core.models import Partnership, StakeholderRole
    from core.models.enums import Role
    from core.people import load_actor, revoke_role
    from core.reporting import approve_report, submit_report
    from tests.factories import active_partnership, person

    with db.write() as s:
        boss = person(s, vocab, roles=(Role.coordinator,), country="CH")
        admin = person(s, vocab, roles=(Role.admin,), country="CH")
        pid, field, _ = active_partnership(s, vocab, first_due=date(2027, 3, 31), coordinator=boss)
        from datetime import UTC, datetime

        report = submit_report(
            s,
            field,
            pid,
            date(2027, 3, 31),
            {},
            narrative="Done",
            now=datetime(2027, 3, 31, 9, tzinfo=UTC),
        )
        revoke_role(s, admin, boss.id, Role.coordinator)
        assert s.get(StakeholderRole, (boss.id, Role.coordinator)) is None
        assert s.get(Partnership, pid).coordinator_id is None
        now_boss = load_actor(s, boss.id)
        with pytest.raises(PermissionDenied):
            approve_report(s, now_boss, report.id)
