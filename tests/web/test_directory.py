"""core.directory: what is public, the filters and their URLs, pages and counts, and the
public gaps, which are core.insight's gaps over public listings."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlmodel import select

from core import directory
from core.clock import utcnow
from core.directory import Filters, page_number
from core.errors import InvalidInput
from core.insight import gaps
from core.listings import create_listing
from core.matchmaking import decide, propose_matches
from core.models import Listing
from core.models.enums import Coverage, ListingKind, Role
from core.storage import Database
from core.vocabularies import Vocabularies
from tests.factories import need, offer, person
from tests.web.seed import Seeded


def titles(page: directory.Page[directory.PublicListing]) -> set[str]:
    return {item.title for item in page.items}


def test_only_public_listings_are_listed_and_counted(
    db: Database, vocab: Vocabularies, seeded: Seeded
) -> None:
    with db.read() as session:
        everything = directory.public_listings(session, vocab, per_page=100)
        counts = directory.public_counts(session)
        for listing_id in seeded.private.values():
            assert directory.public_listing(session, listing_id) is None
        shown = directory.public_listing(session, seeded.public["Deminers trained in Angola"])
        newest_needs = directory.newest(session, ListingKind.need, 10)
    assert titles(everything) == set(seeded.public)
    assert everything.total == len(seeded.public)
    assert (counts.offers, counts.needs, counts.partnerships) == (2, 2, 1)
    assert counts.organisations == 2 and counts.countries == 2  # KH, AO
    assert shown is not None and shown.organisation_kind == "government"
    assert shown.quantity == Decimal(12) and shown.unit == "trainers"
    assert shown.last_confirmed.tzinfo is not None
    assert not hasattr(shown, "created_by_id") and not hasattr(shown, "visibility")
    assert [n.title for n in newest_needs] == [
        "Clearance funding for Cambodia",
        "Prosthetic kits for Battambang",
    ]


def test_filters_narrow_the_listings(db: Database, vocab: Vocabularies, seeded: Seeded) -> None:
    def found(**filters: str) -> set[str]:
        with db.read() as session:
            return titles(directory.public_listings(session, vocab, Filters(**filters)))

    worldwide, angola = "Funding for victim assistance worldwide", "Deminers trained in Angola"
    cambodia = {"Prosthetic kits for Battambang", "Clearance funding for Cambodia"}
    assert found(kind=ListingKind.offer, country="AO") == {worldwide, angola}
    assert found(kind=ListingKind.offer, country="KH") == {worldwide}  # a global offer helps
    assert found(kind=ListingKind.need, country="KH") == cambodia
    assert found(kind=ListingKind.need, region="035") == cambodia  # South-eastern Asia
    assert found(kind=ListingKind.need, region="002") == set()  # Africa
    assert found(area="survey_clearance") == {"Clearance funding for Cambodia", angola}
    assert found(assistance_type="training") == {angola}
    assert found(modality="south_south") == {angola}
    assert found(kind=ListingKind.need, assistance_type="training") == set()


def test_filters_from_and_to_a_query_string(vocab: Vocabularies) -> None:
    query = {"country": " kh", "area": "", "region": "35", "kind": "need", "page": "2", "x": "y"}
    filters = Filters.from_query(query, vocab)
    assert filters == Filters(kind=ListingKind.need, country="KH", region="035")
    assert filters.to_query() == {"kind": "need", "country": "KH", "region": "035"}
    assert filters.to_query(omit=("kind",)) == {"country": "KH", "region": "035"}
    loose = Filters.from_query({"country": "ZZ", "modality": "telepathy", "kind": "gift"}, vocab)
    assert loose == Filters()
    with pytest.raises(InvalidInput) as refused:
        Filters.from_query({"assistance_type": "financial", "area": "nope"}, vocab, strict=True)
    assert refused.value.field == "area"
    assert Filters.from_query(Filters(area="advocacy").to_query(), vocab) == Filters(
        area="advocacy"
    )
    assert [page_number(raw) for raw in (None, "", "3", "-1", "x", "99999999")] == [
        1,
        1,
        3,
        1,
        1,
        directory.MAX_PAGE,
    ]


def test_pages_of_listings(sqlite_db: Database, vocab: Vocabularies) -> None:
    with sqlite_db.write() as session:
        donor = person(session, vocab, roles=(Role.donor,), country="NO")
        for n in range(45):
            create_listing(session, vocab, donor, offer(title=f"Offer number {n:02d}"))
    with sqlite_db.read() as session:
        first = directory.public_listings(session, vocab, page=1)
        last = directory.public_listings(session, vocab, page=3)
        beyond = directory.public_listings(session, vocab, page=4)
        big = directory.public_listings(session, vocab, per_page=10_000)
    assert (first.total, first.pages, len(first.items)) == (45, 3, 20)
    assert first.items[0].title == "Offer number 44"  # newest first
    assert [i.title for i in last.items] == [f"Offer number {n:02d}" for n in range(4, -1, -1)]
    assert beyond.items == [] and beyond.total == 45
    assert big.page_size == directory.MAX_PER_PAGE and len(big.items) == 45


def test_public_organisations(db: Database, vocab: Vocabularies, seeded: Seeded) -> None:
    with db.read() as session:
        donor = directory.public_organisation(session, seeded.published_by)
        rejected = directory.public_organisation(session, seeded.rejected_organisation)
        missing = directory.public_organisation(session, 10**12)
    assert rejected is None and missing is None
    assert donor is not None
    assert {o.title for o in donor.offers} == {
        "Funding for victim assistance worldwide",
        "Deminers trained in Angola",
    }
    assert donor.needs == ()
    assert [(p.title, str(p.status)) for p in donor.partnerships] == [
        ("Clearing the north together", "active")
    ]  # the draft is not public
    assert [p.name for p in donor.contact_points] == ["Published Liaison Office"]


def test_public_gaps_are_the_gaps_of_public_listings(db: Database, vocab: Vocabularies) -> None:
    now = utcnow()
    with db.write() as session:
        field_contact = person(session, vocab, country="KH")
        other = person(session, vocab, country="AO")
        donor = person(session, vocab, roles=(Role.donor,), country="NO")
        money = need(
            title="Clearance money",
            assistance_type="financial",
            areas=["survey_clearance", "victim_assistance"],
            quantity=None,
            unit=None,
            amount=Decimal(90000),
            currency="USD",
        )
        need_id = create_listing(session, vocab, field_contact, money).listing.id
        create_listing(session, vocab, other, need(country="AO", unit="Kits"))
        regional = need(
            coverage=Coverage.region,
            country=None,
            region="017",
            quantity=None,
            unit=None,
            amount=Decimal(1000),
            currency="USD",
        )
        create_listing(session, vocab, other, regional)
        create_listing(
            session, vocab, other, need(quantity=None, unit=None, amount=Decimal(5), currency="EUR")
        )
        create_listing(
            session,
            vocab,
            field_contact,
            need(title="Second kits", areas=["risk_education", "victim_assistance"]),
        )
        offered = offer(areas=["survey_clearance"], amount=Decimal(30000))
        offer_id = create_listing(session, vocab, donor, offered).listing.id
        create_listing(
            session,
            vocab,
            donor,
            offer(amount=None, currency=None, quantity=Decimal(7), unit="kits"),
        )
        [match] = [
            m
            for m in propose_matches(session, vocab, need_id, threshold=0)
            if m.offer_id == offer_id
        ]
        decide(session, field_contact, match.id, accept=True)
        decide(session, donor, match.id, accept=True)
    with db.read() as session:
        assert session.exec(select(sa.func.count()).select_from(Listing)).one() == 7
        for kwargs in ({}, {"area": "victim_assistance"}, {"region": "002"}):
            public = directory.public_gaps(session, vocab, now=now, **kwargs)
            assert public == gaps(session, vocab, now, **kwargs), kwargs
        whole = directory.public_gaps(session, vocab, now=now)
    assert whole.currency == "USD" and whole.other_currencies == ["EUR"]
    assert any(area.committed for area in whole.areas)


def test_public_gaps_leave_out_what_is_not_public(
    db: Database, vocab: Vocabularies, seeded: Seeded
) -> None:
    now = utcnow()
    with db.read() as session:
        public = directory.public_gaps(session, vocab, now=now)
        every = gaps(session, vocab, now)
    assert public.needs == 2  # the two public needs of Cambodia
    assert every.needs > public.needs  # the coordinators also count restricted and the rest
    assert public.offers == 2
    assert {a.area for a in public.areas} == {"survey_clearance", "victim_assistance"}


def test_a_listing_past_its_window_is_not_public(sqlite_db: Database, vocab: Vocabularies) -> None:
    with sqlite_db.write() as session:
        owner = person(session, vocab)
        listing = create_listing(session, vocab, owner, need()).listing
        listing_id, until = listing.id, listing.available_until
    assert listing_id is not None and until is not None
    with sqlite_db.read() as session:
        assert directory.public_listing(session, listing_id, today=until) is not None
        later = until.replace(year=until.year + 1)
        assert directory.public_listing(session, listing_id, today=later) is None
        assert directory.public_counts(session, today=later).needs == 0


def test_the_directory_counts_from_its_index(sqlite_db: Database, vocab: Vocabularies) -> None:
    """At 100,000 listings a COUNT that reads rows takes 100 ms on SQLite; one that reads
    the public index alone takes 15."""
    where = directory.matching(vocab, Filters(kind=ListingKind.offer, country="KH"))
    count = select(sa.func.count()).select_from(Listing).where(*where)
    sql = str(count.compile(sqlite_db.engine, compile_kwargs={"literal_binds": True}))
    with sqlite_db.engine.connect() as connection:
        plan = " ".join(row[3] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}"))
    assert "COVERING INDEX ix_listing_public" in plan, plan
