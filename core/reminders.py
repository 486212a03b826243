"""The follow-up sweeps: what is due now, computed from the database, written to the outbox
under keys that make a second run (or a late one) send nothing twice and miss nothing.

- Report reminders: N days before a report is due (7 and 1 by default) and on the due day.
  Only the latest stage that has fallen due is sent: after downtime across a due date, a
  partner gets one reminder, not three.
- Escalation to the coordinator M days after an unreported due date.
- A weekly digest to each coordinator.
- "Still current?" for listings not confirmed for 90 days; 30 days later they expire.
- Some weeks (six by default) after both sides accepted a match, each side is asked, once,
  whether it led to cooperation (core/match_outcomes.py records the answer).

Reminders respect each recipient's time zone and quiet hours: a notice written at night is
held until the morning, in the recipient's own time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from core import audit, quiet_hours
from core.away import away_periods, held_back, partners_away, returns
from core.cluster_sweep import follow_up
from core.consultation_sweep import close_due, consultation_reminders
from core.models import (
    Listing,
    Match,
    MatchOutcome,
    Notification,
    Partnership,
    PartnershipMember,
    ReportingSchedule,
    Stakeholder,
    StakeholderRole,
)
from core.models.enums import (
    ListingStatus,
    MatchStatus,
    PartnershipStatus,
    Role,
)
from core.notifications import Planned, write_planned
from core.quiet_hours import zone
from core.vocabularies import Vocabularies, default_vocabularies


@dataclass(frozen=True)
class Policy:
    before: tuple[int, ...] = (7, 1)  # days before a due date; the due day is always reminded
    escalate_after: int = 7
    quiet: quiet_hours.QuietHours | None = field(default_factory=quiet_hours.current)
    stale_after: timedelta = timedelta(days=90)
    expire_after: timedelta = timedelta(days=30)
    digest_weekday: int = 0  # Monday
    outcome_after: timedelta = timedelta(weeks=6)  # after both accepted a match
    consultation_reminders: tuple[int, ...] = (3, 1)  # days before a consultation's deadline


@dataclass
class SweepResult:
    planned: list[Planned] = field(default_factory=list)
    written: int = 0
    expired: int = 0

    def count(self, kind: str) -> int:
        return sum(1 for p in self.planned if p.kind == kind)


def not_before(now: datetime, timezone: str, policy: Policy) -> datetime:
    """`now`, or the end of the recipient's quiet hours if it is night where they are."""
    return quiet_hours.not_before(now, timezone, policy.quiet)


def sweep(
    session: Session,
    now: datetime,
    policy: Policy | None = None,
    *,
    write: bool = True,
    vocab: Vocabularies | None = None,
) -> SweepResult:
    """Plans every notice due at `now` and, with `write`, writes the new ones and expires
    stale listings. Running it twice writes nothing the second time."""
    policy = policy or Policy()
    result = SweepResult()
    result.planned += _report_reminders(session, now, policy)
    result.planned += _digests(session, now, policy)
    stale, expiring = _stale_listings(session, now, policy)
    result.planned += stale + expiring
    result.planned += _match_outcomes(session, now, policy)
    result.planned += consultation_reminders(
        session, now, policy.consultation_reminders, policy.quiet
    )
    result.planned += follow_up(
        session, vocab or default_vocabularies(), now, policy.quiet, write=write
    )
    # Time away holds back what would nag, and the listings of someone away do not expire.
    result.planned = held_back(session, result.planned, now.date())
    result.planned += returns(session, now, policy.quiet, write=write)
    if write:
        # Closed here, once: a deadline that passed while the bot was down closes on start.
        result.planned += close_due(session, now, policy.quiet)
        result.written = write_planned(session, result.planned, now)
        kept = [p.payload["listing_id"] for p in expiring if p in result.planned]
        result.expired = _expire(session, kept)
    return result


