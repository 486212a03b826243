"""Matching end to end through the engine: a field contact's need and a donor's offer match,
both are told, both accept, a draft partnership exists and the need's remaining amount went
down. Declining, duplicates, restricted needs, and the SQL candidates against the exact
filters."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from bot.chatbot import ChatBot
from core.clock import utcnow
from core.listing_search import search_listings
from core.listings import ListingFilter, create_listing
from core.matching import Weights, possible, rank, sides
from core.matchmaking import decide, propose_matches
from core.models import Listing, Match, Notification, Partnership, PartnershipMember
from core.models.enums import Coverage, ListingStatus, MatchStatus, Role, Visibility
from core.people import Actor
from tests.chat import Person, onboard
from tests.factories import need, offer, person


@pytest.fixture
def bot(db, vocab) -> ChatBot:
    return ChatBot(db, vocab)


def notices(db, kind: str | None = None) -> list[Notification]:
    with db.read() as s:
        query = select(Notification).order_by(Notification.id)
        if kind:
            query = query.where(Notification.kind == kind)
        return list(s.exec(query))


def register_money_need(ana: Person, amount: str = "100000 USD") -> None:
    ana.command("need")
    ana.tap("Financial")
    ana.tap("Victim assistance")
    ana.say("Rehabilitation centre running costs")
    ana.tap("In Cambodia")
    ana.say(amount)
    ana.tap("Skip")
    ana.tap("High")
    ana.tap("Save")


def register_money_offer(kim: Person, amount: str = "60000 USD") -> None:
    kim.command("offer")
    kim.tap("Financial")
    kim.tap("Victim assistance")
    kim.say("Grants for rehabilitation centres")
    kim.tap("Worldwide")
    kim.say(amount)
    kim.tap("Skip")
    kim.tap("Skip")
    kim.tap("Skip")
    kim.tap("Save")


@pytest.fixture
def pair(bot) -> tuple[Person, Person]:
    ana, kim = Person(bot, "ana"), Person(bot, "kim")
    onboard(ana)
    onboard(
        kim,
        organisation="Nordic Fund",
        kind="Government",
        country="Norway",
        role="I offer assistance",
    )
    return ana, kim


def deliver_to(bot: ChatBot, who: Person, notice: Notification) -> None:
    """Shows a notice to its recipient the way a channel would, and keeps its buttons."""
    from bot.i18n import Tr
    from bot.notices import render_notice

    with bot.db.read() as s:
        who.replies = render_notice(s, bot.vocab, Tr("en"), notice)


def test_a_need_and_an_offer_match_both_accept_and_a_partnership_is_drafted(bot, db, pair):
    ana, kim = pair
    register_money_need(ana)
    register_money_offer(kim)
    assert "New possible matches: 1" in kim.text
    with db.read() as s:
        [match] = s.exec(select(Match)).all()
    proposed = notices(db, "match_proposed")
    assert [n.payload["side"] for n in proposed] == ["need", "offer"]

    deliver_to(bot, ana, proposed[0])
    assert "An offer fits your need “Rehabilitation centre running costs”" in ana.text
    assert "same area: victim assistance" in ana.text
    assert "covers 60% of the amount" in ana.text and "available worldwide" in ana.text
    ana.tap("Accept")
    assert "I will tell you when the other side answers" in ana.text
    [waiting] = notices(db, "match_accepted_by_other")
    deliver_to(bot, kim, waiting)
    assert "accepted" in kim.text
    kim.tap("Accept")
    assert "Accepted by both sides" in kim.text

    with db.read() as s:
        match = s.get(Match, match.id)
        partnership = s.exec(select(Partnership)).one()
        members = s.exec(select(PartnershipMember)).all()
        need_row, offer_row = s.get(Listing, match.need_id), s.get(Listing, match.offer_id)
    assert match.status == MatchStatus.accepted and partnership.match_id == match.id
    assert len(members) == 2
    assert need_row.remaining_amount == Decimal("40000.00") and need_row.status == "open"
    assert offer_row.remaining_amount == 0 and offer_row.status == ListingStatus.fulfilled
    accepted = notices(db, "match_accepted")
    assert {n.stakeholder_id for n in accepted} == {need_row.created_by_id, offer_row.created_by_id}
    deliver_to(bot, ana, accepted[0])
    assert "Both sides accepted" in ana.text and "Nordic Fund" in ana.text


def test_a_second_offer_covers_the_rest_of_the_need(bot, db, pair):
    ana, kim = pair
    lena = Person(bot, "lena")
    onboard(
        lena,
        organisation="Detect GmbH",
        kind="Private sector",
        country="Germany",
        role="I offer assistance",
    )
    register_money_need(ana)
    register_money_offer(kim, "60000 USD")
    register_money_offer(lena, "50000 USD")
    with db.read() as s:
        matches = s.exec(select(Match).order_by(Match.id)).all()
    assert len(matches) == 2
    for match in matches:
        for who in (ana, kim if match.id == matches[0].id else lena):
            who.press(f"c:accept:{match.id}")
    with db.read() as s:
        need_row = s.get(Listing, matches[0].need_id)
    assert need_row.remaining_amount == 0 and need_row.status == ListingStatus.fulfilled


def test_declining_asks_for_an_optional_reason_and_tells_the_other_side(bot, db, pair):
    ana, kim = pair
    register_money_need(ana)
    register_money_offer(kim)
    with db.read() as s:
        match = s.exec(select(Match)).one()
    kim.press(f"c:decline:{match.id}")
    assert "Why do you decline?" in kim.question
    kim.say("Our budget is committed elsewhere this year.")
    assert "Declined" in kim.text
    [told] = notices(db, "match_declined")
    deliver_to(bot, ana, told)
    assert "Nordic Fund declined" in ana.text and "budget is committed" in ana.text
    ana.press(f"c:accept:{match.id}")
    assert "already been answered" in ana.text
    with db.read() as s:
        assert s.get(Match, match.id).status == MatchStatus.declined
        assert s.exec(select(Partnership)).all() == []


def test_only_the_two_sides_answer_a_match(bot, db, pair):
    ana, kim = pair
    eve = Person(bot, "eve")
    onboard(eve, organisation="Elsewhere", kind="NGO or civil society", country="France")
    register_money_need(ana)
    register_money_offer(kim)
    with db.read() as s:
        match = s.exec(select(Match)).one()
    for token in (f"c:accept:{match.id}", f"c:decline:{match.id}", f"c:match:{match.id}"):
        eve.press(token)
        assert "Only the two organisations of a match" in eve.text
    eve.command("matches")
    assert "No matches yet" in eve.text


def test_matches_are_listed_with_their_state(bot, pair):
    ana, kim = pair
    register_money_need(ana)
    register_money_offer(kim)
    ana.command("matches")
    assert "waiting for answers" in ana.text and "✔ Accept" in ana.labels
    ana.tap("Details")
    assert "Grants for rehabilitation centres" in ana.text


def test_a_pair_is_never_proposed_twice(db, vocab):
    with db.write() as s:
        field = person(s, vocab)
        donor = person(s, vocab, roles=(Role.donor,), country="NO")
        need_id = create_listing(s, vocab, field, need()).listing.id
        offer_id = create_listing(s, vocab, donor, offer(assistance_type="equipment")).listing.id
        first = propose_matches(s, vocab, need_id, threshold=0)
        again = propose_matches(s, vocab, offer_id, threshold=0)
    assert len(first) == 1 and again == []
    assert len(notices(db, "match_proposed")) == 2


def test_editing_a_listing_proposes_only_new_pairs(bot, db, pair):
    ana, kim = pair
    register_money_need(ana)
    register_money_offer(kim)
    ana.command("mine")
    ana.tap("Edit")
    ana.tap("Change a field")
    ana.tap("Title")
    ana.say("Rehabilitation centre costs, 2027")
    ana.tap("Save")
    with db.read() as s:
        assert len(s.exec(select(Match)).all()) == 1


def test_a_duplicate_is_flagged_and_can_update_the_existing_listing(bot, db, pair):
    ana, _ = pair
    register_money_need(ana)
    ana.command("need")
    ana.tap("Financial")
    ana.tap("Victim assistance")
    ana.say("Running costs of the rehabilitation centre")
    ana.tap("In Cambodia")
    ana.say("120000 USD")
    ana.tap("Skip")
    ana.tap("High")
    assert "already has open" in ana.question
    ana.tap("Update #1")
    ana.tap("Save")
    assert "Updated" in ana.text
    rows = [r for r in _listings(db)]
    assert len(rows) == 1 and rows[0].amount == Decimal("120000.00")


def _listings(db):
    with db.read() as s:
        return list(s.exec(select(Listing)))


def test_a_restricted_need_is_seen_by_the_owners_of_matching_offers_only(db, vocab):
    with db.write() as s:
        field = person(s, vocab)
        donor = person(s, vocab, roles=(Role.donor,), country="NO")
        other = person(s, vocab, roles=(Role.donor,), country="FR")
        need_id = create_listing(s, vocab, field, need(visibility=Visibility.restricted)).listing.id
        create_listing(s, vocab, donor, offer(assistance_type="equipment"))
        propose_matches(s, vocab, need_id, threshold=0)

    def sees(actor: Actor) -> bool:
        with db.read() as s:
            page = search_listings(s, vocab, actor, ListingFilter(statuses=(ListingStatus.open,)))
        return need_id in {v.listing.id for v in page.items}

    assert sees(donor) and sees(field) and not sees(other)


def test_sql_candidates_agree_with_the_exact_filters(db, vocab):
    """Random listings: what the indexed query finds is what the Python filters allow."""
    rng = random.Random(7)
    today = utcnow().date()
    with db.write() as s:
        actors = [person(s, vocab, country=c) for c in ("KH", "LA", "TD", "NO", "CO")]
        for n in range(120):
            maker = need if n % 2 else offer
            coverage = rng.choice([Coverage.country, Coverage.region, Coverage.world])
            if maker is need and coverage is Coverage.world:
                coverage = Coverage.country
            start = today + timedelta(days=rng.randint(-30, 200))
            create_listing(
                s,
                vocab,
                rng.choice(actors),
                maker(
                    title=f"Listing {n}",
                    assistance_type=rng.choice(
                        ["financial", "equipment", "material", "training", "expertise"]
                    ),
                    areas=rng.sample(vocab.thematic_areas.codes(), rng.randint(1, 2)),
                    coverage=coverage,
                    country=rng.choice(["KH", "LA", "TD", "CO"]),
                    region=rng.choice(["035", "142", "202", "002", "419"]),
                    available_from=start,
                    available_until=start + timedelta(days=rng.randint(10, 400)),
                ),
            )
    with db.read() as s:
        all_sides = sides(s, vocab, [i for i in range(1, 121)])
        for listing_id in range(1, 121, 7):
            me = all_sides[listing_id]
            exact = {
                other.id
                for other in all_sides.values()
                if other.kind != me.kind
                and possible(*((me, other) if me.kind == "need" else (other, me)), vocab, today)
            }
            ranked = rank(s, vocab, listing_id, weights=Weights(), limit=500, today=today)
            assert {r.other(me).id for r in ranked} == exact, listing_id


def test_the_core_decision_rules(db, vocab):
    with db.write() as s:
        field = person(s, vocab)
        donor = person(s, vocab, roles=(Role.donor,), country="NO")
        need_id = create_listing(s, vocab, field, need()).listing.id
        create_listing(s, vocab, donor, offer(assistance_type="equipment"))
        [match] = propose_matches(s, vocab, need_id, threshold=0)
        decide(s, field, match.id, accept=True)
        decide(s, donor, match.id, accept=True)
        need_row = s.get(Listing, need_id)
    # Quantities (kits) cannot be compared with money: the need is matched, not counted down.
    assert need_row.status == ListingStatus.matched


def test_a_choice_that_is_gone_when_tapped_is_not_taken_for_another(bot, db, pair):
    ana, _ = pair
    register_money_need(ana)
    ana.command("need")
    ana.tap("Financial")
    ana.tap("Victim assistance")
    ana.say("Running costs of the rehabilitation centre")
    ana.tap("In Cambodia")
    ana.say("120000 USD")
    ana.tap("Skip")
    ana.tap("High")
    update_first = ana.button("Update #1").action
    with db.write() as s:  # meanwhile the first need is withdrawn: the list of choices shifts
        s.get(Listing, 1).status = ListingStatus.withdrawn
    ana.press(update_first)
    assert "earlier question" in ana.text
    assert [r.status for r in _listings(db)] == [ListingStatus.withdrawn]  # nothing new saved
