"""Saved searches that alert, on SQLite and PostgreSQL: saved from a search in the chat,
one notice per fitting listing that anybody may see, never for one's own organisation's,
never twice (an edit, a second run, a restart), and `/alerts` to pause, resume and delete."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from bot.chatbot import ChatBot
from bot.i18n import Tr
from bot.notices import render_notice
from core.alerts import (
    MAX_ALERTS,
    alert_new_listing,
    delete_alert,
    next_morning,
    pause_alert,
    save_search,
)
from core.errors import DomainError, NotFound, PermissionDenied
from core.listing_register import register_listing
from core.membership import verify_person
from core.models import Notification, SavedSearch
from core.models.enums import Coverage, ListingKind, NotificationStatus, Role, Visibility
from core.storage import Database
from tests.chat import Person, actors, onboard, onboard_donor, register_need
from tests.factories import bot_settings, need, person


@pytest.fixture
def bot(db, vocab) -> ChatBot:
    return ChatBot(db, vocab, bot_settings())


def alerts_sent(db: Database) -> list[Notification]:
    with db.read() as s:
        query = select(Notification).where(Notification.kind == "alert")
        return list(s.exec(query.order_by(Notification.id)))


def save_from_search(kim: Person) -> None:
    kim.command("search")
    kim.tap("Needs")
    kim.tap("Equipment")
    kim.tap("Victim assistance")
    kim.say("Cambodia")
    kim.tap("Tell me about new ones")


def test_a_search_saved_in_the_chat_alerts_once_for_a_fitting_listing(bot, db, vocab) -> None:
    kim, ana = Person(bot, "kim"), Person(bot, "ana")
    onboard_donor(kim)
    save_from_search(kim)
    assert "Saved" in kim.text and "New needs · Equipment · Victim assistance" in kim.text
    assert "Cambodia" in kim.text
    kim.tap("Daily")
    assert "daily digest" in kim.text
    kim.tap("At once")
    onboard(ana)
    register_need(ana)
    sent = alerts_sent(db)
    (kim_actor,) = actors(bot, "kim")
    assert [n.stakeholder_id for n in sent] == [kim_actor.id]
    with db.read() as s:
        kim.replies = render_notice(s, vocab, Tr("en"), sent[0])
    assert "New, for your alert" in kim.text and "Prosthetic kits for Battambang" in kim.text
    assert "Open it" in kim.labels
    # Never twice: the same listing edited, the sweep run again, the bot restarted.
    listing_id = sent[0].payload["listing_id"]
    (ana_actor,) = actors(bot, "ana")
    with db.write() as s:
        draft = need(title="Prosthetic kits, 60 now")
        register_listing(s, vocab, ana_actor, draft, listing_id=listing_id)
        assert alert_new_listing(s, vocab, listing_id) == 0
    restarted = ChatBot(db, vocab, bot_settings())
    with db.write() as s:
        assert alert_new_listing(s, restarted.vocab, listing_id) == 0
    assert len(alerts_sent(db)) == 1


def test_no_alert_for_own_paused_unfitting_restricted_or_unverified(db, vocab) -> None:
    with db.write() as s:
        donor = person(s, vocab, roles=(Role.donor,), country="NO")
        colleague = person(s, vocab, organisation_id=None)
        author = person(s, vocab, organisation_id=colleague.organisation_id)
        fits = save_search(s, donor, ListingKind.need, area="victim_assistance", country="KH")
        save_search(s, donor, ListingKind.need, assistance_type="equipment")  # fits too: one
        own = save_search(s, colleague, ListingKind.need)
        paused = save_search(s, person(s, vocab), ListingKind.need)
        pause_alert(s, paused_owner(s, paused), paused.id)
        save_search(s, person(s, vocab), ListingKind.offer)  # another kind
        save_search(s, person(s, vocab), ListingKind.need, assistance_type="training")
        save_search(s, person(s, vocab), ListingKind.need, area="mine_risk_education")
        save_search(s, person(s, vocab), ListingKind.need, country="NO")
        register_listing(s, vocab, author, need())
        restricted = need(title="Quiet one", visibility=Visibility.restricted)
        register_listing(s, vocab, author, restricted)
        hidden = register_listing(s, vocab, author, need(), require_verification=True)
        regional = need(coverage=Coverage.region, country=None, region="035")  # South-eastern Asia
        register_listing(s, vocab, author, regional)
    sent = alerts_sent(db)
    assert {n.stakeholder_id for n in sent} == {donor.id}  # not own, paused or unfitting
    assert len(sent) == 2  # the country's listing and the region's; not the hidden ones
    assert own.id not in {n.payload["alert_id"] for n in sent}
    assert {n.payload["alert_id"] for n in sent} == {fits.id}
    # Verified later: now anybody may see it, so now it alerts, once.
    with db.write() as s:
        coordinator = person(s, vocab, roles=(Role.coordinator,))
        assert hidden.view.listing.created_by_id == author.id
        verify_person(s, vocab, coordinator, author.id, threshold=0)
        verify_person(s, vocab, coordinator, author.id, threshold=0)
    assert len(alerts_sent(db)) == 3


def paused_owner(session, alert: SavedSearch):
    from core.people import load_actor

    return load_actor(session, alert.stakeholder_id)


def test_a_daily_alert_waits_for_the_morning_in_the_persons_zone() -> None:
    evening = datetime(2026, 12, 2, 21, 30, tzinfo=UTC)
    assert next_morning(evening, "UTC") == datetime(2026, 12, 3, 8, 0, tzinfo=UTC)
    early = datetime(2026, 12, 2, 5, 0, tzinfo=UTC)
    assert next_morning(early, "UTC") == datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
    # 21:30 UTC is 04:30 the next day in Bangkok: that morning's 08:00 there, 01:00 UTC.
    assert next_morning(evening, "Asia/Bangkok") == datetime(2026, 12, 3, 1, 0, tzinfo=UTC)


def test_daily_alerts_come_together_in_one_digest_the_next_morning(db, vocab) -> None:
    evening = datetime(2026, 12, 2, 21, 30, tzinfo=UTC)
    with db.write() as s:
        donor = person(s, vocab, roles=(Role.donor,), country="NO")
        author = person(s, vocab)
        first = register_listing(s, vocab, author, need()).view.listing
        second = register_listing(s, vocab, author, need(title="Wheelchairs")).view.listing
        save_search(s, donor, ListingKind.need, daily=True)  # after: only `evening` alerts
        for listing in (first, second, first):
            alert_new_listing(s, vocab, listing.id, now=evening)
    folded = alerts_sent(db)
    assert [n.status for n in folded] == [NotificationStatus.dropped] * 2  # told in the digest
    with db.read() as s:
        (digest,) = s.exec(select(Notification).where(Notification.kind == "alert_digest")).all()
        assert digest.next_attempt_at == datetime(2026, 12, 3, 8, 0, tzinfo=UTC)
        assert digest.payload["listings"] == [first.id, second.id]
        (reply,) = render_notice(s, vocab, Tr("en"), digest)
    assert "Your daily alerts: 2 new listings" in str(reply.text)
    assert "Wheelchairs" in str(reply.text) and len(reply.all_buttons) == 2


def test_alerts_are_listed_paused_resumed_and_deleted_only_by_their_owner(bot, db, vocab) -> None:
    kim, ana = Person(bot, "kim"), Person(bot, "ana")
    onboard_donor(kim)
    onboard(ana)
    kim.command("alerts")
    assert "You have no alerts" in kim.text
    save_from_search(kim)
    kim.command("alerts")
    assert "New needs · Equipment" in kim.text and "at once" in kim.text
    kim.tap("Pause")
    assert "paused" in kim.text and "Resume" in kim.labels
    register_need(ana)
    assert alerts_sent(db) == []  # paused
    kim.tap("Resume")
    assert "Pause" in kim.labels
    with db.read() as s:
        (saved,) = s.exec(select(SavedSearch)).all()
    ana.press(f"c:alert:{saved.id}.delete")
    assert "Alert deleted" not in ana.text  # another person's alert: refused
    kim.tap("Delete")
    assert "Alert deleted" in kim.text
    kim.command("alerts")
    assert "You have no alerts" in kim.text


def test_another_persons_alert_id_is_refused_like_an_unknown_one(db, vocab) -> None:
    with db.write() as s:
        kim, ana = person(s, vocab), person(s, vocab)
        alert = save_search(s, kim, ListingKind.offer)
        assert alert.id is not None
        with pytest.raises(PermissionDenied) as other:
            delete_alert(s, ana, alert.id)
        with pytest.raises(NotFound) as unknown:
            delete_alert(s, ana, 999_999)
        assert other.value.key == unknown.value.key
        assert save_search(s, kim, ListingKind.offer).id == alert.id  # the same filters
        for country in sorted(vocab.countries)[: MAX_ALERTS - 1]:
            save_search(s, kim, ListingKind.need, country=country)
        with pytest.raises(DomainError, match="limit.alerts"):
            save_search(s, kim, ListingKind.need, area="victim_assistance")


def test_a_listing_brought_back_after_expiring_alerts_as_news(bot, db, vocab) -> None:
    from core.models import Listing
    from core.models.enums import ListingStatus

    kim, ana = Person(bot, "kim"), Person(bot, "ana")
    onboard_donor(kim)
    onboard(ana)
    register_need(ana)
    with db.write() as s:
        listing = s.exec(select(Listing)).one()
        listing.status = ListingStatus.expired  # nobody confirmed it: the sweep expired it
        listing_id = listing.id
    save_from_search(kim)
    assert alerts_sent(db) == []
    ana.command("keep", str(listing_id))
    assert "still current" in ana.text
    [alert] = alerts_sent(db)
    assert alert.payload["listing_id"] == listing_id
    ana.command("keep", str(listing_id))  # already open: no news
    assert len(alerts_sent(db)) == 1