def _report_reminders(session: Session, now: datetime, policy: Policy) -> list[Planned]:
    horizon = now.date() + timedelta(days=max(policy.before, default=0) + 1)
    rows = session.execute(
        sa.select(
            ReportingSchedule.partnership_id,
            ReportingSchedule.next_due,
            Partnership.coordinator_id,
            PartnershipMember.stakeholder_id,
            Stakeholder.timezone,
        )
        .join(Partnership, col(Partnership.id) == ReportingSchedule.partnership_id)
        .join(
            PartnershipMember,
            col(PartnershipMember.partnership_id) == ReportingSchedule.partnership_id,
        )
        .outerjoin(Stakeholder, col(Stakeholder.id) == PartnershipMember.stakeholder_id)
        .where(
            Partnership.status == PartnershipStatus.active,
            col(ReportingSchedule.next_due) <= horizon,
        )
    ).all()
    planned: list[Planned] = []
    escalated: set[int] = set()
    coordinators: list[tuple[int, str]] | None = None
    for partnership_id, due, coordinator_id, member_id, timezone in rows:
        if member_id is not None:
            stage = _stage(due, now.astimezone(zone(timezone or "UTC")).date(), policy)
            if stage is not None:
                planned.append(
                    Planned(
                        member_id,
                        "report_reminder",
                        f"reminder:{partnership_id}:{due}:{stage}:{member_id}",
                        {"partnership_id": partnership_id, "due": due.isoformat(), "stage": stage},
                        not_before(now, timezone or "UTC", policy),
                    )
                )
        overdue = (now.date() - due).days
        if overdue >= policy.escalate_after and partnership_id not in escalated:
            escalated.add(partnership_id)
            if coordinator_id is not None:
                targets = [(coordinator_id, _timezone(session, coordinator_id))]
            else:
                coordinators = coordinators or _coordinators(session)
                targets = coordinators
            for person_id, person_zone in targets:
                planned.append(
                    Planned(
                        person_id,
                        "report_escalation",
                        f"escalation:{partnership_id}:{due}:{person_id}",
                        {"partnership_id": partnership_id, "due": due.isoformat(), "days": overdue},
                        not_before(now, person_zone, policy),
                    )
                )
    return planned


def _stage(due: date, today: date, policy: Policy) -> str | None:
    """The latest reminder that has fallen due: 'before7', 'before1' or 'due'."""
    days = (due - today).days
    if days <= 0:
        return "due"
    passed = [n for n in policy.before if days <= n]
    return f"before{min(passed)}" if passed else None


def _timezone(session: Session, stakeholder_id: int) -> str:
    person = session.get(Stakeholder, stakeholder_id)
    return person.timezone if person else "UTC"


def _coordinators(session: Session) -> list[tuple[int, str]]:
    rows = session.execute(
        sa.select(Stakeholder.id, Stakeholder.timezone)
        .join(StakeholderRole, col(StakeholderRole.stakeholder_id) == Stakeholder.id)
        .where(StakeholderRole.role == Role.coordinator)
    ).all()
    return [(int(i), tz) for i, tz in rows]


def _digests(session: Session, now: datetime, policy: Policy) -> list[Planned]:
    planned = []
    for person_id, timezone in _coordinators(session):
        local = now.astimezone(zone(timezone))
        if local.weekday() < policy.digest_weekday:
            continue
        year, week, _ = local.isocalendar()
        planned.append(
            Planned(
                person_id,
                "digest",
                f"digest:{person_id}:{year}-W{week:02d}",
                {"week": f"{year}-W{week:02d}", "coordinator_id": person_id},
                not_before(now, timezone, policy),
            )
        )
    return planned


def _stale_listings(
    session: Session, now: datetime, policy: Policy
) -> tuple[list[Planned], list[Planned]]:
    rows = session.execute(
        sa.select(
            Listing.id,
            Listing.created_by_id,
            Listing.last_confirmed_at,
            Stakeholder.timezone,
            Listing.organisation_id,
        )
        .outerjoin(Stakeholder, col(Stakeholder.id) == Listing.created_by_id)
        .where(
            col(Listing.status).in_([ListingStatus.open, ListingStatus.matched]),
            col(Listing.last_confirmed_at) <= now - policy.stale_after,
        )
    ).all()
    stale, expiring = [], []
    for listing_id, owner, confirmed, timezone, organisation_id in rows:
        owner = owner or _member_of(session, organisation_id)  # its author may be gone
        if owner is None:
            continue
        since = confirmed.date().isoformat()
        payload = {"listing_id": listing_id, "since": since}
        hold = not_before(now, timezone or "UTC", policy)
        if confirmed <= now - policy.stale_after - policy.expire_after:
            expiring.append(
                Planned(
                    owner,
                    "listing_expired",
                    f"expired:{listing_id}:{since}",
                    {**payload, "days": (policy.stale_after + policy.expire_after).days},
                    hold,
                )
            )
        else:
            stale.append(
                Planned(owner, "listing_stale", f"stale:{listing_id}:{since}", payload, hold)
            )
    return stale, expiring


