"""Registering a listing as one use case: create or edit, verification, and the matches it
proposes, on a real database."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlmodel import select

from core.errors import DomainError
from core.listing_register import register_listing
from core.models import Listing, Notification
from core.models.enums import Role
from core.storage import Database
from core.vocabularies import Vocabularies
from tests.factories import need, offer, person


def test_a_new_need_is_stored_and_matched_with_both_sides_told(db: Database, vocab: Vocabularies):
    with db.write() as session:
        donor = person(session, vocab, roles=(Role.donor,), country="NO")
        register_listing(session, vocab, donor, offer(assistance_type="equipment"), threshold=0)
        field = person(session, vocab)
        done = register_listing(session, vocab, field, need(), threshold=0)
        assert not done.updated and done.verified and len(done.matches) == 1
        told = {n.stakeholder_id for n in session.exec(select(Notification))}
        assert told == {donor.id, field.id}


def test_an_edit_changes_only_what_differs_and_matches_again(db: Database, vocab: Vocabularies):
    with db.write() as session:
        field = person(session, vocab)
        first = register_listing(session, vocab, field, need(quantity=Decimal(40)))
        listing_id = first.view.listing.id
        again = register_listing(
            session, vocab, field, need(quantity=Decimal(60)), listing_id=listing_id
        )
        assert again.updated and again.view.listing.id == listing_id
        [stored] = session.exec(select(Listing)).all()
        assert stored.quantity == Decimal(60)


def test_where_verification_is_required_a_new_organisation_waits(db: Database, vocab: Vocabularies):
    with db.write() as session:
        field = person(session, vocab)
        done = register_listing(session, vocab, field, need(), require_verification=True)
        assert not done.verified and done.matches == ()


def test_nobody_edits_another_organisations_listing(db: Database, vocab: Vocabularies):
    with db.write() as session:
        owner, stranger = person(session, vocab), person(session, vocab)
        listing_id = register_listing(session, vocab, owner, need()).view.listing.id
        with pytest.raises(DomainError):
            register_listing(
                session, vocab, stranger, need(title="Mine now"), listing_id=listing_id
            )


def test_the_daily_limit_holds(db: Database, vocab: Vocabularies):
    with db.write() as session:
        field = person(session, vocab)
        register_listing(session, vocab, field, need(title="One"), daily_limit=1)
        with pytest.raises(DomainError):
            register_listing(session, vocab, field, need(title="Two"), daily_limit=1)
