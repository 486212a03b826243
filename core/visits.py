"""Visits of the public web platform for the trial's evaluation ("the number of visits and
types of information accessed"): counts per day, type of information and filter. Nothing
that could tell one visitor from another is ever stored."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from core.models import WebVisit

# The filters whose values are counted; any other query parameter is not.
COUNTED_FILTERS = ("kind", "assistance_type", "area", "country", "region", "modality")

# (kind, filter name, filter value): "" names the view itself.
VisitKey = tuple[str, str, str]


def add_visits(session: Session, day: date, counts: Mapping[VisitKey, int]) -> None:
    """Adds counts to the day's totals: one upsert a key, so two workers never lose a count."""
    if not counts:
        return
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    rows = [
        {
            "day": day,
            "kind": kind[:16],
            "filter_name": name[:24],
            "filter_value": value[:48],
            "count": n,
        }
        for (kind, name, value), n in counts.items()
    ]
    statement = insert(WebVisit).values(rows)
    statement = statement.on_conflict_do_update(
        index_elements=["day", "kind", "filter_name", "filter_value"],
        set_={"count": WebVisit.count + statement.excluded.count},  # type: ignore[operator]
    )
    session.execute(statement)


def visit_keys(kind: str, filters: Mapping[str, str]) -> list[VisitKey]:
    """The keys one view counts under: the view, and each filter it was asked with."""
    keys = [(kind, "", "")]
    for name in COUNTED_FILTERS:
        value = filters.get(name)
        if value:
            keys.append((kind, name, str(value)))
    return keys


@dataclass(frozen=True)
class VisitRow:
    kind: str
    filter_name: str
    filter_value: str
    count: int


def visits_between(session: Session, start: date, end: date) -> list[VisitRow]:
    """Totals over the days from start to end (both included), most visited first."""
    total = sa.func.sum(WebVisit.count).label("total")
    rows = session.exec(
        select(WebVisit.kind, WebVisit.filter_name, WebVisit.filter_value, total)
        .where(WebVisit.day >= start, WebVisit.day <= end)
        .group_by(WebVisit.kind, WebVisit.filter_name, WebVisit.filter_value)
        .order_by(total.desc(), WebVisit.kind, WebVisit.filter_name, WebVisit.filter_value)
    ).all()
    return [VisitRow(kind, name, value, int(n)) for kind, name, value, n in rows]
