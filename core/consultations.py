"""Consultations, the use cases: a coordinator writes one (a draft: title, audience, deadline,
anonymity, then one to ten questions), sends it (each person of the audience is invited
through the outbox, in their language and quiet hours), people answer and may change their
answers until the deadline, and the sweep closes it (core/consultation_sweep.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from core import audit
from core.consultation_audience import Audience, audience_ids
from core.errors import Conflict, DomainError, InvalidInput, NotFound, PermissionDenied
from core.models import Consultation, ConsultationResponse
from core.models.consultation import ConsultationStatus, QuestionKind
from core.notifications import Planned, write_planned
from core.people import Actor
from core.quiet_hours import current, not_before
from core.storage import possible_id
from core.validation import clean_text
from core.vocabularies import Vocabularies

MAX_QUESTIONS = 10
MAX_CHOICES = 10
CHOICE_LEN = 80
QUESTION_LEN = 300
ANSWER_LEN = 2000


@dataclass(frozen=True)
class Question:
    index: int
    text: str
    kind: QuestionKind
    choices: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return f"q{self.index}"


def questions_of(consultation: Consultation) -> list[Question]:
    return [
        Question(i, q["text"], QuestionKind(q["kind"]), tuple(q.get("choices") or ()))
        for i, q in enumerate(consultation.questions)
    ]


def create_consultation(
    session: Session,
    actor: Actor,
    vocab: Vocabularies,
    *,
    title: str,
    audience: Audience,
    deadline: datetime,
    anonymous: bool,
    share_results: bool = False,
    now: datetime,
) -> Consultation:
    """A draft, with no question yet and nobody invited."""
    _coordinator(actor)
    if deadline <= now:
        raise InvalidInput("invalid.window_past", field="deadline")
    consultation = Consultation(
        title=clean_text(title, "title", min_len=3, max_len=200),
        created_by_id=actor.id,
        anonymous=anonymous,
        share_results=share_results,
        deadline=deadline,
        audience=audience.checked(session, vocab).as_dict(),
        created_at=now,
    )
    session.add(consultation)
    session.flush()
    audit.record(session, actor.id, "consultation.create", "consultation", consultation.id, {})
    return consultation


def add_question(
    session: Session,
    actor: Actor,
    consultation_id: int,
    text: str,
    kind: QuestionKind | str,
    choices: list[str] | None = None,
) -> Question:
    consultation = _draft(session, actor, consultation_id)
    if len(consultation.questions) >= MAX_QUESTIONS:
        raise DomainError("limit.questions", limit=MAX_QUESTIONS)
    kind = QuestionKind(kind)
    kept: list[str] = []
    if kind in (QuestionKind.choice, QuestionKind.multi):
        kept = list(
            dict.fromkeys(clean_text(c, "choices", max_len=CHOICE_LEN) for c in choices or [])
        )
        kept = [c for c in kept if c]
        if not 2 <= len(kept) <= MAX_CHOICES:
            raise InvalidInput("invalid.choices_count", field="choices", max=MAX_CHOICES)
    question = {
        "text": clean_text(text, "text", min_len=3, max_len=QUESTION_LEN),
        "kind": kind.value,
        "choices": kept,
    }
    # Assigned, not appended: a draft's list is a plain one until it is loaded again, and
    # only an assignment is sure to be saved.
    consultation.questions = [*consultation.questions, question]
    session.flush()
    return questions_of(consultation)[-1]


def remove_question(session: Session, actor: Actor, consultation_id: int, index: int) -> None:
    consultation = _draft(session, actor, consultation_id)
    if not 0 <= index < len(consultation.questions):
        raise NotFound("not_found.question")
    consultation.questions = [q for i, q in enumerate(consultation.questions) if i != index]
    session.flush()


def delete_draft(session: Session, actor: Actor, consultation_id: int) -> None:
    session.delete(_draft(session, actor, consultation_id))
    session.flush()


def audience_size(session: Session, vocab: Vocabularies, consultation: Consultation) -> int:
    return len(audience_ids(session, vocab, Audience.of(consultation.audience)))


def send_consultation(
    session: Session, actor: Actor, vocab: Vocabularies, consultation_id: int, *, now: datetime
) -> int:
    """Opens the consultation and invites its audience: one response row and one notice
    each, written in bulk (ten thousand people are two statements, not twenty thousand).
    Returns how many were invited."""
    consultation = _draft(session, actor, consultation_id)
    if not consultation.questions:
        raise DomainError("invalid.no_questions")
    if consultation.deadline <= now:
        raise InvalidInput("invalid.window_past", field="deadline")
    people = audience_ids(session, vocab, Audience.of(consultation.audience))
    if not people:
        raise DomainError("invalid.empty_audience")
    consultation.status = ConsultationStatus.open
    consultation.sent_at = now
    session.flush()
    rows = [
        {"consultation_id": consultation.id, "stakeholder_id": pid, "invited_at": now}
        for pid, _ in people
    ]
    table = ConsultationResponse.__table__  # type: ignore[attr-defined]
    for start in range(0, len(rows), 5000):
        session.execute(sa.insert(table), rows[start : start + 5000])
    quiet = current()
    invitations = [
        Planned(
            pid,
            "consultation_invite",
            f"consult:{consultation.id}:invite:{pid}",
            {"consultation_id": consultation.id},
            not_before(now, timezone, quiet),
        )
        for pid, timezone in people
    ]
    write_planned(session, invitations, now)
    audit.record(
        session,
        actor.id,
        "consultation.send",
        "consultation",
        consultation.id,
        {"invited": len(people)},
    )
    return len(people)


def answer_consultation(
    session: Session, actor: Actor, consultation_id: int, answers: dict[str, Any], *, now: datetime
) -> ConsultationResponse:
    """Records (or changes) the person's answers, checked against the questions; until the
    deadline, and only for those invited."""
    consultation, response = _invited(session, actor, consultation_id, for_update=True)
    if consultation.status != ConsultationStatus.open or now >= consultation.deadline:
        raise Conflict("consultation.closed")
    checked = {q.key: _checked(q, answers.get(q.key)) for q in questions_of(consultation)}
    checked = {k: v for k, v in checked.items() if v is not None}
    if not checked:
        raise InvalidInput("invalid.no_answer")
    response.answers = checked
    response.answered_at = now
    session.flush()
    return response


def response_of(session: Session, actor: Actor, consultation_id: int) -> ConsultationResponse:
    return _invited(session, actor, consultation_id)[1]


def get_consultation(session: Session, actor: Actor, consultation_id: int) -> Consultation:
    """A coordinator sees every consultation (drafts: only their own); anyone else only
    those they were invited to. Another's is refused as if it did not exist."""
    consultation = (
        session.get(Consultation, consultation_id) if possible_id(consultation_id) else None
    )
    if consultation is None:
        raise NotFound("not_found.consultation")
    if consultation.status == ConsultationStatus.draft:
        if consultation.created_by_id != actor.id:
            raise NotFound("not_found.consultation")
    elif not actor.is_coordinator:
        _invited(session, actor, consultation_id)
    return consultation


