"""The directory's totals may be a minute old, never wrong on the page that shows them:
a page that contradicts its kept total has it counted again."""

from __future__ import annotations

from core.directory import Filters, Totals, public_listings
from core.listings import create_listing, withdraw_listing
from core.models.enums import ListingKind
from core.storage import Database
from core.vocabularies import Vocabularies
from tests.factories import need, person


def test_a_kept_total_is_recounted_when_the_page_contradicts_it(
    db: Database, vocab: Vocabularies
) -> None:
    totals = Totals(seconds=60)
    needs = Filters(kind=ListingKind.need)
    with db.write() as session:
        field = person(session, vocab)
        ids = [
            create_listing(session, vocab, field, need(title=f"Need number {i}")).listing.id
            for i in range(3)
        ]
    with db.read() as session:
        assert public_listings(session, vocab, needs, per_page=2, totals=totals).total == 3
    with db.write() as session:
        withdraw_listing(session, field, ids[0])
        withdraw_listing(session, field, ids[1])
    with db.read() as session:
        # Page 1 of 2 should hold 2 rows by the kept total; it holds 1: counted again.
        assert public_listings(session, vocab, needs, per_page=2, totals=totals).total == 1
        assert public_listings(session, vocab, needs, per_page=2).total == 1  # no cache at all
