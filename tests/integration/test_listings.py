"""Every listing use case, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from core.clock import utcnow
from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from core.listing_search import search_listings
from core.listings import (
    ListingFilter,
    confirm_listing,
    create_listing,
    edit_listing,
    get_listing,
    list_mine,
    withdraw_listing,
)
from core.models import AuditEvent, Listing
from core.models.enums import (
    Coverage,
    ListingKind,
    ListingStatus,
    OrganisationKind,
    Role,
    Visibility,
)
from core.people import Actor
from tests.factories import need, offer, person


def test_create_stores_the_listing_its_areas_and_an_audit_record(db, vocab) -> None:
    with db.write() as s:
        field = person(s, vocab)
        view = create_listing(s, vocab, field, need(areas=["victim_assistance", "advocacy"]))
    with db.read() as s:
        stored = get_listing(s, view.listing.id)
        audit = s.exec(select(AuditEvent)).all()
    assert stored.listing.organisation_id == field.organisation_id
    assert stored.listing.region == "035" and stored.listing.remaining_quantity == Decimal(40)
    assert stored.areas == ["advocacy", "victim_assistance"]
    assert stored.listing.created_at.tzinfo is not None
    assert [(a.action, a.actor_id) for a in audit][-1] == ("need.create", field.id)


def test_create_refuses_invalid_input_and_stores_nothing(db, vocab) -> None:
    with db.write() as s:
        field = person(s, vocab)
    with pytest.raises(InvalidInput) as caught, db.write() as s:
        create_listing(s, vocab, field, need(country="XX"))
    assert caught.value.key == "invalid.country"
    with db.read() as s:
        assert s.exec(select(Listing)).all() == []


def test_create_refuses_a_window_that_has_ended(db, vocab) -> None:
    yesterday = utcnow().date() - timedelta(days=1)
    with db.write() as s:
        field = person(s, vocab)
        with pytest.raises(InvalidInput, match="invalid.window_past"):
            create_listing(
                s, vocab, field, need(available_from=yesterday, available_until=yesterday)
            )


def test_someone_without_an_organisation_cannot_list(db, vocab) -> None:
    loner = Actor(id=1, organisation_id=None, roles=frozenset({Role.donor}))
    with db.write() as s, pytest.raises(PermissionDenied, match="denied.no_organisation"):
        create_listing(s, vocab, loner, offer())


def test_edit_changes_fields_and_keeps_what_was_covered(db, vocab) -> None:
    with db.write() as s:
        donor = person(s, vocab, roles=(Role.donor,), country="NO")
        view = create_listing(s, vocab, donor, offer(amount=Decimal(1000)))
        view.listing.remaining_amount = Decimal(400)  # 600 already committed to partners
    with db.write() as s:
        edited = edit_listing(
            s,
            vocab,
            donor,
            view.listing.id,
            {"amount": Decimal(1500), "areas": ["risk_education"], "title": "  New title "},
        )
    assert edited.listing.remaining_amount == Decimal(900)
    with db.read() as s:
        stored = get_listing(s, view.listing.id)
        trail = s.exec(select(AuditEvent).where(AuditEvent.action == "offer.edit")).one()
    assert stored.areas == ["risk_education"] and stored.listing.title == "New title"
    assert set(trail.changes) == {"amount", "areas", "title"}


def test_edit_with_bad_input_changes_nothing(db, vocab) -> None:
    with db.write() as s:
        field = person(s, vocab)
        view = create_listing(s, vocab, field, need())
    with pytest.raises(InvalidInput) as caught, db.write() as s:
        edit_listing(s, vocab, field, view.listing.id, {"title": "no", "country": "LA"})
    assert caught.value.field == "title"
    with db.read() as s:
        assert get_listing(s, view.listing.id).listing.country == "KH"


def test_edit_refuses_unknown_fields(db, vocab) -> None:
    with db.write() as s:
        field = person(s, vocab)
        view = create_listing(s, vocab, field, need())
        with pytest.raises(ValueError, match="organisation_id"):
            edit_listing(s, vocab, field, view.listing.id, {"organisation_id": 99})


def test_only_the_owner_organisation_or_a_coordinator_may_change_a_listing(db, vocab) -> None:
    with db.write() as s:
        owner = person(s, vocab)
        colleague = person(s, vocab, organisation_id=owner.organisation_id)
        stranger = person(s, vocab, roles=(Role.donor,), country="NO")
        coordinator = person(s, vocab, roles=(Role.coordinator,), country="CH")
        listing_id = create_listing(s, vocab, owner, need()).listing.id
    for intruder_call in (
        lambda s: edit_listing(s, vocab, stranger, listing_id, {"title": "Taken over"}),
        lambda s: withdraw_listing(s, stranger, listing_id),
        lambda s: confirm_listing(s, stranger, listing_id),
    ):
        with pytest.raises(PermissionDenied, match="denied.not_owner"), db.write() as s:
            intruder_call(s)
    with db.write() as s:
        edit_listing(s, vocab, colleague, listing_id, {"title": "By a colleague"})
        edit_listing(s, vocab, coordinator, listing_id, {"title": "By the coordinator"})
    with db.read() as s:
        assert get_listing(s, listing_id).listing.title == "By the coordinator"


def test_withdraw_then_no_more_changes(db, vocab) -> None:
    with db.write() as s:
        field = person(s, vocab)
        listing_id = create_listing(s, vocab, field, need()).listing.id
    with db.write() as s:
        assert withdraw_listing(s, field, listing_id).listing.status == ListingStatus.withdrawn
    for call in (
        lambda s: withdraw_listing(s, field, listing_id),
        lambda s: edit_listing(s, vocab, field, listing_id, {"title": "Again"}),
        lambda s: confirm_listing(s, field, listing_id),
    ):
        with pytest.raises(Conflict, match="conflict.listing_closed"), db.write() as s:
            call(s)


def test_confirm_refreshes_the_date_and_revives_an_expired_listing(db, vocab) -> None:
    with db.write() as s:
        field = person(s, vocab)
        view = create_listing(s, vocab, field, need())
        view.listing.last_confirmed_at = utcnow() - timedelta(days=120)
        view.listing.status = ListingStatus.expired
    with db.write() as s:
        confirm_listing(s, field, view.listing.id)
    with db.read() as s:
        stored = get_listing(s, view.listing.id).listing
    assert stored.status == ListingStatus.open
    assert utcnow() - stored.last_confirmed_at < timedelta(minutes=1)


def test_missing_listing(db, vocab) -> None:
    with db.write() as s:
        field = person(s, vocab)
        with pytest.raises(NotFound):
            withdraw_listing(s, field, 12345)


def test_list_mine_shows_my_organisations_live_listings(db, vocab) -> None:
    with db.write() as s:
        me = person(s, vocab)
        colleague = person(s, vocab, organisation_id=me.organisation_id)
        other = person(s, vocab, country="LA")
        first = create_listing(s, vocab, me, need(title="First")).listing.id
        create_listing(s, vocab, colleague, need(title="Second"))
        create_listing(s, vocab, other, need(title="Not mine"))
        withdraw_listing(s, me, first)
    with db.read() as s:
        assert [v.listing.title for v in list_mine(s, me)] == ["Second"]
        everything = list_mine(s, me, include_closed=True)
        assert [v.listing.title for v in everything] == ["Second", "First"]


@pytest.fixture
def market(db, vocab):
    """Needs in Cambodia, Laos and Chad; offers global, for South-eastern Asia and for Chad."""
    with db.write() as s:
        kh = person(s, vocab, country="KH")
        la = person(s, vocab, country="LA")
        td = person(s, vocab, country="TD")
        donor = person(
            s, vocab, roles=(Role.donor,), country="NO", kind=OrganisationKind.government
        )
        create_listing(s, vocab, kh, need(title="KH kits"))
        create_listing(
            s,
            vocab,
            kh,
            need(
                title="KH clearance",
                assistance_type="financial",
                areas=["survey_clearance"],
                amount=Decimal(5000),
                currency="USD",
                quantity=None,
                unit=None,
            ),
        )
        create_listing(
            s, vocab, la, need(title="LA kits", country="LA", visibility=Visibility.restricted)
        )
        create_listing(
            s,
            vocab,
            td,
            need(
                title="TD training",
                country="TD",
                assistance_type="training",
                areas=["risk_education"],
            ),
        )
        create_listing(s, vocab, donor, offer(title="Global money"))
        create_listing(
            s,
            vocab,
            donor,
            offer(
                title="SEA kits",
                assistance_type="equipment",
                coverage=Coverage.region,
                region="035",
                amount=None,
                currency=None,
            ),
        )
        create_listing(
            s,
            vocab,
            donor,
            offer(
                title="Chad trainers",
                assistance_type="training",
                coverage=Coverage.country,
                country="TD",
                areas=["risk_education"],
            ),
        )
    return {"kh": kh, "la": la, "td": td, "donor": donor}


def titles(db, vocab, viewer, **filters) -> set[str]:
    with db.read() as s:
        page = search_listings(s, vocab, viewer, ListingFilter(**filters), page_size=50)
    return {v.listing.title for v in page.items}


def test_search_by_kind_type_and_area(db, vocab, market) -> None:
    donor = market["donor"]
    assert titles(db, vocab, donor, kind=ListingKind.need) == {
        "KH kits",
        "KH clearance",
        "TD training",
    }
    assert titles(db, vocab, donor, assistance_type="training") == {"TD training", "Chad trainers"}
    assert titles(db, vocab, donor, area="survey_clearance") == {"KH clearance"}


def test_search_by_country_finds_the_offers_that_cover_it(db, vocab, market) -> None:
    kh = market["kh"]
    assert titles(db, vocab, kh, kind=ListingKind.offer, country="KH") == {
        "Global money",
        "SEA kits",
    }
    assert titles(db, vocab, kh, kind=ListingKind.offer, country="TD") == {
        "Global money",
        "Chad trainers",
    }
    assert titles(db, vocab, kh, kind=ListingKind.need, country="KH") == {"KH kits", "KH clearance"}


def test_search_by_region_includes_its_countries_and_subregions(db, vocab, market) -> None:
    coordinator = Actor(id=0, organisation_id=None, roles=frozenset({Role.coordinator}))
    asia = titles(db, vocab, coordinator, region="142")
    assert asia == {"KH kits", "KH clearance", "LA kits", "Global money", "SEA kits"}
    assert titles(db, vocab, coordinator, kind=ListingKind.need, region="002") == {"TD training"}


def test_restricted_needs_are_seen_by_coordinators_and_their_owners_only(db, vocab, market):
    coordinator = Actor(id=0, organisation_id=None, roles=frozenset({Role.coordinator}))
    assert "LA kits" in titles(db, vocab, coordinator, kind=ListingKind.need)
    assert "LA kits" in titles(db, vocab, market["la"], kind=ListingKind.need)
    assert "LA kits" not in titles(db, vocab, market["kh"], kind=ListingKind.need)
    assert "LA kits" not in titles(db, vocab, market["donor"], kind=ListingKind.need)


def test_search_pages_newest_first(db, vocab) -> None:
    with db.write() as s:
        field = person(s, vocab)
        for n in range(7):
            create_listing(s, vocab, field, need(title=f"Need {n}"))
    with db.read() as s:
        first = search_listings(s, vocab, field, ListingFilter(), page=1, page_size=3)
        last = search_listings(s, vocab, field, ListingFilter(), page=3, page_size=3)
    assert (first.total, first.pages) == (7, 3)
    assert [v.listing.title for v in first.items] == ["Need 6", "Need 5", "Need 4"]
    assert [v.listing.title for v in last.items] == ["Need 0"]


def test_search_skips_closed_listings_unless_asked(db, vocab) -> None:
    with db.write() as s:
        field = person(s, vocab)
        gone = create_listing(s, vocab, field, need(title="Gone")).listing.id
        create_listing(s, vocab, field, need(title="Here"))
        withdraw_listing(s, field, gone)
    assert titles(db, vocab, field) == {"Here"}
    assert titles(db, vocab, field, statuses=(ListingStatus.withdrawn,)) == {"Gone"}


def test_search_refuses_an_unknown_country(db, vocab, market) -> None:
    with pytest.raises(InvalidInput, match="invalid.country"):
        titles(db, vocab, market["kh"], country="QQ")
