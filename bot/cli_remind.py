"""`partnerbot remind`: the reminder sweep once, or, with --dry-run, what it would send now
and what quiet hours hold, and what waits in the outbox."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlmodel import select

from bot.scheduler import Sweeper
from core.clock import utcnow
from core.models import Notification, Stakeholder
from core.models.enums import NotificationStatus
from core.quiet_hours import zone
from core.reminders import Policy, what_is_planned

if TYPE_CHECKING:
    from bot.app import App


def remind(app: App, *, dry_run: bool) -> int:
    """Sweeps once; with `dry_run`, prints what a sweep would send now and what quiet hours
    hold, and what waits in the outbox, changing nothing."""
    policy = Policy(outcome_after=timedelta(weeks=app.settings.match_outcome_weeks))
    if not dry_run:
        result = Sweeper(app.db, policy).run()
        print(f"partnerbot: {result.written} notices written, {result.expired} listings expired")
        return 0
    now = utcnow()
    with app.db.read() as session:
        planned = what_is_planned(session, now, policy)
        people = {p.id: (p.name, p.timezone) for p in session.exec(select(Stakeholder))}
        waiting = session.exec(
            select(Notification).where(Notification.status == NotificationStatus.pending)
        ).all()
    new = [p for p, fresh in planned if fresh]
    # What goes out now first, then what quiet hours hold: not_before is `now` unless held.
    now_first = sorted(new, key=lambda p: p.not_before > now)
    for item in now_first:
        name, timezone = people.get(item.stakeholder_id, ("?", "UTC"))
        when = _held_until(item.not_before, timezone) if item.not_before > now else "now"
        print(f"{item.kind:18} to {name:24} {when:44} {item.key}")
    held = sum(1 for p in new if p.not_before > now)
    print(
        f"{len(new) - held} notices would be sent now, {held} held by quiet hours "
        f"({len(planned) - len(new)} already written)"
    )
    print(_outbox_line(waiting, now))
    return 0


def _held_until(moment: datetime, timezone: str) -> str:
    local = moment.astimezone(zone(timezone))  # UTC for a zone this machine lacks
    return f"held until {local:%Y-%m-%d %H:%M} {timezone} ({moment:%H:%M} UTC)"


def _outbox_line(waiting: Sequence[Notification], now: datetime) -> str:
    """Notices written before, not sent yet: a first attempt set later is quiet hours."""
    due = sum(1 for n in waiting if n.next_attempt_at <= now)
    held = sum(1 for n in waiting if n.next_attempt_at > now and n.attempts == 0)
    retrying = len(waiting) - due - held
    return f"in the outbox: {due} due now, {held} held by quiet hours, {retrying} to retry"
