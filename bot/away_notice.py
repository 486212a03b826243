"""The summary on return from time away: what waits, counted from the records as they are
when it is delivered, with a button to each."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from bot.actions import command_token
from bot.i18n import N_, NP_, Tr
from bot.messages import Button, Reply
from bot.text import Text
from core.clock import utcnow
from core.listings import list_mine
from core.matchmaking import matches_for
from core.models import Consultation, ConsultationResponse
from core.models.consultation import ConsultationStatus
from core.models.enums import ListingStatus, MatchStatus
from core.people import load_actor
from core.reminders import Policy
from core.reporting import due_reports
from core.vocabularies import Vocabularies

REPORTS = NP_("{n} report to write", "{n} reports to write")
MATCHES = NP_("{n} match waiting for your answer", "{n} matches waiting for your answer")
LISTINGS = NP_("{n} listing to confirm", "{n} listings to confirm")
CONSULTATIONS = NP_("{n} consultation to answer", "{n} consultations to answer")
_STALE = Policy(quiet=None).stale_after


def _back(session: Session, vocab: Vocabularies, tr: Tr, p: dict[str, Any]) -> list[Reply]:
    from bot.dialogs.matches import pending_for  # the match dialogs import the notices

    actor = load_actor(session, p["recipient_id"])
    # Counted on the day it is read, or the day of return for a notice read early (a test,
    # a clock behind).
    today = max(utcnow().date(), date.fromisoformat(p.get("back") or "0001-01-01"))
    reports = len(due_reports(session, actor, today))
    matches = sum(
        pending_for(actor, view)
        for view in matches_for(session, actor, statuses=(MatchStatus.proposed,))
    )
    old = datetime.combine(today, time(), UTC) - _STALE
    listings = sum(
        1
        for view in list_mine(session, actor)
        if view.listing.status == ListingStatus.expired or view.listing.last_confirmed_at <= old
    )
    consultations = session.execute(
        sa.select(sa.func.count())
        .select_from(ConsultationResponse)
        .join(Consultation, col(Consultation.id) == ConsultationResponse.consultation_id)
        .where(
            ConsultationResponse.stakeholder_id == actor.id,
            col(ConsultationResponse.answered_at).is_(None),
            Consultation.status == ConsultationStatus.open,
        )
    ).scalar_one()
    since = date.fromisoformat(p["since"]) if p.get("since") else today - timedelta(days=1)
    lines = [
        tr(N_("👋 **Welcome back!** While you were away (since {date}):"), date=tr.date(since))
    ]
    waiting = [
        (reports, REPORTS, "reports"),
        (matches, MATCHES, "matches"),
        (listings, LISTINGS, "mine"),
        (consultations, CONSULTATIONS, "consultations"),
    ]
    rows = []
    for n, wording, command in waiting:
        if n:
            lines.append(Text.plain("• ") + tr.plural(*wording, n))
            rows.append(
                (
                    Button(
                        tr.s(wording[1], n=n) if n > 1 else tr.s(wording[0], n=n),
                        command_token(command),
                    ),
                )
            )
    if len(lines) == 1:
        lines.append(tr(N_("Nothing waits for you. Good to have you back.")))
    return [Reply(Text.join(lines), tuple(rows))]


AWAY_RENDERERS = {"back_from_away": _back}
