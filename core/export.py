"""Exports for coordinators and operators: needs, offers, matches, partnerships and reports
as CSV files or one JSON document. Restricted needs are included only when asked for (a
coordinator's export)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, select

from core.listings import areas_for
from core.models import Listing, Match, Organisation, Partnership, ProgressReport
from core.models.enums import ListingKind, Visibility

TABLES = ("needs", "offers", "matches", "partnerships", "reports")
LISTING_FIELDS = (
    "id",
    "organisation",
    "title",
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
    "available_from",
    "available_until",
    "priority",
    "visibility",
    "status",
    "created_at",
    "last_confirmed_at",
)


def rows(session: Session, table: str, *, include_restricted: bool) -> Iterator[dict[str, Any]]:
    if table in ("needs", "offers"):
        yield from _listings(
            session, ListingKind.need if table == "needs" else ListingKind.offer, include_restricted
        )
    elif table == "matches":
        for m in session.exec(select(Match).order_by(col(Match.id))):
            yield {
                "id": m.id,
                "need_id": m.need_id,
                "offer_id": m.offer_id,
                "score": m.score,
                "status": m.status,
                "need_decision": m.need_decision,
                "offer_decision": m.offer_decision,
                "created_at": m.created_at,
                "decided_at": m.decided_at,
            }
    elif table == "partnerships":
        for p in session.exec(select(Partnership).order_by(col(Partnership.id))):
            yield {
                "id": p.id,
                "title": p.title,
                "status": p.status,
                "match_id": p.match_id,
                "created_at": p.created_at,
                "activated_at": p.activated_at,
            }
    elif table == "reports":
        for r in session.exec(select(ProgressReport).order_by(col(ProgressReport.id))):
            yield {
                "id": r.id,
                "partnership_id": r.partnership_id,
                "period_start": r.period_start,
                "period_end": r.period_end,
                "status": r.status,
                "late": r.late,
                "narrative": r.narrative,
                "challenges": r.challenges,
                "help_needed": r.help_needed,
                "submitted_at": r.submitted_at,
            }
    else:
        raise ValueError(f"unknown table {table}")


def _listings(
    session: Session, kind: ListingKind, include_restricted: bool
) -> Iterator[dict[str, Any]]:
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


def plain(value: Any) -> Any:
    """A value as JSON and CSV carry it: text for dates, times and decimals."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "value") and isinstance(value.value, str):  # an enum
        return value.value
    return value


def to_csv(records: list[dict[str, Any]]) -> str:
    if not records:
        return ""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(records[0]))
    writer.writeheader()
    for record in records:
        writer.writerow({k: "" if v is None else plain(v) for k, v in record.items()})
    return buffer.getvalue()


def export(
    session: Session,
    *,
    include_restricted: bool,
    progress: Callable[[str], None] | None = None,
) -> dict[str, list[dict[str, Any]]]:
    data = {}
    for table in TABLES:
        data[table] = [
            {k: plain(v) for k, v in record.items()}
            for record in rows(session, table, include_restricted=include_restricted)
        ]
        if progress:
            progress(table)
    return data


def to_json(data: dict[str, list[dict[str, Any]]]) -> str:
    return json.dumps({"format": "partnerbot-export/1", **data}, ensure_ascii=False, indent=1)
