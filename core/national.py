"""National ownership kept informed: a partnership in a country records its national
counterpart (the country's registered national authority), the national plan it serves and
the national contribution. The counterpart's people are told, once per event, of each new
partnership in their country, each approved report and each change of objectives, and may
comment; a partnership drafted from a restricted need of another organisation is told
without its title."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from core import audit
from core.errors import NotFound, PermissionDenied
from core.models import (
    Notification,
    Objective,
    Organisation,
    Partnership,
    PartnershipMember,
    ProgressReport,
    Stakeholder,
)
from core.models.enums import OrganisationKind, PartnershipStatus, ReportStatus
from core.notifications import Planned, enqueue
from core.partnership_places import places_of
from core.people import Actor
from core.quiet_hours import QuietHours, not_before
from core.storage import possible_id
from core.validation import clean_text
from core.vocabularies import Vocabularies

LIVE = (PartnershipStatus.draft, PartnershipStatus.active)


def counterpart_for(session: Session, country: str | None) -> Organisation | None:
    """The country's national authority, the first registered."""
    if not country:
        return None
    return session.exec(
        select(Organisation)
        .where(
            Organisation.kind == OrganisationKind.national_authority,
            Organisation.country == country,
        )
        .order_by(col(Organisation.id))
    ).first()


def assign_counterparts(session: Session, vocab: Vocabularies) -> int:
    """Partnerships in a country with no counterpart get its national authority, once one
    is registered; returns how many."""
    countries = session.exec(
        select(Organisation.country).where(
            Organisation.kind == OrganisationKind.national_authority,
            col(Organisation.country).is_not(None),
        )
    ).all()
    if not countries:
        return 0
    # Only those in a country with a national authority: the sweep reads no other partnership.
    from core.models import Listing, Match

    in_country = sa.or_(
        col(Partnership.match_id).in_(
            select(Match.id)
            .join(Listing, col(Listing.id) == Match.need_id)
            .where(col(Listing.country).in_(countries))
        ),
        col(Partnership.id).in_(
            select(PartnershipMember.partnership_id)
            .join(Organisation, col(Organisation.id) == PartnershipMember.organisation_id)
            .where(col(Organisation.country).in_(countries))
        ),
    )
    waiting = list(
        session.exec(
            select(Partnership).where(
                col(Partnership.status).in_(LIVE),
                col(Partnership.national_counterpart_id).is_(None),
                in_country,
            )
        )
    )
    places = places_of(session, vocab, [p.id for p in waiting if p.id is not None])
    assigned = 0
    for partnership in waiting:
        counterpart = counterpart_for(session, places[partnership.id or 0].country)
        if counterpart is not None:
            partnership.national_counterpart_id = counterpart.id
            assigned += 1
    session.flush()
    return assigned


def set_national(
    session: Session,
    actor: Actor,
    partnership_id: int,
    *,
    plan: str,
    contribution: str,
) -> Partnership:
    """A partner or a coordinator records the national plan and contribution."""
    partnership = _partnership(session, partnership_id)
    if not (actor.is_coordinator or _is_partner(session, actor, partnership_id)):
        raise PermissionDenied("denied.not_partner")
    partnership.national_plan = clean_text(plan, "plan", max_len=300)
    partnership.national_contribution = clean_text(contribution, "contribution", max_len=500)
    session.flush()
    audit.record(session, actor.id, "partnership.national", "partnership", partnership_id, {})
    return partnership


def comment(session: Session, actor: Actor, partnership_id: int, text: str) -> int:
    """The counterpart's comment goes to the partners and the coordinator; returns how many
    were told."""
    partnership = _partnership(session, partnership_id)
    if (
        actor.organisation_id is None
        or actor.organisation_id != partnership.national_counterpart_id
    ):
        raise PermissionDenied("denied.not_counterpart")
    said = clean_text(text, "comment", min_len=3, max_len=2000)
    audit.record(
        session, actor.id, "partnership.comment", "partnership", partnership_id, {"text": said}
    )
    recipients = set(_partner_people(session, partnership_id))
    if partnership.coordinator_id is not None:
        recipients.add(partnership.coordinator_id)
    payload = {"partnership_id": partnership_id, "text": said, "from_id": actor.id}
    key = f"counterpart_comment:{partnership_id}:{secrets.token_hex(6)}"  # each comment once
    return sum(
        enqueue(session, pid, "counterpart_comment", f"{key}:{pid}", payload)
        for pid in sorted(recipients - {actor.id})
    )


