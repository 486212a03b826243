"""The partnerships of one cluster as related activities of each other in the IATI file
(type 3, "sibling": activities sharing a coordination, as a cluster's partnerships share a
steering group). The element goes after the transactions and before the results, where the
2.03 schema's sequence puts it."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict

from sqlmodel import Session, col, select

from core.models import ClusterPartnership

SIBLING = "3"


def cluster_siblings(session: Session, published: list[int]) -> dict[int, list[int]]:
    """For each published partnership, the other published partnerships of its clusters."""
    members: dict[int, set[int]] = defaultdict(set)
    rows = session.exec(
        select(ClusterPartnership).where(col(ClusterPartnership.partnership_id).in_(published))
    )
    for row in rows:
        members[row.cluster_id].add(row.partnership_id)
    siblings: dict[int, set[int]] = defaultdict(set)
    for ids in members.values():
        for pid in ids:
            siblings[pid] |= ids - {pid}
    return {pid: sorted(ids) for pid, ids in siblings.items()}


def related(activity: ET.Element, org_ref: str, sibling_ids: list[int]) -> None:
    if not sibling_ids:
        return
    after = {"result", "crs-add", "fss", "legacy-data", "conditions"}
    children = list(activity)
    position = next((i for i, c in enumerate(children) if c.tag in after), len(children))
    for offset, pid in enumerate(sibling_ids):
        element = ET.Element("related-activity", {"ref": f"{org_ref}-{pid}", "type": SIBLING})
        activity.insert(position + offset, element)
