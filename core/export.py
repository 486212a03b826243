"""Exports for coordinators and operators: needs, offers, matches with their outcomes, and
partnerships with their partners, objectives, indicators, commitments, schedule and reports,
as related CSV files (one per table, linked by ids) or one nested JSON document. Restricted
needs are included only when asked for (a coordinator's export)."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlmodel import Session, SQLModel, col, select

from core.export_clusters import (
    cluster_indicators,
    cluster_partnerships,
)
from core.listings import areas_for
from core.models import (
    Cluster,
    Commitment,
    Indicator,
    IndicatorValue,
    Listing,
    Match,
    MatchOutcome,
    Objective,
    Organisation,
    Partnership,
    PartnershipMember,
    ProgressReport,
    ReportingSchedule,
    TreatyDeadline,
)
from core.models.enums import ListingKind, Visibility

FORMAT = "partnerbot-export/2"  # 2: partnerships nest their parts and reports
Record = dict[str, Any]
LISTING_FIELDS = (
    "id",
    "organisation",
    "title",
    "description",
    "assistance_type",
    "areas",
    "coverage",
    "country",
    "region",
    "amount",
    "currency",
    "remaining_amount",
    "quantity",
    "unit",
    "remaining_quantity",
    "available_from",
    "available_until",
    "priority",
    "modality",
    "visibility",
    "status",
    "created_at",
    "last_confirmed_at",
)
MATCH_FIELDS = (
    "id",
    "need_id",
    "offer_id",
    "score",
    "status",
    "need_decision",
    "offer_decision",
    "created_at",
    "decided_at",
)
# What each side said the match led to (yes, in_progress, no); who said it stays out, as the
# answer is the organisation's.
OUTCOME_FIELDS = ("id", "match_id", "side", "outcome", "reason", "answered_at")
PARTNERSHIP_FIELDS = (
    "id",
    "title",
    "status",
    "match_id",
    "modality",
    "coordinator_id",
    "created_at",
    "activated_at",
    "national_counterpart_id",
    "national_plan",
    "national_contribution",
)
OBJECTIVE_FIELDS = ("id", "partnership_id", "title", "target", "deadline", "treaty_deadline_id")
INDICATOR_FIELDS = (
    "id",
    "objective_id",
    "name",
    "unit",
    "baseline",
    "target",
    "disaggregation",
)
COMMITMENT_FIELDS = ("kind", "amount", "currency", "description", "start_year", "end_year")
SCHEDULE_FIELDS = ("id", "partnership_id", "frequency", "first_due", "next_due")
REPORT_FIELDS = (
    "id",
    "partnership_id",
    "period_start",
    "period_end",
    "due_date",
    "status",
    "late",
    "narrative",
    "challenges",
    "help_needed",
    "submitted_at",
    "review_comment",
    "reviewed_at",
)


def _fields(row: SQLModel, names: Iterable[str], **extra: Any) -> Record:
    return {**{name: getattr(row, name) for name in names}, **extra}


def _all(session: Session, model: type[SQLModel], names: tuple[str, ...]) -> Iterator[Record]:
    for row in session.exec(select(model).order_by(col(model.id))):  # type: ignore[attr-defined]
        yield _fields(row, names)


def _listings(session: Session, kind: ListingKind, include_restricted: bool) -> Iterator[Record]:
    query = (
        select(Listing, Organisation.name)
        .join(Organisation, col(Organisation.id) == Listing.organisation_id)
        .where(Listing.kind == kind)
        .order_by(col(Listing.id))
    )
    if not include_restricted:
        query = query.where(Listing.visibility == Visibility.public)
    found = session.exec(query).all()
    areas = areas_for(session, [listing.id for listing, _ in found if listing.id])
    for listing, organisation in found:
        values = listing.model_dump()
        values["organisation"] = organisation
        values["areas"] = " ".join(areas.get(listing.id or 0, []))
        yield {name: values.get(name) for name in LISTING_FIELDS}


def _members(session: Session) -> Iterator[Record]:
    """The partners, each with its organisation named, so the file reads without a lookup."""
    for member, organisation in session.exec(
        select(PartnershipMember, Organisation)
        .join(Organisation, col(Organisation.id) == PartnershipMember.organisation_id)
        .order_by(col(PartnershipMember.id))
    ):
        yield _fields(
            member,
            ("id", "partnership_id", "organisation_id"),
            organisation=organisation.name,
            organisation_kind=organisation.kind,
            country=organisation.country,
            responsibilities=member.responsibilities,
            confirmed_at=member.confirmed_at,
        )


def _indicators(session: Session) -> Iterator[Record]:
    for indicator, partnership_id in session.exec(
        select(Indicator, Objective.partnership_id)
        .join(Objective, col(Objective.id) == Indicator.objective_id)
        .order_by(col(Indicator.id))
    ):
        yield _fields(indicator, INDICATOR_FIELDS, partnership_id=partnership_id)


def _commitments(session: Session) -> Iterator[Record]:
    for commitment, organisation in session.exec(
        select(Commitment, Organisation.name)
        .join(Organisation, col(Organisation.id) == Commitment.organisation_id)
        .order_by(col(Commitment.id))
    ):
        record = _fields(commitment, ("id", "partnership_id", "organisation_id"))
        yield {**record, "organisation": organisation, **_fields(commitment, COMMITMENT_FIELDS)}


def _indicator_values(session: Session) -> Iterator[Record]:
    """Every reported value: a total (sex and age group empty) and its breakdown, with the
    indicator's name and unit so that a figure reads on its own."""
    for value, indicator in session.exec(
        select(IndicatorValue, Indicator)
        .join(Indicator, col(Indicator.id) == IndicatorValue.indicator_id)
        .order_by(
            col(IndicatorValue.report_id),
            col(IndicatorValue.indicator_id),
            col(IndicatorValue.id),
        )
    ):
        yield _fields(
            value,
            ("id", "report_id", "indicator_id"),
            indicator=indicator.name,
            unit=indicator.unit,
            sex=value.sex,
            age_group=value.age_group,
            value=value.value,
        )


