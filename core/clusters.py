"""Clusters of partnerships on similar issues: suggested when three or more active
partnerships share a thematic area in a region (a coordinator confirms), or made by a
coordinator; their steering groups; their duplication warnings and gaps."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from core import audit
from core.errors import DomainError, InvalidInput, NotFound, PermissionDenied
from core.models import (
    Cluster,
    ClusterPartnership,
    Listing,
    ListingArea,
    Match,
    Objective,
    Organisation,
    Partnership,
    PartnershipMember,
    Stakeholder,
    SteeringMember,
)
from core.models.enums import (
    ListingKind,
    ListingStatus,
    MatchStatus,
    PartnershipStatus,
    Visibility,
)
from core.partnership_places import STATE_KINDS, places_of
from core.people import Actor, name_key
from core.storage import possible_id
from core.vocabularies import Vocabularies

SUGGEST_AT = 3  # active partnerships sharing an area in a region
STEERING = (2, 5)  # members of a steering group, at least and at most
GAP_DAYS = 60  # a need unmatched this long is a gap a steering group may call for


@dataclass(frozen=True)
class Suggestion:
    area: str
    region: str
    partnership_ids: tuple[int, ...]


def _coordinator(actor: Actor) -> None:
    if not actor.is_coordinator:
        raise PermissionDenied("denied.coordinator_only")


def _active(session: Session) -> list[int]:
    return list(
        session.exec(select(Partnership.id).where(Partnership.status == PartnershipStatus.active))
    )  # type: ignore[arg-type]


def suggestions(session: Session, vocab: Vocabularies) -> list[Suggestion]:
    """Areas in regions shared by enough active partnerships, with no cluster yet."""
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for pid, place in places_of(session, vocab, _active(session)).items():
        for area in place.areas if place.region else ():
            groups[(area, place.region or "")].append(pid)
    taken = {(c.area, c.region) for c in session.exec(select(Cluster))}
    found = [
        Suggestion(area, region, tuple(sorted(ids)))
        for (area, region), ids in groups.items()
        if len(ids) >= SUGGEST_AT and (area, region) not in taken
    ]
    return sorted(found, key=lambda s: (-len(s.partnership_ids), s.area, s.region))


def create_cluster(
    session: Session,
    actor: Actor,
    vocab: Vocabularies,
    *,
    title: str,
    area: str | None = None,
    region: str | None = None,
    partnership_ids: list[int] | None = None,
) -> Cluster:
    """A confirmed suggestion (its area and region: its partnerships), or a coordinator's
    own choice of partnerships."""
    _coordinator(actor)
    if partnership_ids is None:
        match = next(
            (s for s in suggestions(session, vocab) if (s.area, s.region) == (area, region)), None
        )
        if match is None:
            raise NotFound("not_found.cluster")
        partnership_ids = list(match.partnership_ids)
    ids = sorted({i for i in partnership_ids if possible_id(i)})
    known = set(session.exec(select(Partnership.id).where(col(Partnership.id).in_(ids))))
    if not ids or known != set(ids):
        raise InvalidInput("invalid.partnerships", field="partnerships")
    cluster = Cluster(title=title.strip()[:200], area=area, region=region, created_by_id=actor.id)
    session.add(cluster)
    session.flush()
    for pid in ids:
        session.add(ClusterPartnership(cluster_id=cluster.id, partnership_id=pid))
    session.flush()
    audit.record(session, actor.id, "cluster.create", "cluster", cluster.id, {"partnerships": ids})
    return cluster


def get_cluster(session: Session, cluster_id: int) -> Cluster:
    cluster = session.get(Cluster, cluster_id) if possible_id(cluster_id) else None
    if cluster is None:
        raise NotFound("not_found.cluster")
    return cluster


def clusters(session: Session) -> list[Cluster]:
    return list(session.exec(select(Cluster).order_by(col(Cluster.id))))


def partnerships_of(session: Session, cluster_id: int) -> list[Partnership]:
    return list(
        session.exec(
            select(Partnership)
            .join(ClusterPartnership, col(ClusterPartnership.partnership_id) == Partnership.id)
            .where(ClusterPartnership.cluster_id == cluster_id)
            .order_by(col(Partnership.id))
        )
    )


def steering_of(session: Session, cluster_id: int) -> list[Stakeholder]:
    return list(
        session.exec(
            select(Stakeholder)
            .join(SteeringMember, col(SteeringMember.stakeholder_id) == Stakeholder.id)
            .where(SteeringMember.cluster_id == cluster_id)
            .order_by(col(Stakeholder.id))
        )
    )


def may_steer(session: Session, actor: Actor, cluster_id: int) -> bool:
    if actor.is_coordinator:
        return True
    member = session.get(SteeringMember, (cluster_id, actor.id))
    return member is not None


def eligible(session: Session, cluster_id: int) -> list[tuple[Stakeholder, Organisation]]:
    """The people of the cluster's partner organisations, who may sit on its steering group."""
    organisations = (
        select(PartnershipMember.organisation_id)
        .join(
            ClusterPartnership,
            col(ClusterPartnership.partnership_id) == PartnershipMember.partnership_id,
        )
        .where(ClusterPartnership.cluster_id == cluster_id)
    )
    rows = session.exec(
        select(Stakeholder, Organisation)
        .join(Organisation, col(Organisation.id) == Stakeholder.organisation_id)
        .where(col(Stakeholder.organisation_id).in_(organisations))
        .order_by(col(Stakeholder.id))
    ).all()
    return [(s, o) for s, o in rows]


