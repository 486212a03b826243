"""A field contact finds a donor's offer on the public directory, opens the chat at it
(t.me/<bot>?start=listing_<id>), introduces themselves, registers the need it answers and
says "I am interested": the match is proposed to both organisations, even one the rules
would not have made on their own."""

from __future__ import annotations

from sqlmodel import select

from bot.chatbot import ChatBot
from core.listings import create_listing
from core.models import Match, Notification
from core.models.enums import Role
from core.storage import Database
from core.vocabularies import Vocabularies
from tests.chat import Person, onboard, register_need
from tests.factories import offer, person


def test_from_a_public_listing_to_a_proposed_match(db: Database, vocab: Vocabularies) -> None:
    with db.write() as session:
        donor = person(session, vocab, roles=(Role.donor,), country="NO")
        # Training is no answer to a need for equipment: matching alone never pairs them.
        training = offer(title="Training of prosthetists", assistance_type="training")
        offer_id = create_listing(session, vocab, donor, training).listing.id
    bot = ChatBot(db, vocab)
    ana = Person(bot, "ana")

    onboard(ana, start=f"listing_{offer_id}")
    assert "Training of prosthetists" in ana.text  # back at the listing she came for
    ana.tap("I am interested")
    assert "register your need first" in ana.text
    register_need(ana)
    with db.read() as session:
        assert session.exec(select(Match)).all() == []  # the rules proposed nothing

    ana.command("start", f"listing_{offer_id}")
    ana.tap("I am interested")
    ana.expect("Which of your listings answers it?")
    ana.tap(next(label for label in ana.labels if "Prosthetic kits" in label))
    assert "I have proposed the match to both organisations" in ana.text
    with db.read() as session:
        [match] = session.exec(select(Match)).all()
        told = session.exec(select(Notification).where(Notification.kind == "match_proposed"))
        recipients = {n.stakeholder_id for n in told}
    assert match.offer_id == offer_id
    assert {"code": "interest"} in match.reasons
    assert donor.id in recipients and len(recipients) == 2

    ana.command("start", f"listing_{offer_id}")
    ana.tap("I am interested")
    ana.tap(next(label for label in ana.labels if "Prosthetic kits" in label))
    assert "already proposed" in ana.text  # a pair is proposed once


def test_a_private_listing_is_not_opened_by_its_link(db: Database, vocab: Vocabularies) -> None:
    bot = ChatBot(db, vocab)
    ana = Person(bot, "ana")
    onboard(ana)
    ana.command("start", "listing_999999")
    assert "I could not find that listing" in ana.text
    assert ana.labels == []
