"""A complete export: a partnership with everything it holds (partners, responsibilities,
objectives, indicators, commitments, schedule) and an approved report with a breakdown by
sex, written as related CSV files and as one nested JSON document, and read back; on SQLite
and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bot.chatbot import ChatBot
from core.clock import utcnow
from core.export import TABLES, export, to_csv, to_json
from core.listings import create_listing
from core.models.enums import CommitmentKind, Disaggregation, Role
from core.partnerships import add_commitment, add_objective, confirm
from core.reporting import IndicatorAnswer, approve_report, indicators_of, submit_report
from core.storage import Database
from core.vocabularies import Vocabularies
from tests.chat import Person, onboard
from tests.factories import active_partnership, bot_settings, need, person

# User text with what CSV must quote (a comma, quotes, a line break) and accents.
NARRATIVE = 'Survivors in Battambang, "Ö-village" and Pailin:\nprosthetics fitted; 12 km² surveyed'
CHALLENGES = "Les pluies ont retardé l’enquête à Païlin"


@dataclass(frozen=True)
class Entered:
    partnership_id: int
    report_id: int
    first_due: date
    deadline: date


def build(db: Database, vocab: Vocabularies) -> Entered:
    """A partnership whose every part is filled in, and one approved report."""
    first_due = utcnow().date() + timedelta(days=7)
    deadline = first_due + timedelta(days=700)
    with db.write() as s:
        boss = person(s, vocab, roles=(Role.coordinator,), country="CH")
        pid, field, donor = active_partnership(
            s, vocab, first_due=first_due, coordinator=boss, confirmed=False
        )
        add_objective(
            s,
            field,
            pid,
            title="Assist survivors",
            deadline=deadline,
            target="300 survivors assisted",
            indicator="Survivors assisted",
            unit="people",
            baseline="25",
            indicator_target="300",
            disaggregation=Disaggregation.sex,
        )
        add_commitment(
            s,
            vocab,
            donor,
            pid,
            kind=CommitmentKind.financial,
            description="Grant for prosthetics, 3 years",
            amount=Decimal("250000"),
            currency="USD",
            start_year=2027,
            end_year=2029,
        )
        confirm(s, field, pid)
        confirm(s, donor, pid)
        released, survivors = indicators_of(s, pid)
        report = submit_report(
            s,
            field,
            pid,
            first_due,
            {
                released.id: IndicatorAnswer(Decimal("0.45")),
                survivors.id: IndicatorAnswer(
                    Decimal("57"),
                    {("female", ""): Decimal("31"), ("male", ""): Decimal("26")},
                ),
            },
            narrative=NARRATIVE,
            challenges=CHALLENGES,
        )
        approve_report(s, boss, report.id)
        create_listing(
            s, vocab, field, need(title="Wheelchairs", quantity=Decimal(40), unit="wheelchairs")
        )
        assert report.id is not None
        return Entered(pid, report.id, first_due, deadline)


def read_csv(folder: Path, table: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((folder / f"{table}.csv").read_text("utf-8"))))


def write_csv(data: dict[str, list[dict[str, Any]]], folder: Path) -> None:
    """As `partnerbot export` writes them: one file per table."""
    for table in TABLES:
        (folder / f"{table}.csv").write_text(to_csv(data[table]), encoding="utf-8")


def only(records: list[dict[str, Any]], **where: Any) -> dict[str, Any]:
    found = [r for r in records if all(r[k] == v for k, v in where.items())]
    assert len(found) == 1, (where, records)
    return found[0]


def same(a: str | None, b: str) -> bool:
    return a is not None and Decimal(a) == Decimal(b)


def test_the_tables_of_an_export() -> None:
    assert TABLES[:3] == ("needs", "offers", "matches")
    for table in (
        "partnerships",
        "partnership_members",
        "objectives",
        "indicators",
        "commitments",
        "schedules",
        "reports",
        "indicator_values",
    ):
        assert table in TABLES


def test_csv_files_hold_every_figure_entered(db, vocab, tmp_path: Path) -> None:
    entered = build(db, vocab)
    with db.read() as s:
        data = export(s, include_restricted=True)
    write_csv(data, tmp_path)
    pid = str(entered.partnership_id)

    partnership = only(read_csv(tmp_path, "partnerships"), id=pid)
    assert partnership["status"] == "active" and partnership["coordinator_id"]
    members = [m for m in read_csv(tmp_path, "partnership_members") if m["partnership_id"] == pid]
    assert len(members) == 2
    assert all(
        m["responsibilities"] == "Our part of the work" and m["organisation"] for m in members
    )
    assert {m["country"] for m in members} == {"KH", "NO"}

    objective = only(read_csv(tmp_path, "objectives"), title="Assist survivors")
    assert objective["partnership_id"] == pid
    assert objective["target"] == "300 survivors assisted"
    assert objective["deadline"] == entered.deadline.isoformat()
    indicator = only(read_csv(tmp_path, "indicators"), name="Survivors assisted")
    assert indicator["objective_id"] == objective["id"] and indicator["partnership_id"] == pid
    assert indicator["unit"] == "people" and indicator["disaggregation"] == "sex"
    assert same(indicator["baseline"], "25") and same(indicator["target"], "300")
    released = only(read_csv(tmp_path, "indicators"), name="Area released")
    assert released["unit"] == "km²" and same(released["target"], "1.2")

    commitment = only(read_csv(tmp_path, "commitments"), partnership_id=pid)
    assert commitment["kind"] == "financial" and commitment["currency"] == "USD"
    assert same(commitment["amount"], "250000")
    assert (commitment["start_year"], commitment["end_year"]) == ("2027", "2029")
    assert commitment["description"] == "Grant for prosthetics, 3 years"
    assert commitment["organisation"] in {m["organisation"] for m in members}

    schedule = only(read_csv(tmp_path, "schedules"), partnership_id=pid)
    assert schedule["frequency"] == "quarterly"
    assert schedule["first_due"] == entered.first_due.isoformat()

    report = only(read_csv(tmp_path, "reports"), id=str(entered.report_id))
    assert report["partnership_id"] == pid and report["status"] == "approved"
    assert report["narrative"] == NARRATIVE and report["challenges"] == CHALLENGES
    assert report["late"] == "False"
    values = [v for v in read_csv(tmp_path, "indicator_values") if v["report_id"] == report["id"]]
    figures = {(v["indicator"], v["sex"], v["age_group"]): v["value"] for v in values}
    assert set(figures) == {
        ("Area released", "", ""),
        ("Survivors assisted", "", ""),
        ("Survivors assisted", "female", ""),
        ("Survivors assisted", "male", ""),
    }
    assert same(figures["Area released", "", ""], "0.45")
    assert same(figures["Survivors assisted", "", ""], "57")
    assert same(figures["Survivors assisted", "female", ""], "31")
    assert same(figures["Survivors assisted", "male", ""], "26")
    assert {v["indicator_id"] for v in values} == {indicator["id"], released["id"]}

    wheelchairs = only(read_csv(tmp_path, "needs"), title="Wheelchairs")
    assert same(wheelchairs["remaining_quantity"], "40") and wheelchairs["unit"] == "wheelchairs"


def test_json_nests_a_partnership_and_its_reports(db, vocab) -> None:
    entered = build(db, vocab)
    with db.read() as s:
        data = export(s, include_restricted=True)
    document = json.loads(to_json(data))
    assert document["format"] == "partnerbot-export/2"
    assert [n["title"] for n in document["needs"]] == ["Wheelchairs"]
    assert same(document["needs"][0]["remaining_quantity"], "40")
    [partnership] = document["partnerships"]
    assert partnership["id"] == entered.partnership_id
    assert [m["responsibilities"] for m in partnership["members"]] == ["Our part of the work"] * 2
    objectives = {o["title"]: o for o in partnership["objectives"]}
    [survivors] = objectives["Assist survivors"]["indicators"]
    assert survivors["unit"] == "people" and survivors["disaggregation"] == "sex"
    assert same(survivors["baseline"], "25") and same(survivors["target"], "300")
    assert objectives["Clear the north"]["indicators"][0]["unit"] == "km²"
    [commitment] = partnership["commitments"]
    assert same(commitment["amount"], "250000") and commitment["end_year"] == 2029
    assert partnership["schedule"]["frequency"] == "quarterly"
    assert partnership["schedule"]["first_due"] == entered.first_due.isoformat()
    [report] = partnership["reports"]
    assert report["status"] == "approved" and report["narrative"] == NARRATIVE
    values = {v["indicator"]: v for v in report["values"]}
    assert same(values["Area released"]["value"], "0.45")
    assert values["Area released"]["breakdown"] == []
    assert values["Survivors assisted"]["unit"] == "people"
    assert same(values["Survivors assisted"]["value"], "57")
    breakdown = {b["sex"]: b["value"] for b in values["Survivors assisted"]["breakdown"]}
    assert same(breakdown["female"], "31") and same(breakdown["male"], "26")
    # Readable as written: no \u escapes for accents or symbols.
    assert "Ö-village" in to_json(data) and "km²" in to_json(data)


def test_the_chat_export_sends_every_table(db, vocab) -> None:
    entered = build(db, vocab)
    root = Person(ChatBot(db, vocab, bot_settings(admins="console:root")), "root")
    onboard(root, organisation="Support Unit", kind="Intergovernmental organisation")
    root.command("export")
    root.tap("CSV files")
    [reply] = root.replies
    assert "indicator_values 4" in str(reply.text)
    with zipfile.ZipFile(reply.attachment.path) as archive:
        assert sorted(archive.namelist()) == sorted(f"{t}.csv" for t in TABLES)
        values = archive.read("indicator_values.csv").decode()
        assert "Survivors assisted" in values and "female" in values
    root.command("export")
    root.tap("One JSON file")
    document = json.loads(root.replies[0].attachment.path.read_text("utf-8"))
    [report] = document["partnerships"][0]["reports"]
    assert report["id"] == entered.report_id and len(report["values"]) == 2


@pytest.mark.parametrize("table", TABLES)
def test_an_empty_database_exports_empty_tables(sqlite_db, table: str) -> None:
    with sqlite_db.read() as s:
        data = export(s, include_restricted=True)
    assert data[table] == [] and to_csv(data[table]) == ""
    assert json.loads(to_json(data))["partnerships"] == []
