"""Time away: a person's own (`/away` until a date, or off), and an organisation's holidays
(set by a coordinator), which count as time away for all its people. The sweep holds back
what would nag someone away (core/reminders.py asks `held_back`), escalates no report due in
it, and sends one summary on their return."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col

from core import audit
from core.errors import InvalidInput, NotFound, PermissionDenied
from core.models import Organisation, PartnershipMember, Stakeholder
from core.notifications import Planned
from core.people import Actor
from core.quiet_hours import QuietHours, not_before

MAX_AWAY = timedelta(days=366)  # longer is leaving, not being away
# What waits while someone is away: the nagging kinds. Match notices, alerts and replies to
# what they asked still arrive.
HELD_BACK = frozenset(
    {
        "report_reminder",
        "listing_stale",
        "listing_expired",
        "match_outcome",
        "consultation_reminder",
    }
)


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    def holds(self, day: date) -> bool:
        return self.start <= day <= self.end


def set_away(session: Session, actor: Actor, until: date, *, today: date) -> Stakeholder:
    _check(today, until)
    person = _person(session, actor)
    person.away_since, person.away_until = today, until
    session.flush()
    audit.record(
        session, actor.id, "away.set", "stakeholder", actor.id, {"until": until.isoformat()}
    )
    return person


def end_away(session: Session, actor: Actor, *, today: date) -> Stakeholder:
    """Back early: the time away ended yesterday, and the summary comes with the next
    sweep, as on a planned return."""
    person = _person(session, actor)
    if person.away_until is not None and person.away_until >= today:
        person.away_until = today - timedelta(days=1)
        person.away_since = min(person.away_since or person.away_until, person.away_until)
    session.flush()
    return person


def set_holidays(
    session: Session,
    actor: Actor,
    organisation_id: int,
    start: date | None,
    end: date | None,
    *,
    today: date,
) -> Organisation:
    """A coordinator sets (or, with no dates, clears) an organisation's holidays."""
    if not actor.is_coordinator:
        raise PermissionDenied("denied.coordinator_only")
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound("not_found.organisation")
    if start is not None and end is not None:
        if end < start:
            raise InvalidInput("invalid.window_order", field="holiday_until")
        _check(start, end)
        if end < today:
            raise InvalidInput("invalid.window_past", field="holiday_until")
    organisation.holiday_from, organisation.holiday_until = start, end
    session.flush()
    return organisation


def _check(start: date, until: date) -> None:
    if until < start:
        raise InvalidInput("invalid.window_past", field="until")
    if until - start > MAX_AWAY:
        raise InvalidInput("invalid.away_too_long", field="until")


def _person(session: Session, actor: Actor) -> Stakeholder:
    person = session.get(Stakeholder, actor.id)
    if person is None:
        raise NotFound("not_found.stakeholder")
    return person


def away_periods(session: Session) -> dict[int, list[Period]]:
    """Everybody's time away, their own and their organisation's holidays, by person."""
    periods: dict[int, list[Period]] = {}
    own = session.execute(
        sa.select(Stakeholder.id, Stakeholder.away_since, Stakeholder.away_until).where(
            col(Stakeholder.away_until).is_not(None)
        )
    ).all()
    for pid, since, until in own:
        periods.setdefault(pid, []).append(Period(since or date.min, until))
    holidays = session.execute(
        sa.select(Stakeholder.id, Organisation.holiday_from, Organisation.holiday_until)
        .join(Organisation, col(Organisation.id) == Stakeholder.organisation_id)
        .where(col(Organisation.holiday_until).is_not(None))
    ).all()
    for pid, start, end in holidays:
        periods.setdefault(pid, []).append(Period(start or date.min, end))
    return periods


def is_away(session: Session, person_id: int, day: date | None = None) -> bool:
    from core.clock import utcnow

    return away_until(away_periods(session), person_id, day or utcnow().date()) is not None


def away_until(
    periods: dict[int, list[Period]], person_id: int, day: date, *, ahead: bool = False
) -> date | None:
    """The last day of the time away that holds `day` (or, `ahead`, that is not over by
    then: a coordinator wants to know of time away to come), if any."""
    ends = [p.end for p in periods.get(person_id, []) if p.holds(day) or (ahead and p.end >= day)]
    return max(ends) if ends else None


def held_back(session: Session, planned: list[Planned], today: date) -> list[Planned]:
    """The planned notices minus those that wait for someone's return: the nagging kinds to
    someone away today, and escalations of a report due while its partners were away."""
    periods = away_periods(session)
    if not periods:
        return planned
    kept = []
    for notice in planned:
        if notice.kind in HELD_BACK and away_until(periods, notice.stakeholder_id, today):
            continue
        if notice.kind == "report_escalation" and partners_away(
            session,
            periods,
            notice.payload["partnership_id"],
            date.fromisoformat(notice.payload["due"]),
        ):
            continue
        kept.append(notice)
    return kept


def partners_away(
    session: Session,
    periods: dict[int, list[Period]],
    partnership_id: int,
    day: date,
    *,
    ahead: bool = False,
) -> date | None:
    """Until when a partner of the partnership is away on `day` (or from then on), if one is."""
    members = session.execute(
        sa.select(PartnershipMember.stakeholder_id, Stakeholder.id)
        .outerjoin(
            Stakeholder, col(Stakeholder.organisation_id) == PartnershipMember.organisation_id
        )
        .where(PartnershipMember.partnership_id == partnership_id)
    ).all()
    people = {pid for row in members for pid in row if pid is not None}
    ends = [end for pid in people if (end := away_until(periods, pid, day, ahead=ahead))]
    return max(ends) if ends else None


def returns(
    session: Session, now: datetime, quiet: QuietHours | None, *, write: bool
) -> list[Planned]:
    """One summary to each person whose own time away is over; with `write`, their time
    away is cleared, so the next sweep plans nothing more."""
    today = now.date()
    rows = session.execute(
        sa.select(
            Stakeholder.id, Stakeholder.away_since, Stakeholder.away_until, Stakeholder.timezone
        )
        .where(col(Stakeholder.away_until) < today)
        .order_by(col(Stakeholder.id))
    ).all()
    planned = [
        Planned(
            pid,
            "back_from_away",
            f"back:{pid}:{since}",
            {"since": since.isoformat() if since else None, "back": today.isoformat()},
            not_before(now, timezone, quiet),
        )
        for pid, since, _, timezone in rows
    ]
    if write and rows:
        session.execute(
            sa.update(Stakeholder)
            .where(col(Stakeholder.id).in_([pid for pid, *_ in rows]))
            .values(away_since=None, away_until=None)
        )
    return planned