def consultations_for(session: Session, actor: Actor) -> list[Consultation]:
    """Open ones first, then drafts, then closed, newest first within each."""
    query = select(Consultation)
    if actor.is_coordinator:
        query = query.where(
            sa.or_(
                Consultation.status != ConsultationStatus.draft,
                Consultation.created_by_id == actor.id,
            )
        )
    else:
        invited = select(ConsultationResponse.consultation_id).where(
            ConsultationResponse.stakeholder_id == actor.id
        )
        query = query.where(col(Consultation.id).in_(invited))
    found = list(session.exec(query.order_by(col(Consultation.id).desc()).limit(50)))
    order = {ConsultationStatus.open: 0, ConsultationStatus.draft: 1, ConsultationStatus.closed: 2}
    return sorted(found, key=lambda c: order[ConsultationStatus(c.status)])


def _checked(question: Question, value: Any) -> Any:
    """An answer as stored: text, a choice, a list of choices, a number (as text), "yes" or
    "no", an ISO date; None when not answered."""
    if value in (None, "", []):
        return None
    field = question.key
    if question.kind == QuestionKind.text:
        return clean_text(str(value), field, max_len=ANSWER_LEN) or None
    if question.kind == QuestionKind.choice:
        if value not in question.choices:
            raise InvalidInput("invalid.choice", field=field, value=str(value)[:80])
        return value
    if question.kind == QuestionKind.multi:
        picked = list(dict.fromkeys(value if isinstance(value, list) else [value]))
        if not set(picked) <= set(question.choices):
            raise InvalidInput("invalid.choice_text", field=field)
        return picked
    if question.kind == QuestionKind.number:
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise InvalidInput("invalid.number", field=field, value=str(value)[:40]) from None
        if not number.is_finite() or abs(number) >= Decimal("1e15"):
            raise InvalidInput("invalid.too_large", field=field)
        return str(number)
    if question.kind == QuestionKind.yes_no:
        if value not in ("yes", "no", True, False):
            raise InvalidInput("invalid.choice", field=field, value=str(value)[:80])
        return "yes" if value in ("yes", True) else "no"
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise InvalidInput("invalid.date", field=field, value=str(value)[:40]) from None


def _coordinator(actor: Actor) -> None:
    if not actor.is_coordinator:
        raise PermissionDenied("denied.coordinator_only")


def _draft(session: Session, actor: Actor, consultation_id: int) -> Consultation:
    """The actor's own draft, to change or send: a sent one is fixed, as people answer it."""
    _coordinator(actor)
    consultation = get_consultation(session, actor, consultation_id)
    if consultation.status != ConsultationStatus.draft:
        raise Conflict("consultation.sent")
    if consultation.created_by_id != actor.id:
        raise NotFound("not_found.consultation")
    return consultation


def _invited(
    session: Session, actor: Actor, consultation_id: int, *, for_update: bool = False
) -> tuple[Consultation, ConsultationResponse]:
    consultation = (
        session.get(Consultation, consultation_id) if possible_id(consultation_id) else None
    )
    query = select(ConsultationResponse).where(
        ConsultationResponse.consultation_id == consultation_id,
        ConsultationResponse.stakeholder_id == actor.id,
    )
    response = session.exec(query.with_for_update() if for_update else query).first()
    if consultation is None or response is None:
        raise NotFound("not_found.consultation")
    return consultation, response
