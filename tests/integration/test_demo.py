"""The demo sample: loaded whole or not at all, once, with its matches proposed and two
partnerships under way (objectives, indicators, commitments, approved reports), which the
directory and the IATI file publish."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session, col, select

from core.clock import utcnow
from core.demo import DemoClash, demo_people, load_demo
from core.demo_partnerships import demo_partnerships
from core.directory.organisations import public_organisation
from core.iati import iati_activities
from core.matchmaking import DEFAULT_THRESHOLD
from core.models import (
    IndicatorValue,
    Listing,
    Match,
    Organisation,
    Partnership,
    ProgressReport,
    Stakeholder,
)
from core.models.enums import (
    CommitmentKind,
    Disaggregation,
    Frequency,
    ListingStatus,
    OrganisationKind,
    PartnershipStatus,
    Platform,
    ReportStatus,
)
from core.partnerships import get_partnership
from core.people import create_organisation, ensure_identity, identity_for
from core.reporting import figures_of, reports_of
from core.storage import Database
from core.vocabularies import Vocabularies
from tests.chat import Person
from tests.integration.test_iati import ORG, activity_schema  # noqa: F401 (a fixture)

TABLES = (Organisation, Stakeholder, Listing, Match, Partnership, ProgressReport, IndicatorValue)
PARTNERSHIPS = len(demo_partnerships())


def count(session: Session, table: type) -> int:
    return int(session.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def counts(db: Database) -> dict[str, int]:
    with db.read() as session:
        return {t.__name__: count(session, t) for t in TABLES}


def open_listings(db: Database) -> int:
    with db.read() as session:
        query = sa.select(sa.func.count()).where(Listing.status == ListingStatus.open)
        return int(session.execute(query).scalar_one())


def test_the_demo_loads_whole_once_with_its_matches(db: Database, vocab: Vocabularies) -> None:
    with db.write() as session:
        loaded = load_demo(session, vocab, threshold=DEFAULT_THRESHOLD)
    people = demo_people()
    # Each partnership was drafted from a need and an offer of its own, which it covers whole:
    # the people's listings stay open, and its match was accepted, not left proposed.
    own = sum(len(p.listings) for p in people)
    assert loaded.people == len(people) == counts(db)["Organisation"]
    assert loaded.listings == own + 2 * PARTNERSHIPS == counts(db)["Listing"]
    assert open_listings(db) == own
    assert loaded.partnerships == PARTNERSHIPS == counts(db)["Partnership"] == 2
    assert loaded.matches == counts(db)["Match"] - PARTNERSHIPS > 0
    before = counts(db)

    with db.write() as session:
        again = load_demo(session, vocab)
    assert (again.people, again.listings, again.matches, again.partnerships) == (0, 0, 0, 0)
    assert counts(db) == before

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
    # The coordinator who approves the partnerships' reports came last: they came with her.
    assert first.partnerships == 0 and rest.partnerships == PARTNERSHIPS
    assert rest.people == 1 and rest.listings == len(people[-1].listings) + 2 * PARTNERSHIPS
    assert counts(db)["Organisation"] == len(people)
    assert counts(db)["Match"] == first.matches + rest.matches + PARTNERSHIPS


def test_a_demo_without_its_coordinator_has_no_partnership(db: Database, vocab) -> None:
    people = [p for p in demo_people() if p.handle != "claire"]
    with db.write() as session:
        assert load_demo(session, vocab, people).partnerships == 0
    assert counts(db)["Partnership"] == 0


# -- the partnerships ----------------------------------------------------------------------------


def test_two_active_partnerships_with_approved_reports(db: Database, vocab) -> None:
    today = utcnow().date()
    with db.write() as session:
        load_demo(session, vocab)
    with db.read() as session:
        coordinator = identity_for(session, Platform.console, "claire")
        assert coordinator is not None
        ids = session.exec(select(Partnership.id).order_by(col(Partnership.id))).all()
        assert len(ids) == 2
        breakdowns: set[tuple[str, str]] = set()
        disaggregations: set[str] = set()
        for partnership_id in ids:
            assert partnership_id is not None
            view = get_partnership(session, partnership_id)
            assert view.partnership.status == PartnershipStatus.active
            assert view.partnership.coordinator_id == coordinator.stakeholder_id
            assert len(view.members) == 2
            assert all(m.confirmed_at and m.responsibilities for m, _ in view.members)
            assert view.objectives and all(len(inds) == 1 for _, inds in view.objectives)
            disaggregations |= {i.disaggregation for _, inds in view.objectives for i in inds}
            assert any(c.kind == CommitmentKind.financial and c.amount for c in view.commitments)
            schedule = view.schedule
            assert schedule is not None and schedule.frequency == Frequency.quarterly
            # The reports were due in the past; the next is beyond the reminders' week.
            assert schedule.first_due < today and schedule.next_due > today + timedelta(days=8)
            reports = reports_of(session, partnership_id)
            spec = next(
                s for s in demo_partnerships() if s.listings[0].title == view.partnership.title
            )
            assert len(reports) == len(spec.reports) > 0
            for report in reports:
                assert report.status == ReportStatus.approved and not report.late
                assert report.period_end < today
                figures = figures_of(session, report)
                assert figures and all(f.total is not None for f in figures)
                breakdowns |= {(sex, age) for f in figures for sex, age, _ in f.parts}
    assert Disaggregation.sex_age in disaggregations
    assert ("female", "0-17") in breakdowns and ("male", "60+") in breakdowns
    assert ("female", "") in breakdowns  # broken down by sex alone


def test_sokha_sees_the_partnership_and_its_reports_in_the_chat(db: Database, vocab) -> None:
    from bot.chatbot import ChatBot

    with db.write() as session:
        load_demo(session, vocab)
    sokha = Person(ChatBot(db, vocab), "sokha")
    sokha.command("partnerships")
    assert "Technical support for the Battambang rehabilitation centre" in sokha.text
    sokha.command("reports")
    assert sokha.text.count("approved") == 2
    assert "Survivors fitted with a prosthesis or orthosis: 126 of 400 people" in sokha.text


def test_the_directory_lists_the_partnerships(db: Database, vocab) -> None:
    with db.write() as session:
        load_demo(session, vocab)
    with db.read() as session:
        for spec in demo_partnerships():
            need = spec.listings[0]
            for handle in spec.people[:2]:
                identity = identity_for(session, Platform.console, handle)
                assert identity is not None
                person = session.get(Stakeholder, identity.stakeholder_id)
                assert person is not None and person.organisation_id is not None
                shown = public_organisation(session, person.organisation_id)
                assert shown is not None
                assert [(p.title, p.status) for p in shown.partnerships] == [
                    (need.title, PartnershipStatus.active)
                ]


def test_the_demo_makes_a_valid_iati_file(
    db: Database,
    vocab: Vocabularies,
    activity_schema: Any,  # noqa: F811 (the fixture imported above)
) -> None:
    from lxml import etree

    with db.write() as session:
        load_demo(session, vocab)
    with db.read() as session:
        document = iati_activities(session, vocab, reporting_org=ORG, generated_at=utcnow())
    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
    valid = activity_schema.validate(etree.fromstring(document, parser))
    assert valid, "\n".join(f"line {e.line}: {e.message}" for e in activity_schema.error_log)
    activities = ET.fromstring(document).findall("iati-activity")
    assert len(activities) == 2
    for activity in activities:
        assert activity.find("transaction/value") is not None  # the financial commitment
        actuals = activity.findall("result/indicator/period/actual")
        assert actuals, "no reported value"
    dimensions = {d.get("name") for d in ET.fromstring(document).iter("dimension")}
    assert dimensions == {"sex", "age"}
