"""A consultation's synthesis: per question, the counts of each choice, numbers as median and
range, dates as earliest and latest, free text grouped by country and kind of organisation;
the response rate and who has not answered. Anonymous consultations group nothing and name
nobody: their free text comes sorted (never in the order of who was asked), and no list of
people."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Session, col

from core.consultations import Question, questions_of
from core.models import Consultation, ConsultationResponse, Organisation, Stakeholder
from core.models.consultation import QuestionKind

UNKNOWN = ""  # no country, or no organisation: grouped apart


@dataclass(frozen=True)
class TextGroup:
    country: str  # ISO code, or UNKNOWN
    organisation_kind: str  # OrganisationKind value, or UNKNOWN
    texts: tuple[str, ...]


@dataclass(frozen=True)
class QuestionSummary:
    question: Question
    answered: int
    counts: tuple[tuple[str, int], ...] = ()  # every choice (yes/no too), in their order
    median: Decimal | None = None
    low: Decimal | None = None
    high: Decimal | None = None
    earliest: str | None = None
    latest: str | None = None
    groups: tuple[TextGroup, ...] = ()


@dataclass(frozen=True)
class Missing:
    name: str
    organisation: str


@dataclass
class Synthesis:
    consultation: Consultation
    invited: int
    answered: int
    questions: list[QuestionSummary] = field(default_factory=list)
    missing: list[Missing] = field(default_factory=list)  # empty when anonymous

    @property
    def rate(self) -> float:
        return self.answered / self.invited if self.invited else 0.0

    @property
    def anonymous(self) -> bool:
        return self.consultation.anonymous


def synthesise(session: Session, consultation: Consultation) -> Synthesis:
    """Read in one query of the responses (with the country and kind of each answerer's
    organisation unless anonymous), then summed in memory."""
    anonymous = consultation.anonymous
    query = sa.select(
        ConsultationResponse.answers,
        Stakeholder.name,
        Organisation.name,
        Organisation.country,
        Organisation.kind,
    ).select_from(ConsultationResponse)
    query = query.join(Stakeholder, col(Stakeholder.id) == ConsultationResponse.stakeholder_id)
    query = query.outerjoin(Organisation, col(Organisation.id) == Stakeholder.organisation_id)
    rows = session.execute(
        query.where(ConsultationResponse.consultation_id == consultation.id).order_by(
            col(ConsultationResponse.id)
        )
    ).all()
    answered = [(a, c, k) for a, _, _, c, k in rows if a]
    synthesis = Synthesis(consultation, invited=len(rows), answered=len(answered))
    for question in questions_of(consultation):
        values = [
            (answers[question.key], country, kind)
            for answers, country, kind in answered
            if answers.get(question.key) not in (None, "", [])
        ]
        synthesis.questions.append(_summary(question, values, anonymous))
    if not anonymous:
        synthesis.missing = [
            Missing(name, organisation or "")
            for answers, name, organisation, _, _ in rows
            if not answers
        ]
    return synthesis


def _summary(
    question: Question, values: list[tuple[object, str | None, str | None]], anonymous: bool
) -> QuestionSummary:
    kind = question.kind
    answers = [v for v, _, _ in values]
    if kind in (QuestionKind.choice, QuestionKind.multi, QuestionKind.yes_no):
        tally: Counter[str] = Counter()
        for value in answers:
            tally.update(value if isinstance(value, list) else [str(value)])
        order = question.choices if kind != QuestionKind.yes_no else ("yes", "no")
        return QuestionSummary(question, len(answers), tuple((c, tally[c]) for c in order))
    if kind == QuestionKind.number:
        numbers = sorted(Decimal(str(v)) for v in answers)
        if not numbers:
            return QuestionSummary(question, 0)
        return QuestionSummary(
            question,
            len(numbers),
            median=Decimal(statistics.median(numbers)),
            low=numbers[0],
            high=numbers[-1],
        )
    if kind == QuestionKind.date:
        days = sorted(str(v) for v in answers)
        return QuestionSummary(
            question,
            len(days),
            earliest=days[0] if days else None,
            latest=days[-1] if days else None,
        )
    return QuestionSummary(question, len(answers), groups=_grouped(values, anonymous))


def _grouped(
    values: list[tuple[object, str | None, str | None]], anonymous: bool
) -> tuple[TextGroup, ...]:
    if anonymous:  # where an answer comes from could tell who wrote it
        # Sorted, not in the responses' order: that is the order people were invited in
        # (by id), which would tell who wrote which, and link one's answers across questions.
        texts = tuple(sorted(str(v) for v, _, _ in values))
        return (TextGroup(UNKNOWN, UNKNOWN, texts),) if values else ()
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for value, country, kind in values:
        groups[(country or UNKNOWN, str(kind or UNKNOWN))].append(str(value))
    return tuple(
        TextGroup(country, kind, tuple(texts))
        for (country, kind), texts in sorted(
            groups.items(), key=lambda g: (g[0][0] == UNKNOWN, g[0])
        )
    )
