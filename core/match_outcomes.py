"""Match outcomes: some weeks after both sides accepted a match, each is asked (by the sweep,
core/reminders.py) whether it led to cooperation; this records the answer. A match is
realised when either side says it led to cooperation."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from core import audit
from core.errors import NotFound, PermissionDenied
from core.matchmaking import get_match
from core.models import MatchOutcome
from core.models.enums import ListingKind, MatchStatus
from core.models.match_outcome import Outcome
from core.people import Actor
from core.validation import clean_text


def record_outcome(
    session: Session,
    actor: Actor,
    match_id: int,
    outcome: Outcome | str,
    reason: str | None = None,
    *,
    now: datetime,
) -> MatchOutcome:
    """The actor's side says what the match led to; saying it again changes the answer (and
    drops a reason given before). Only the organisations of an accepted match answer."""
    answer = Outcome(outcome)
    view = get_match(session, match_id, for_update=True)  # two taps at once: one after the other
    sides = view.side_of(actor)
    if not sides:
        raise PermissionDenied("denied.not_party")
    if view.match.status != MatchStatus.accepted:
        # Nothing was agreed, so there is no outcome to tell; only a forged or garbled button
        # gets here, since only accepted matches are asked about.
        raise NotFound("not_found.match")
    because = clean_text(reason, "reason", max_len=500) or None
    recorded = [_answer(session, match_id, side, answer, because, actor, now) for side in sides]
    audit.record(
        session,
        actor.id,
        "match.outcome",
        "match",
        match_id,
        {"sides": sides, "outcome": answer.value},
    )
    return recorded[0]


def _answer(
    session: Session,
    match_id: int,
    side: str,
    answer: Outcome,
    reason: str | None,
    actor: Actor,
    now: datetime,
) -> MatchOutcome:
    row = outcome_of(session, match_id, side) or MatchOutcome(
        match_id=match_id, side=ListingKind(side), outcome=answer
    )
    row.outcome = answer
    row.reason = reason
    row.stakeholder_id = actor.id
    row.answered_at = now
    session.add(row)
    session.flush()
    return row


def outcome_of(session: Session, match_id: int, side: str) -> MatchOutcome | None:
    """What one side said of the match, if it has."""
    return session.exec(
        select(MatchOutcome).where(
            MatchOutcome.match_id == match_id, MatchOutcome.side == ListingKind(side)
        )
    ).first()