def counterpart_events(
    session: Session, vocab: Vocabularies, now: datetime, quiet: QuietHours | None
) -> list[Planned]:
    """What each counterpart has not yet been told, keyed so that it is told once."""
    planned: list[Planned] = []
    partnerships = list(
        session.exec(
            select(Partnership).where(
                Partnership.status == PartnershipStatus.active,
                col(Partnership.national_counterpart_id).is_not(None),
            )
        )
    )
    places = places_of(session, vocab, [p.id for p in partnerships if p.id is not None])
    for partnership in partnerships:
        pid = partnership.id or 0
        people = _counterpart_people(session, partnership)
        if not people:
            continue
        restricted = places[pid].restricted_need and not _need_of_counterpart(session, partnership)
        base = {"partnership_id": pid, "restricted": restricted}
        objectives = objectives_digest(session, pid)
        events = [("counterpart_new", f"natl:{pid}:new", {**base, "objectives": objectives})]
        told_new = _told(session, [f"natl:{pid}:new:{person}" for person, _ in people])
        if told_new is not None and told_new != objectives:
            events.append(
                (
                    "counterpart_objectives",
                    f"natl:{pid}:obj:{objectives}",
                    {**base, "objectives": objectives},
                )
            )
        for report_id in session.exec(
            select(ProgressReport.id).where(
                ProgressReport.partnership_id == pid, ProgressReport.status == ReportStatus.approved
            )
        ):
            events.append(
                ("counterpart_report", f"natl:report:{report_id}", {**base, "report_id": report_id})
            )
        for kind, key, payload in events:
            planned += [
                Planned(person, kind, f"{key}:{person}", payload, not_before(now, timezone, quiet))
                for person, timezone in people
            ]
    return planned


def objectives_digest(session: Session, partnership_id: int) -> str:
    """A short fingerprint of the objectives (titles, deadlines): a change makes a new one."""
    rows = session.execute(
        sa.select(Objective.title, Objective.deadline)
        .where(Objective.partnership_id == partnership_id)
        .order_by(col(Objective.id))
    ).all()
    text = "|".join(f"{title}@{deadline}" for title, deadline in rows)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _told(session: Session, keys: list[str]) -> str | None:
    """The objectives' fingerprint in the "new partnership" notice, if one was written (by
    its exact keys: the unique index answers, where a LIKE would read the whole outbox)."""
    payload = session.execute(
        sa.select(Notification.payload).where(col(Notification.idempotency_key).in_(keys)).limit(1)
    ).scalar_one_or_none()
    return None if payload is None else str(payload.get("objectives", ""))


def _counterpart_people(session: Session, partnership: Partnership) -> list[tuple[int, str]]:
    """The counterpart's people, unless it is itself a partner (it hears as one)."""
    counterpart = partnership.national_counterpart_id
    partners = select(PartnershipMember.organisation_id).where(
        PartnershipMember.partnership_id == partnership.id
    )
    if counterpart in set(session.exec(partners)):
        return []
    rows = session.execute(
        sa.select(Stakeholder.id, Stakeholder.timezone)
        .where(Stakeholder.organisation_id == counterpart)
        .order_by(col(Stakeholder.id))
    ).all()
    return [(int(i), tz) for i, tz in rows]


def _need_of_counterpart(session: Session, partnership: Partnership) -> bool:
    from core.models import Listing, Match

    need_org = session.execute(
        sa.select(Listing.organisation_id)
        .join(Match, col(Match.need_id) == Listing.id)
        .where(Match.id == partnership.match_id)
    ).scalar_one_or_none()
    return need_org is not None and need_org == partnership.national_counterpart_id


def _partnership(session: Session, partnership_id: int) -> Partnership:
    partnership = session.get(Partnership, partnership_id) if possible_id(partnership_id) else None
    if partnership is None:
        raise NotFound("not_found.partnership")
    return partnership


def _is_partner(session: Session, actor: Actor, partnership_id: int) -> bool:
    return (
        session.exec(
            select(PartnershipMember).where(
                PartnershipMember.partnership_id == partnership_id,
                PartnershipMember.organisation_id == actor.organisation_id,
            )
        ).first()
        is not None
    )


def _partner_people(session: Session, partnership_id: int) -> list[int]:
    organisations = select(PartnershipMember.organisation_id).where(
        PartnershipMember.partnership_id == partnership_id
    )
    return list(
        session.exec(
            select(Stakeholder.id).where(col(Stakeholder.organisation_id).in_(organisations))
        )
    )  # type: ignore[arg-type]


def without_counterpart(session: Session) -> int:
    """Active partnerships with no national counterpart, for the coordinators' digest."""
    return int(
        session.execute(
            sa.select(sa.func.count())
            .select_from(Partnership)
            .where(
                Partnership.status == PartnershipStatus.active,
                col(Partnership.national_counterpart_id).is_(None),
            )
        ).scalar_one()
    )
