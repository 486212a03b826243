"""The export's tables of clusters: their partnerships, and their rolled-up indicators (by
unit, then by sex and age group), beside the treaty deadlines objectives are linked to."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlmodel import Session, col, select

from core.models import Cluster, ClusterPartnership

Record = dict[str, Any]
CLUSTER_FIELDS = ("id", "title", "area", "region", "created_at")
DEADLINE_FIELDS = ("id", "country", "article", "deadline")


def cluster_partnerships(session: Session) -> Iterator[Record]:
    rows = session.exec(
        select(ClusterPartnership).order_by(
            col(ClusterPartnership.cluster_id), col(ClusterPartnership.partnership_id)
        )
    )
    for row in rows:
        yield {"cluster_id": row.cluster_id, "partnership_id": row.partnership_id}


def cluster_indicators(session: Session) -> Iterator[Record]:
    """Each cluster's rolled-up indicators (core.rollup), by unit, then by sex and age."""
    from core.clusters import partnerships_of
    from core.rollup import rolled_up

    for cluster in session.exec(select(Cluster).order_by(col(Cluster.id))):
        ids = [p.id or 0 for p in partnerships_of(session, cluster.id or 0)]
        for group in rolled_up(session, ids):
            base = {"cluster_id": cluster.id, "unit": group.unit, "indicators": group.indicators}
            yield {
                **base,
                "reported": group.reported,
                "sex": "",
                "age_group": "",
                "value": _plain(group.total),
                "target": _plain(group.target),
            }
            for (sex, age), value in sorted(group.parts.items()):
                yield {
                    **base,
                    "reported": group.reported,
                    "sex": sex,
                    "age_group": age,
                    "value": _plain(value),
                    "target": "",
                }


def _plain(value: Any) -> Any:
    return str(value)
