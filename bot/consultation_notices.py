"""The consultation's notices, rendered when delivered from the consultation as it is then:
an invitation or a reminder that finds the person has answered, or the consultation closed,
is dropped; the synthesis names who has not answered only to coordinators."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from bot.actions import command_token
from bot.consultation_views import invitation, synthesis_buttons, synthesis_text
from bot.i18n import N_, Tr
from bot.messages import Button, Reply
from core.consultation_synthesis import synthesise
from core.models import Consultation, ConsultationResponse, Stakeholder
from core.models.consultation import ConsultationStatus
from core.people import load_actor
from core.vocabularies import Vocabularies


def _awaited(session: Session, p: dict[str, Any]) -> tuple[Consultation, str] | None:
    """The consultation and the person's time zone, while their answer is still awaited."""
    consultation = session.get(Consultation, p["consultation_id"])
    person = session.get(Stakeholder, p["recipient_id"])
    if consultation is None or person is None or consultation.status != ConsultationStatus.open:
        return None
    response = session.exec(
        select(ConsultationResponse).where(
            ConsultationResponse.consultation_id == consultation.id,
            ConsultationResponse.stakeholder_id == person.id,
        )
    ).first()
    if response is None or response.answered_at is not None:
        return None
    return consultation, person.timezone


def _invite(session: Session, vocab: Vocabularies, tr: Tr, p: dict[str, Any]) -> list[Reply]:
    awaited = _awaited(session, p)
    return [invitation(tr, *awaited)] if awaited else []


def _remind(session: Session, vocab: Vocabularies, tr: Tr, p: dict[str, Any]) -> list[Reply]:
    awaited = _awaited(session, p)
    return [invitation(tr, *awaited, reminder=int(p.get("days", 1)))] if awaited else []


def _synthesis(session: Session, vocab: Vocabularies, tr: Tr, p: dict[str, Any]) -> list[Reply]:
    consultation = session.get(Consultation, p["consultation_id"])
    if consultation is None:
        return []
    synthesis = synthesise(session, consultation)
    if not load_actor(session, p["recipient_id"]).is_coordinator:
        synthesis.missing = []  # who did not answer is for the coordinators
    text = tr(N_("The consultation has closed.")) + "\n" + synthesis_text(tr, vocab, synthesis)
    details = Button(
        tr.s(N_("Chart and details")), command_token("consultation", consultation.id or 0)
    )
    return [Reply(text, ((details,), *synthesis_buttons(tr, consultation.id or 0)))]


CONSULTATION_RENDERERS = {
    "consultation_invite": _invite,
    "consultation_reminder": _remind,
    "consultation_synthesis": _synthesis,
}