Source = Callable[[Session, bool], Iterator[Record]]
SOURCES: dict[str, Source] = {
    "needs": lambda s, restricted: _listings(s, ListingKind.need, restricted),
    "offers": lambda s, restricted: _listings(s, ListingKind.offer, restricted),
    "matches": lambda s, _: _all(s, Match, MATCH_FIELDS),
    "match_outcomes": lambda s, _: _all(s, MatchOutcome, OUTCOME_FIELDS),
    "partnerships": lambda s, _: _all(s, Partnership, PARTNERSHIP_FIELDS),
    "partnership_members": lambda s, _: _members(s),
    "objectives": lambda s, _: _all(s, Objective, OBJECTIVE_FIELDS),
    "indicators": lambda s, _: _indicators(s),
    "commitments": lambda s, _: _commitments(s),
    "schedules": lambda s, _: _all(s, ReportingSchedule, SCHEDULE_FIELDS),
    "reports": lambda s, _: _all(s, ProgressReport, REPORT_FIELDS),
    "indicator_values": lambda s, _: _indicator_values(s),
    "treaty_deadlines": lambda s, _: _all(
        s, TreatyDeadline, ("id", "country", "article", "deadline")
    ),
    "clusters": lambda s, _: _all(s, Cluster, ("id", "title", "area", "region", "created_at")),
    "cluster_partnerships": lambda s, _: cluster_partnerships(s),
    "cluster_indicators": lambda s, _: cluster_indicators(s),
}


TABLES = tuple(SOURCES)


def rows(session: Session, table: str, *, include_restricted: bool) -> Iterator[Record]:
    if table not in SOURCES:
        raise ValueError(f"unknown table {table}")
    return SOURCES[table](session, include_restricted)


