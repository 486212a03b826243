"""Rolled-up indicators of a group of partnerships (a cluster): the indicators with the same
unit added up, by sex and age group where they are disaggregated, from each indicator's
latest approved report only, with the share of the targets reached."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Session, col

from core.models import Indicator, IndicatorValue, Objective, ProgressReport
from core.models.enums import ReportStatus


@dataclass
class RolledUp:
    unit: str
    names: list[str] = field(default_factory=list)
    indicators: int = 0
    reported: int = 0  # of them, with an approved value
    total: Decimal = Decimal(0)
    target: Decimal = Decimal(0)
    parts: dict[tuple[str, str], Decimal] = field(default_factory=dict)  # (sex, age group)

    @property
    def share(self) -> Decimal | None:
        return (self.total / self.target) if self.target else None


def rolled_up(session: Session, partnership_ids: list[int]) -> list[RolledUp]:
    if not partnership_ids:
        return []
    indicators = session.execute(
        sa.select(Indicator.id, Indicator.name, Indicator.unit, Indicator.target)
        .join(Objective, col(Objective.id) == Indicator.objective_id)
        .where(col(Objective.partnership_id).in_(partnership_ids))
        .order_by(col(Indicator.id))
    ).all()
    latest = _latest_approved(session, [i for i, *_ in indicators])
    by_unit: dict[str, RolledUp] = {}
    for indicator_id, name, unit, target in indicators:
        key = " ".join(unit.casefold().split())
        group = by_unit.setdefault(key, RolledUp(unit))
        group.indicators += 1
        group.target += target
        if name not in group.names:
            group.names.append(name)
        values = latest.get(indicator_id)
        if values is None:
            continue
        group.reported += 1
        for (sex, age), value in values.items():
            if (sex, age) == ("", ""):
                group.total += value
            else:
                group.parts[(sex, age)] = group.parts.get((sex, age), Decimal(0)) + value
    return sorted(by_unit.values(), key=lambda g: g.unit.casefold())


def _latest_approved(
    session: Session, indicator_ids: list[int]
) -> dict[int, dict[tuple[str, str], Decimal]]:
    """Each indicator's values in its latest approved report."""
    rows = session.execute(
        sa.select(
            IndicatorValue.indicator_id,
            ProgressReport.period_end,
            IndicatorValue.sex,
            IndicatorValue.age_group,
            IndicatorValue.value,
        )
        .join(ProgressReport, col(ProgressReport.id) == IndicatorValue.report_id)
        .where(
            col(IndicatorValue.indicator_id).in_(indicator_ids),
            ProgressReport.status == ReportStatus.approved,
        )
        .order_by(col(ProgressReport.period_end))
    ).all()
    newest: dict[int, object] = {}
    values: dict[int, dict[tuple[str, str], Decimal]] = defaultdict(dict)
    for indicator_id, period_end, sex, age, value in rows:
        if newest.get(indicator_id) != period_end:
            newest[indicator_id] = period_end
            values[indicator_id] = {}  # a later report replaces the earlier one
        values[indicator_id][(sex, age)] = value
    return dict(values)