def _match_outcomes(session: Session, now: datetime, policy: Policy) -> list[Planned]:
    """Each side of a match accepted `outcome_after` ago, asked whether it led to
    cooperation: once, as its key says, and only while that side has not said."""
    planned = []
    for side, listing_id in (("need", Match.need_id), ("offer", Match.offer_id)):
        answered = sa.exists().where(MatchOutcome.match_id == Match.id, MatchOutcome.side == side)
        # Asked before: the outbox holds its key (outcome_key's, in SQL). Without this, every
        # sweep would plan again every match nobody answered, for ever, for the key to refuse.
        key = sa.literal("outcome:") + sa.cast(Match.id, sa.String) + sa.literal(f":{side}")
        asked = sa.exists().where(Notification.idempotency_key == key)
        rows = session.execute(
            sa.select(Match.id, Listing.created_by_id, Listing.organisation_id)
            .join(Listing, col(Listing.id) == listing_id)
            .where(
                Match.status == MatchStatus.accepted,
                col(Match.decided_at) <= now - policy.outcome_after,
                ~answered,
                ~asked,
            )
            .order_by(col(Match.id))
        ).all()
        for match_id, owner, organisation_id in rows:
            owner = owner or _member_of(session, organisation_id)  # as matchmaking tells a side
            if owner is None:
                continue
            planned.append(
                Planned(
                    owner,
                    "match_outcome",
                    outcome_key(match_id, side),
                    {"match_id": match_id, "side": side},
                    not_before(now, _timezone(session, owner), policy),
                )
            )
    return planned


def outcome_key(match_id: int, side: str) -> str:
    return f"outcome:{match_id}:{side}"


def _member_of(session: Session, organisation_id: int) -> int | None:
    return session.execute(
        sa.select(Stakeholder.id)
        .where(Stakeholder.organisation_id == organisation_id)
        .order_by(col(Stakeholder.id))
        .limit(1)
    ).scalar_one_or_none()


def _expire(session: Session, listing_ids: list[int]) -> int:
    for listing_id in listing_ids:
        listing = session.get(Listing, listing_id)
        if listing is not None and listing.status in (ListingStatus.open, ListingStatus.matched):
            listing.status = ListingStatus.expired
            audit.record(session, None, f"{listing.kind}.expire", "listing", listing_id)
    return len(listing_ids)


def what_is_planned(
    session: Session, now: datetime, policy: Policy | None = None
) -> list[tuple[Planned, bool]]:
    """For a dry run: every planned notice, and whether it is new (not written before)."""
    result = sweep(session, now, policy, write=False)
    keys = [p.key for p in result.planned]
    existing: set[str] = set()
    for chunk in range(0, len(keys), 500):
        existing |= set(
            session.exec(
                select(Notification.idempotency_key).where(
                    col(Notification.idempotency_key).in_(keys[chunk : chunk + 500])
                )
            )
        )
    return [(p, p.key not in existing) for p in result.planned]


def digest_rows(
    session: Session, coordinator_id: int | None, today: date | None = None
) -> list[tuple[str, date, str, date | None]]:
    """A coordinator's active partnerships (theirs, and those nobody coordinates) with the
    next due date, a traffic light (red when a report is overdue, amber when one is due
    within a week, green otherwise) and, when its partners are away, until when. Overdue
    first."""
    from core.clock import utcnow

    today = today or utcnow().date()
    rows = session.execute(
        sa.select(Partnership.title, ReportingSchedule.next_due, Partnership.id)
        .join(ReportingSchedule, col(ReportingSchedule.partnership_id) == Partnership.id)
        .where(
            Partnership.status == PartnershipStatus.active,
            sa.or_(
                Partnership.coordinator_id == coordinator_id,
                col(Partnership.coordinator_id).is_(None),
            ),
        )
        .order_by(col(ReportingSchedule.next_due))
        .limit(30)
    ).all()

    periods = away_periods(session)
    return [
        (
            title,
            due,
            traffic_light(due, today),
            partners_away(session, periods, pid, today, ahead=True) if periods else None,
        )
        for title, due, pid in rows
    ]


def traffic_light(due: date, today: date) -> str:
    """Red when a report is overdue, amber when one is due within a week, else green."""
    if due < today:
        return "red"
    return "amber" if (due - today).days <= 7 else "green"
