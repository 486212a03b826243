"""Usage records for the trial's evaluation: visits and the types of information accessed.
Only the kind of thing used is stored, never what anybody wrote."""

from __future__ import annotations

from sqlmodel import Session

from core.models import UsageEvent
from core.models.enums import Platform


def record_usage(
    session: Session,
    stakeholder_id: int | None,
    platform: Platform | None,
    category: str,
    name: str,
) -> None:
    session.add(
        UsageEvent(stakeholder_id=stakeholder_id, platform=platform, category=category, name=name)
    )