def plain(value: Any) -> Any:
    """A value as JSON and CSV carry it: text for dates, times and decimals."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "value") and isinstance(value.value, str):  # an enum
        return value.value
    return value


def to_csv(records: list[Record]) -> str:
    if not records:
        return ""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(records[0]))
    writer.writeheader()
    for record in records:
        writer.writerow({k: _cell(v) for k, v in record.items()})
    return buffer.getvalue()


# A spreadsheet runs a cell that starts with one of these as a formula (OWASP, "CSV
# Injection"): a title like =HYPERLINK(…) would become a link, +cmd|… a command.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def _cell(value: Any) -> Any:
    """A value as a CSV cell: people's text that a spreadsheet would run is made inert with
    a leading apostrophe. Numbers stay numbers, a negative one too (export() has made a
    Decimal text already: "-1250.50" is still a number, not someone's formula)."""
    value = "" if value is None else plain(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def export(
    session: Session,
    *,
    include_restricted: bool,
    progress: Callable[[str], None] | None = None,
) -> dict[str, list[Record]]:
    """Every table as flat records (plain values), in the order of TABLES."""
    data = {}
    for table in TABLES:
        data[table] = [
            {k: plain(v) for k, v in record.items()}
            for record in rows(session, table, include_restricted=include_restricted)
        ]
        if progress:
            progress(table)
    return data


def _by(records: Iterable[Record], key: str) -> dict[Any, list[Record]]:
    """Records grouped by their parent's id, without that id: nesting already says it."""
    grouped: dict[Any, list[Record]] = defaultdict(list)
    for record in records:
        grouped[record[key]].append({k: v for k, v in record.items() if k != key})
    return grouped


def _values(records: list[Record]) -> list[Record]:
    """A report's values, one entry per indicator: its total, then its breakdown by sex and
    age group."""
    found: dict[Any, Record] = {}
    for record in records:
        entry = found.setdefault(
            record["indicator_id"],
            {
                "indicator_id": record["indicator_id"],
                "indicator": record["indicator"],
                "unit": record["unit"],
                "value": None,
                "breakdown": [],
            },
        )
        if record["sex"] or record["age_group"]:
            entry["breakdown"].append(
                {"sex": record["sex"], "age_group": record["age_group"], "value": record["value"]}
            )
        else:
            entry["value"] = record["value"]
    return list(found.values())


def nested(data: dict[str, list[Record]]) -> dict[str, Any]:
    """The export as one document: each match holds its outcomes; each partnership holds its
    members, objectives with their indicators, commitments, schedule and reports with their
    values."""
    outcomes = _by(data.get("match_outcomes", []), "match_id")
    members = _by(data.get("partnership_members", []), "partnership_id")
    objectives = _by(data.get("objectives", []), "partnership_id")
    indicators = _by(
        ({k: v for k, v in i.items() if k != "partnership_id"} for i in data.get("indicators", [])),
        "objective_id",
    )
    commitments = _by(data.get("commitments", []), "partnership_id")
    schedules = {s["partnership_id"]: s for s in data.get("schedules", [])}
    reports = _by(data.get("reports", []), "partnership_id")
    values = _by(data.get("indicator_values", []), "report_id")
    partnerships = [
        {
            **p,
            "members": members.get(p["id"], []),
            "objectives": [
                {**o, "indicators": indicators.get(o["id"], [])}
                for o in objectives.get(p["id"], [])
            ],
            "commitments": commitments.get(p["id"], []),
            "schedule": _without(schedules.get(p["id"]), "partnership_id"),
            "reports": [
                {**r, "values": _values(values.get(r["id"], []))} for r in reports.get(p["id"], [])
            ],
        }
        for p in data.get("partnerships", [])
    ]
    return {
        "format": FORMAT,
        "needs": data.get("needs", []),
        "offers": data.get("offers", []),
        "matches": [{**m, "outcomes": outcomes.get(m["id"], [])} for m in data.get("matches", [])],
        "partnerships": partnerships,
    }


def _without(record: Record | None, key: str) -> Record | None:
    return None if record is None else {k: v for k, v in record.items() if k != key}


def to_json(data: dict[str, list[Record]]) -> str:
    # ensure_ascii=False: names and narratives stay readable in any language.
    return json.dumps(nested(data), ensure_ascii=False, indent=1)
