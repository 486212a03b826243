"""Edge cases found in review: each test is a scenario that once went wrong."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from bot.chatbot import ChatBot
from bot.messages import Inbound, Sender
from core.errors import Conflict
from core.listings import create_listing, withdraw_listing
from core.matchmaking import decide, propose_matches
from core.models import (
    ChannelIdentity,
    Indicator,
    Listing,
    Match,
    Partnership,
    Stakeholder,
)
from core.models.enums import ListingStatus, MatchStatus, Platform, Role
from tests.chat import Person, onboard, register_need
from tests.factories import active_partnership, bot_settings, need, offer, person


def settings():
    return bot_settings(admins="console:root", require_verification=True)


def stakeholder_of(db, user: str) -> int:
    with db.read() as s:
        return (
            s.exec(select(ChannelIdentity).where(ChannelIdentity.external_user_id == user))
            .one()
            .stakeholder_id
        )


def test_joining_a_verified_organisation_waits_for_a_coordinator(db, vocab) -> None:
    bot = ChatBot(db, vocab, settings())
    root = Person(bot, "root")
    onboard(
        root,
        organisation="Support Unit",
        kind="Intergovernmental organisation",
        country="Switzerland",
    )
    ana = Person(bot, "ana")
    onboard(ana)
    register_need(ana)
    root.press(f"c:verify_ok:{stakeholder_of(db, 'ana')}")
    eve = Person(bot, "eve")
    onboard(eve, organisation="Mekong Mine Action Centre", joins=True)  # claims to be a colleague
    assert "you cannot act for it" in eve.text
    eve.command("mine")
    assert "Prosthetic kits" not in eve.text
    eve.press("c:withdraw_yes:1")
    assert "Only your organisation" in eve.text
    eve.command("need")
    eve.tap("Equipment")
    with db.read() as s:
        assert s.get(Listing, 1).status == ListingStatus.open
    root.press(f"c:verify_ok:{stakeholder_of(db, 'eve')}")
    eve.command("mine")
    assert "Prosthetic kits" in eve.text  # confirmed: now a colleague


def test_user_text_in_step_labels_is_not_markup(db, vocab) -> None:
    bot = ChatBot(db, vocab)
    with db.write() as s:
        _pid, field, _ = active_partnership(s, vocab, first_due=date.today())
        indicator = s.exec(select(Indicator)).one()
        indicator.name = "Kits {n} [Verify](https://evil.example/x)"
        s.add(
            ChannelIdentity(
                stakeholder_id=field.id,
                platform="console",
                external_user_id="field",
                chat_id="field",
            )
        )
    partner = Person(bot, "field")
    partner.command("report")
    partner.say("3")
    partner.say("Going well")
    partner.tap("Skip")
    partner.tap("Skip")
    summary = partner.replies[-1].text
    assert "Kits {n} [Verify](https://evil.example/x): 3" in str(summary)
    assert not any(span.link for span in summary.spans)
    partner.tap("Save")
    assert "is with the coordinator" in partner.text


def test_linking_during_an_introduction_makes_no_second_person(db, vocab) -> None:
    bot = ChatBot(db, vocab)
    ana = Person(bot, "ana")
    onboard(ana)
    [shown] = bot.handle(Inbound(Sender(Platform.console, "ana", "ana"), command="link"))
    code = str(shown.text).split("Your code is ")[1].split(".")[0]
    slack = Person(bot, "U1", platform=Platform.slack)
    slack.say("hello")  # an introduction starts
    slack.command("link", code)
    slack.say("Ana Again")
    with db.read() as s:
        assert len(s.exec(select(Stakeholder)).all()) == 1


def test_a_match_cannot_be_accepted_once_a_side_is_withdrawn(db, vocab) -> None:
    with db.write() as s:
        field = person(s, vocab)
        donor = person(s, vocab, roles=(Role.donor,), country="NO")
        need_id = create_listing(s, vocab, field, need()).listing.id
        create_listing(s, vocab, donor, offer(assistance_type="equipment"))
        [match] = propose_matches(s, vocab, need_id, threshold=0)
        decide(s, field, match.id, accept=True)
        withdraw_listing(s, field, need_id)
    with pytest.raises(Conflict), db.write() as s:
        decide(s, donor, match.id, accept=True)
    with db.read() as s:
        assert s.get(Match, match.id).status in (MatchStatus.proposed, MatchStatus.expired)
        assert s.exec(select(Partnership)).all() == []
        assert s.get(Listing, need_id).status == ListingStatus.withdrawn


def test_changing_the_organisation_at_the_summary_forgets_the_old_pick(db, vocab) -> None:
    bot = ChatBot(db, vocab)
    onboard(
        Person(bot, "halo"),
        organisation="Halo Foundation",
        kind="NGO or civil society",
        country="France",
    )
    bo = Person(bot, "bo")
    bo.command("start")
    bo.tap("English")
    bo.say("Bo Tester")
    bo.say("halo")
    bo.tap("Halo Foundation")
    bo.tap("I register needs")
    bo.tap("Skip")  # the time zone
    bo.tap("Skip")  # how partners may reach them
    bo.tap("Change a field")
    bo.tap("Organisation")
    bo.say("Mines Advisory")
    assert "What kind of organisation" in bo.question  # the new one is created properly
    bo.tap("NGO")
    bo.tap("Skip")
    bo.tap("Save")
    with db.read() as s:
        bo_person = s.get(Stakeholder, stakeholder_of(db, "bo"))
        from core.models import Organisation

        assert s.get(Organisation, bo_person.organisation_id).name == "Mines Advisory"