def set_steering(
    session: Session, actor: Actor, cluster_id: int, stakeholder_ids: list[int]
) -> list[Stakeholder]:
    """Two to five people of the cluster's partnerships: at least one from an affected
    State and one from a provider, when the cluster has both."""
    _coordinator(actor)
    get_cluster(session, cluster_id)
    people = {s.id: (s, o) for s, o in eligible(session, cluster_id)}
    chosen = list(dict.fromkeys(stakeholder_ids))
    if not STEERING[0] <= len(chosen) <= STEERING[1]:
        raise InvalidInput(
            "invalid.steering_size", field="members", min=STEERING[0], max=STEERING[1]
        )
    if any(pid not in people for pid in chosen):
        raise InvalidInput("invalid.steering_member", field="members")
    state_side = _state_side(session, cluster_id)
    states = {pid for pid, (_, o) in people.items() if o.id in state_side}
    providers = set(people) - states
    if states and providers and not (set(chosen) & states and set(chosen) & providers):
        raise InvalidInput("invalid.steering_balance", field="members")
    session.execute(sa.delete(SteeringMember).where(col(SteeringMember.cluster_id) == cluster_id))
    for pid in chosen:
        session.add(SteeringMember(cluster_id=cluster_id, stakeholder_id=pid))
    session.flush()
    audit.record(session, actor.id, "cluster.steering", "cluster", cluster_id, {"members": chosen})
    return [people[pid][0] for pid in chosen]


def _state_side(session: Session, cluster_id: int) -> set[int]:
    """The organisations on the affected State's side of the cluster's partnerships: the
    need's, where it was drafted from a match; else a government or national authority."""
    in_cluster = select(ClusterPartnership.partnership_id).where(
        ClusterPartnership.cluster_id == cluster_id
    )
    needs = session.exec(
        select(Listing.organisation_id)
        .join(Match, col(Match.need_id) == Listing.id)
        .join(Partnership, col(Partnership.match_id) == Match.id)
        .where(col(Partnership.id).in_(in_cluster))
    )
    drafted = session.exec(
        select(Organisation.id)
        .join(PartnershipMember, col(PartnershipMember.organisation_id) == Organisation.id)
        .join(Partnership, col(Partnership.id) == PartnershipMember.partnership_id)
        .where(
            col(Partnership.id).in_(in_cluster),
            col(Partnership.match_id).is_(None),
            col(Organisation.kind).in_(STATE_KINDS),
        )
    )
    return {*needs, *drafted}


def duplicates(
    session: Session, vocab: Vocabularies, cluster_id: int
) -> list[tuple[Partnership, Partnership, str]]:
    """Two partnerships of the cluster with the same objective in the same country."""
    partnerships = {p.id: p for p in partnerships_of(session, cluster_id)}
    places = places_of(session, vocab, [i for i in partnerships if i is not None])
    seen: dict[tuple[str, str], int] = {}
    found = []
    objectives = session.exec(
        select(Objective)
        .where(col(Objective.partnership_id).in_(list(partnerships)))
        .order_by(col(Objective.id))
    )
    for objective in objectives:
        key = (name_key(objective.title), places[objective.partnership_id].country or "")
        other = seen.setdefault(key, objective.partnership_id)
        if other != objective.partnership_id:
            found.append(
                (partnerships[other], partnerships[objective.partnership_id], objective.title)
            )
    return found


def gaps_of(
    session: Session,
    vocab: Vocabularies,
    cluster: Cluster,
    *,
    today: date,
    days: int = GAP_DAYS,
) -> list[Listing]:
    """Public needs in the cluster's area and region, open for more than `days`, with no
    accepted match: what a steering group may call for."""
    if cluster.area is None or cluster.region is None:
        return []
    countries = vocab.countries_in(cluster.region)
    accepted = select(Match.need_id).where(Match.status == MatchStatus.accepted)
    area = select(ListingArea.listing_id).where(ListingArea.area == cluster.area)
    query = (
        select(Listing)
        .where(
            Listing.kind == ListingKind.need,
            Listing.status == ListingStatus.open,
            Listing.visibility == Visibility.public,
            Listing.verified == sa.true(),
            col(Listing.id).in_(area),
            col(Listing.id).not_in(accepted),
            col(Listing.created_at) <= datetime.combine(today - timedelta(days=days), time(), UTC),
            sa.or_(
                col(Listing.country).in_(countries),
                col(Listing.region).in_(vocab.regions_within(cluster.region)),
            ),
        )
        .order_by(col(Listing.created_at))
        .limit(20)
    )
    return list(session.exec(query))


def in_cluster(session: Session, cluster_id: int, partnership_id: int) -> bool:
    return session.get(ClusterPartnership, (cluster_id, partnership_id)) is not None


def clusters_of(session: Session, partnership_id: int) -> list[Cluster]:
    return list(
        session.exec(
            select(Cluster)
            .join(ClusterPartnership, col(ClusterPartnership.cluster_id) == Cluster.id)
            .where(ClusterPartnership.partnership_id == partnership_id)
        )
    )


def require_steering(session: Session, actor: Actor, cluster_id: int) -> Cluster:
    cluster = get_cluster(session, cluster_id)
    if not may_steer(session, actor, cluster_id):
        raise DomainError("denied.steering_only")
    return cluster
