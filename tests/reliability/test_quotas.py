"""One person cannot flood the registry or another person: listings a day are limited, and
beyond a number of match notices a day, one notice says how many matches wait."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.chatbot import ChatBot
from bot.i18n import Tr
from bot.notices import render_notice
from core.errors import Conflict
from core.listings import create_listing
from core.matchmaking import propose_matches
from core.models import Notification
from core.models.enums import Role
from tests.chat import Person, onboard, register_need
from tests.factories import bot_settings, need, offer, person


def settings():
    return bot_settings(max_listings_per_day=2, max_match_notices_per_day=3)


def test_a_person_creates_a_limited_number_of_listings_a_day(db, vocab) -> None:
    bot = ChatBot(db, vocab, settings())
    ana = Person(bot, "ana")
    onboard(ana)
    register_need(ana, title="First kits")
    register_need(ana, title="Second kits", duplicate=True)  # like the first: saved anew
    register_need(ana, title="Third kits", duplicate=True, saved=False)
    assert "You have registered 2 listings in the last 24 hours" in ana.text
    with db.write() as s:
        someone = person(s, vocab)
        create_listing(s, vocab, someone, need(), daily_limit=1)
        with pytest.raises(Conflict):
            create_listing(s, vocab, someone, need(title="Again"), daily_limit=1)


def test_beyond_the_cap_match_notices_wait_in_one_notice(db, vocab) -> None:
    with db.write() as s:
        owner = person(s, vocab)
        create_listing(s, vocab, owner, need())
        for n in range(6):  # a donor with many offers
            donor = person(s, vocab, roles=(Role.donor,), country="NO")
            offer_id = create_listing(
                s, vocab, donor, offer(title=f"Offer {n}", assistance_type="equipment")
            ).listing.id
            propose_matches(s, vocab, offer_id, threshold=0, notice_cap=3)
    with db.read() as s:
        told = s.exec(select(Notification).where(Notification.stakeholder_id == owner.id)).all()
        kinds = sorted(n.kind for n in told)
        assert kinds == ["match_digest", "match_proposed", "match_proposed", "match_proposed"]
        digest = next(n for n in told if n.kind == "match_digest")
        [reply] = render_notice(s, vocab, Tr("en"), digest)
    assert "More matches wait for your answer: 6" in str(reply.text)
