"""The demo sample: loaded whole or not at all, once, with its matches proposed."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from core.demo import DemoClash, demo_people, load_demo
from core.matchmaking import DEFAULT_THRESHOLD
from core.models import Listing, Match, Organisation, Stakeholder
from core.models.enums import OrganisationKind, Platform
from core.people import create_organisation, ensure_identity
from core.storage import Database
from core.vocabularies import Vocabularies
from tests.chat import Person


def count(session: Session, table: type) -> int:
    return int(session.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def counts(db: Database) -> dict[str, int]:
    with db.read() as session:
        return {t.__name__: count(session, t) for t in (Organisation, Stakeholder, Listing, Match)}


def test_the_demo_loads_whole_once_with_its_matches(db: Database, vocab: Vocabularies) -> None:
    with db.write() as session:
        loaded = load_demo(session, vocab, threshold=DEFAULT_THRESHOLD)
    people = demo_people()
    assert loaded.people == len(people) == counts(db)["Organisation"]
    assert loaded.listings == sum(len(p.listings) for p in people) == counts(db)["Listing"]
    assert loaded.matches == counts(db)["Match"] > 0

    with db.write() as session:
        again = load_demo(session, vocab)
    assert (again.people, again.listings, again.matches) == (0, 0, 0)
    assert counts(db)["Match"] == loaded.matches

    from bot.chatbot import ChatBot

    sokha = Person(ChatBot(db, vocab), "sokha")
    sokha.command("matches")
    assert "Rehabilitation equipment for South-East Asia" in sokha.text
    assert "✔ Accept" in sokha.labels


def test_the_matcher_keeps_the_threshold_it_is_given(db: Database, vocab: Vocabularies) -> None:
    with db.write() as session:
        assert load_demo(session, vocab, threshold=1.0).matches == 0


@pytest.mark.parametrize("taken", ["organisation", "handle"])
def test_a_demo_name_someone_holds_refuses_the_whole_demo(
    db: Database, vocab: Vocabularies, taken: str
) -> None:
    with db.write() as session:
        if taken == "organisation":
            create_organisation(
                session,
                vocab,
                name="mekong mine action centre",  # the same name, in another case
                kind=OrganisationKind.ngo,
                country="KH",
            )
        else:  # someone opened the chat as "sokha" before the demo was loaded
            ensure_identity(session, Platform.console, "sokha")
    before = counts(db)
    with pytest.raises(DemoClash) as refused, db.write() as session:
        load_demo(session, vocab)
    [clash] = refused.value.clashes
    assert (clash.person.handle, clash.taken) == ("sokha", taken)
    assert counts(db) == before


def test_a_demo_loaded_in_part_is_completed(db: Database, vocab: Vocabularies) -> None:
    people = demo_people()
    with db.write() as session:  # as an interrupted or older load may have left it
        first = load_demo(session, vocab, people[:-1])
    with db.write() as session:
        rest = load_demo(session, vocab, people)
    assert rest.people == 1 and rest.listings == len(people[-1].listings)
    assert counts(db)["Organisation"] == len(people)
    assert counts(db)["Match"] == first.matches + rest.matches
