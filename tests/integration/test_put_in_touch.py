"""Matched partners are put in touch: what each agreed to share, their organisations'
contact points, or, when nobody shared anything, an introduction by a coordinator."""

from __future__ import annotations

from sqlmodel import select

from bot.chatbot import ChatBot
from bot.i18n import Tr
from bot.notices import render_notice
from core.models import AuditEvent, ChannelIdentity, ContactPoint, Notification, Stakeholder
from tests.chat import Person, actors, onboard, onboard_donor
from tests.factories import matched


def two_sides(db, vocab, bot: ChatBot, *, email: str | None = None) -> tuple[Person, Person]:
    ana, kim = Person(bot, "ana"), Person(bot, "kim")
    onboard(ana, email=email)
    onboard_donor(kim)
    return ana, kim


def accept_both(db, vocab) -> int:
    ana, kim = actors(ChatBot(db, vocab), "ana", "kim")
    with db.write() as s:
        return matched(s, vocab, ana, kim, accepted_by=(ana, kim))


def told(db, vocab, kind: str, language: str = "en") -> dict[int, str]:
    with db.read() as s:
        rows = s.exec(select(Notification).where(Notification.kind == kind)).all()
        return {
            n.stakeholder_id: "\n".join(
                str(r.text) for r in render_notice(s, vocab, Tr(language), n)
            )
            for n in rows
        }


def person_id(db, user: str) -> int:
    with db.read() as s:
        identity = s.exec(select(ChannelIdentity).where(ChannelIdentity.external_user_id == user))
        return identity.one().stakeholder_id


def test_each_side_receives_the_others_contact_points_and_consented_details(db, vocab) -> None:
    bot = ChatBot(db, vocab)
    _ana, kim = two_sides(db, vocab, bot, email="ana@mekong.example.org")
    kim.command("organisation")
    kim.tap("Add a contact point")
    kim.tap("National")
    kim.say("Partnerships desk")
    kim.say("desk@nordic.example.org")
    kim.tap("Skip")
    kim.tap("Skip")
    assert "public web directory" in kim.text  # consent to publish, asked, not assumed
    kim.tap("No")
    kim.tap("Save")
    assert "Saved: the contact point Partnerships desk" in kim.text
    accept_both(db, vocab)
    accepted = told(db, vocab, "match_accepted")
    to_ana, to_kim = accepted[person_id(db, "ana")], accepted[person_id(db, "kim")]
    assert "Partnerships desk: desk@nordic.example.org" in to_ana
    assert "ana@mekong.example.org" in to_kim  # what Ana agreed to share, and only that
    assert "a coordinator" not in to_ana + to_kim
    assert told(db, vocab, "introduction_needed") == {}


def test_nobody_shared_so_a_coordinator_introduces_them(db, vocab) -> None:
    bot = ChatBot(db, vocab)
    two_sides(db, vocab, bot)
    claire = Person(bot, "claire")
    onboard(
        claire,
        organisation="Support Unit",
        kind="Intergovernmental organisation",
        country="Switzerland",
    )
    with db.write() as s:
        from core.models import StakeholderRole
        from core.models.enums import Role

        s.add(StakeholderRole(stakeholder_id=person_id(db, "claire"), role=Role.coordinator))
    accept_both(db, vocab)
    for text in told(db, vocab, "match_accepted").values():
        assert "a coordinator will introduce you" in text  # and it is true:
    [asked] = told(db, vocab, "introduction_needed").values()
    assert "Will you introduce them?" in asked
    with db.read() as s:
        notice = s.exec(
            select(Notification).where(Notification.kind == "introduction_needed")
        ).one()
        [reply] = render_notice(s, vocab, Tr("en"), notice)
    claire.press(reply.all_buttons[0].action)
    assert "Introduced" in claire.text
    introductions = told(db, vocab, "introduction")
    assert set(introductions) == {person_id(db, "ana"), person_id(db, "kim")}
    assert all("Claire Tester" in text for text in introductions.values())
    claire.press(reply.all_buttons[0].action)  # tapped twice: nobody is told twice
    assert len(told(db, vocab, "introduction")) == 2
    with db.read() as s:
        assert s.exec(select(AuditEvent).where(AuditEvent.action == "partnership.introduce")).all()


def test_with_no_coordinator_the_partners_are_told_what_they_can_do(db, vocab) -> None:
    bot = ChatBot(db, vocab)
    two_sides(db, vocab, bot)
    accept_both(db, vocab)
    for text in told(db, vocab, "match_accepted", "fr").values():
        assert "un coordinateur va vous mettre en relation" not in text  # it would be untrue
        assert "/profile" in text and "/organisation" in text


def test_only_members_or_coordinators_keep_contact_points(db, vocab) -> None:
    bot = ChatBot(db, vocab)
    ana, _kim = two_sides(db, vocab, bot)
    with db.read() as s:
        kims_org = s.get(Stakeholder, person_id(db, "kim")).organisation_id
    ana.press(f"c:cp_add:{kims_org}")  # a forged button for another organisation
    assert "Only members of the organisation" in ana.text
    with db.read() as s:
        assert s.exec(select(ContactPoint)).all() == []
