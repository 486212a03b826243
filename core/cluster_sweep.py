"""What the sweep does for the follow-up of clusters and national ownership: national
counterparts found for partnerships in their country, and told of what happens there; the
steering groups' quarterly digests; and the warnings of a projection past its deadline."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from core.models import Objective, Partnership, PartnershipMember, Stakeholder, SteeringMember
from core.models.enums import PartnershipStatus
from core.national import assign_counterparts, counterpart_events
from core.notifications import Planned
from core.projection import LATE, projections
from core.quiet_hours import QuietHours, not_before, zone
from core.vocabularies import Vocabularies


def follow_up(
    session: Session, vocab: Vocabularies, now: datetime, quiet: QuietHours | None, *, write: bool
) -> list[Planned]:
    if write:
        assign_counterparts(session, vocab)
    return [
        *counterpart_events(session, vocab, now, quiet),
        *cluster_digests(session, now, quiet),
        *projection_warnings(session, now, quiet),
    ]


def cluster_digests(session: Session, now: datetime, quiet: QuietHours | None) -> list[Planned]:
    """Each steering member's digest of their cluster, once a quarter (their quarter)."""
    rows = session.execute(
        sa.select(SteeringMember.cluster_id, Stakeholder.id, Stakeholder.timezone).join(
            Stakeholder, col(Stakeholder.id) == SteeringMember.stakeholder_id
        )
    ).all()
    planned = []
    for cluster_id, person, timezone in rows:
        local = now.astimezone(zone(timezone))
        quarter = f"{local.year}Q{(local.month - 1) // 3 + 1}"
        planned.append(
            Planned(
                person,
                "cluster_digest",
                f"cluster:{cluster_id}:{quarter}:{person}",
                {"cluster_id": cluster_id, "quarter": quarter},
                not_before(now, timezone, quiet),
            )
        )
    return planned


def projection_warnings(session: Session, now: datetime, quiet: QuietHours | None) -> list[Planned]:
    """A projection past its deadline, told to the partners, the coordinator and the
    national counterpart: once for each approved report that keeps it late."""
    planned = []
    # Only those with an objective linked to a deadline: a sweep reads no other partnership.
    linked = select(Objective.partnership_id).where(col(Objective.treaty_deadline_id).is_not(None))
    active = session.exec(
        select(Partnership).where(
            Partnership.status == PartnershipStatus.active, col(Partnership.id).in_(linked)
        )
    ).all()
    for partnership in active:
        for found in projections(session, partnership.id or 0):
            if found.status != LATE:
                continue
            payload = {
                "partnership_id": partnership.id,
                "objective_id": found.objective.id,
                "completion": found.completion.isoformat() if found.completion else None,
                "deadline": found.deadline.deadline.isoformat(),
            }
            key = f"late:{found.objective.id}:{found.latest_report_id}"
            for person, timezone in _told_of_lateness(session, partnership):
                planned.append(
                    Planned(
                        person,
                        "projection_late",
                        f"{key}:{person}",
                        payload,
                        not_before(now, timezone, quiet),
                    )
                )
    return planned


def _told_of_lateness(session: Session, partnership: Partnership) -> list[tuple[int, str]]:
    organisations = [
        *session.exec(
            select(PartnershipMember.organisation_id).where(
                PartnershipMember.partnership_id == partnership.id
            )
        ),
        *([partnership.national_counterpart_id] if partnership.national_counterpart_id else []),
    ]
    people = sa.or_(
        col(Stakeholder.organisation_id).in_(organisations),
        Stakeholder.id == (partnership.coordinator_id or 0),
    )
    rows = session.execute(
        sa.select(Stakeholder.id, Stakeholder.timezone).where(people).order_by(col(Stakeholder.id))
    ).all()
    return [(int(i), tz) for i, tz in rows]
