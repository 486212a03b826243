"""Completion deadlines: an objective linked to its State's treaty deadline (an Article 5
clearance deadline, kept per country) is projected from its indicator's approved values by a
straight line (least squares over time); the projected completion is shown beside the
deadline, and a projection past it warns the partners, the coordinator and the national
counterpart."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Session, col, select

from core.errors import InvalidInput, NotFound, PermissionDenied
from core.models import (
    Indicator,
    IndicatorValue,
    Objective,
    PartnershipMember,
    ProgressReport,
    TreatyDeadline,
)
from core.models.enums import ReportStatus
from core.people import Actor
from core.storage import insert_or_ignore, possible_id
from core.validation import check_country
from core.vocabularies import Vocabularies

ON_TRACK, LATE, NO_DATA, STALLED = "on_track", "late", "no_data", "stalled"


@dataclass(frozen=True)
class Projection:
    objective: Objective
    deadline: TreatyDeadline
    indicator: Indicator | None
    points: int
    completion: date | None  # when the line reaches the target
    status: str
    latest_report_id: int | None = None


def project(
    points: list[tuple[date, Decimal]], target: Decimal, baseline: Decimal | None = None
) -> tuple[date | None, str]:
    """The day a straight line through the points reaches the target: (date, ON_TRACK); a
    target already reached gives the date of the report that reached it. (None, NO_DATA)
    with fewer than two dates; (None, STALLED) when the line does not move toward the
    target. Toward is from the baseline to the target (work done rising to it, or work
    remaining falling to it)."""
    if len({d for d, _ in points}) < 2:
        return None, NO_DATA
    origin = points[0][0]
    xs = [float((d - origin).days) for d, _ in points]
    ys = [float(v) for _, v in points]
    start = float(baseline) if baseline is not None and baseline != target else ys[0]
    direction = 1.0 if float(target) >= start else -1.0
    if (ys[-1] - float(target)) * direction >= 0:
        return points[-1][0], ON_TRACK
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread
    if slope * direction <= 0:
        return None, STALLED
    days = (float(target) - (mean_y - slope * mean_x)) / slope
    if days > 365 * 200:
        return None, STALLED
    return origin + timedelta(days=round(days)), ON_TRACK


def set_deadline(
    session: Session,
    actor: Actor,
    vocab: Vocabularies,
    country: str,
    deadline: date,
    article: str = "5",
) -> TreatyDeadline:
    if not actor.is_coordinator:
        raise PermissionDenied("denied.coordinator_only")
    code = check_country(vocab, country)
    found = session.exec(
        select(TreatyDeadline).where(
            TreatyDeadline.country == code, TreatyDeadline.article == article
        )
    ).first()
    if found is None:
        insert_or_ignore(
            session,
            TreatyDeadline,
            {"country": code, "article": article, "deadline": deadline},
            ["country", "article"],
        )
        found = session.exec(
            select(TreatyDeadline).where(
                TreatyDeadline.country == code, TreatyDeadline.article == article
            )
        ).one()
    found.deadline = deadline
    session.flush()
    return found


def deadlines_for(session: Session, country: str | None) -> list[TreatyDeadline]:
    if not country:
        return []
    return list(session.exec(select(TreatyDeadline).where(TreatyDeadline.country == country)))


def link_objective(
    session: Session, actor: Actor, objective_id: int, deadline_id: int | None
) -> Objective:
    """A partner or a coordinator links (or, with None, unlinks) an objective."""
    objective = session.get(Objective, objective_id) if possible_id(objective_id) else None
    if objective is None:
        raise NotFound("not_found.objective")
    partner = session.exec(
        select(PartnershipMember).where(
            PartnershipMember.partnership_id == objective.partnership_id,
            PartnershipMember.organisation_id == actor.organisation_id,
        )
    ).first()
    if partner is None and not actor.is_coordinator:
        raise PermissionDenied("denied.not_partner")
    if deadline_id is not None and session.get(TreatyDeadline, deadline_id) is None:
        raise InvalidInput("invalid.deadline", field="deadline")
    objective.treaty_deadline_id = deadline_id
    session.flush()
    return objective


def projections(session: Session, partnership_id: int) -> list[Projection]:
    """Every linked objective of the partnership, projected from its first indicator."""
    found = []
    rows = session.exec(
        select(Objective, TreatyDeadline)
        .join(TreatyDeadline, col(TreatyDeadline.id) == Objective.treaty_deadline_id)
        .where(Objective.partnership_id == partnership_id)
        .order_by(col(Objective.id))
    ).all()
    for objective, deadline in rows:
        indicator = session.exec(
            select(Indicator)
            .where(Indicator.objective_id == objective.id)
            .order_by(col(Indicator.id))
        ).first()
        if indicator is None:
            found.append(Projection(objective, deadline, None, 0, None, NO_DATA))
            continue
        series = session.execute(
            sa.select(ProgressReport.period_end, IndicatorValue.value, ProgressReport.id)
            .join(ProgressReport, col(ProgressReport.id) == IndicatorValue.report_id)
            .where(
                IndicatorValue.indicator_id == indicator.id,
                IndicatorValue.sex == "",
                IndicatorValue.age_group == "",
                ProgressReport.status == ReportStatus.approved,
            )
            .order_by(col(ProgressReport.period_end))
        ).all()
        points = [(d, v) for d, v, _ in series]
        completion, status = project(points, indicator.target, indicator.baseline)
        if status == ON_TRACK and completion is not None and completion > deadline.deadline:
            status = LATE
        latest = series[-1][2] if series else None
        found.append(
            Projection(objective, deadline, indicator, len(points), completion, status, latest)
        )
    return found
