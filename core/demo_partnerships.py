"""Two partnerships of the demo, months under way, for the directory, the IATI file and the
chat to show on a fresh machine: each drafted from a match both sides accepted, with objectives,
indicators broken down by sex (and age), commitments, a quarterly schedule and approved reports.

Written through the use cases, dated where one takes a date: the partners agreed months ago
and sent each report on time, and the next is weeks away (no reminder is due on loading)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlmodel import Session, select

from core.clock import utcnow
from core.listings import ListingDraft, create_listing
from core.matching_ranking import sides
from core.matching_rules import Weights, score_pair
from core.matchmaking import decide, store_proposal
from core.models import Listing, Partnership
from core.models.enums import CommitmentKind, Coverage, Disaggregation, Frequency, ListingKind
from core.partnerships import (
    MONTHS,
    add_commitment,
    add_months,
    add_objective,
    confirm,
    get_partnership,
    set_responsibilities,
    set_schedule,
)
from core.people import Actor
from core.reporting import IndicatorAnswer, approve_report, indicators_of, submit_report
from core.vocabularies import Vocabularies

FREQUENCY = Frequency.quarterly
NEXT_DUE_IN = timedelta(days=45)  # well past the reminders' horizon (a week before a due date)
SENT_BEFORE_DUE = timedelta(days=2)
APPROVED_AFTER_DUE = timedelta(days=4)
LISTED_FOR_MONTHS = 24


@dataclass(frozen=True)
class DemoObjective:
    title: str
    target: str
    indicator: str
    unit: str
    # The indicator's baseline and target, and the months from the day the partners agreed
    # to the objective's deadline.
    baseline_target_months: tuple[int, int, int]
    disaggregation: Disaggregation = Disaggregation.none


@dataclass(frozen=True)
class DemoCommitment:
    handle: str  # of the demo person whose organisation commits
    kind: CommitmentKind
    description: str
    # A financial commitment's amount, currency, and years from the partners' agreement to
    # the last year it covers.
    money: tuple[Decimal, str, int] | None = None


@dataclass(frozen=True)
class DemoReport:
    values: tuple[IndicatorAnswer, ...]  # one per objective's indicator, in their order
    narrative: str
    challenges: str = ""


@dataclass(frozen=True)
class DemoPartnership:
    # Console handles of demo people: whose need it is, whose offer, who approves the reports.
    people: tuple[str, str, str]
    # The need and the offer, without their time window: it starts on the day they agreed.
    listings: tuple[ListingDraft, ListingDraft]
    responsibilities: tuple[str, str]  # the field contact's, the donor's
    objectives: tuple[DemoObjective, ...]
    commitments: tuple[DemoCommitment, ...]
    reports: tuple[DemoReport, ...]  # one a period, the first period first


@dataclass
class DemoPartnerships:
    """What was added: partnerships, and the need and offer each was drafted from."""

    partnerships: int = 0
    listings: int = 0


def _pair(
    what: tuple[str, str, str, int, str],  # assistance type, area, country, quantity, unit
    need: tuple[str, str],  # its title and description
    offer: tuple[str, str],
    modality: str | None = None,
) -> tuple[ListingDraft, ListingDraft]:
    """A need and an offer of the same quantity in the same unit: the partnership drafted from
    them covers both whole and ends them, so the demo's other listings stay open, and nobody
    is proposed a match for a need already met."""
    type_, area, country, quantity, unit = what
    need_draft, offer_draft = (
        ListingDraft(kind, title, type_, [area], Coverage.country, country, description=text)
        for kind, (title, text) in ((ListingKind.need, need), (ListingKind.offer, offer))
    )
    for draft in (need_draft, offer_draft):
        draft.quantity, draft.unit = Decimal(quantity), unit
    offer_draft.modality = modality
    return need_draft, offer_draft


def _total(value: int = 0, **by_sex: int) -> IndicatorAnswer:
    """A total, or a breakdown by sex that adds up to it."""
    parts = {(sex, ""): Decimal(n) for sex, n in by_sex.items()}
    return IndicatorAnswer(Decimal(value) + sum(parts.values(), Decimal(0)), parts)


def _sex_age(*counts: int) -> IndicatorAnswer:
    """Women then men, each aged 0-17, 18-59 and 60+."""
    keys = [(sex, age) for sex in ("female", "male") for age in ("0-17", "18-59", "60+")]
    return IndicatorAnswer(Decimal(sum(counts)), dict(zip(keys, map(Decimal, counts), strict=True)))


def demo_partnerships() -> list[DemoPartnership]:
    return [
        DemoPartnership(
            ("sokha", "kenji", "claire"),
            _pair(
                ("technical_support", "victim_assistance", "KH", 12, "months"),
                (
                    "Technical support for the Battambang rehabilitation centre",
                    "A prosthetist-orthotist adviser for the provincial centre, and training "
                    "of its technicians.",
                ),
                (
                    "Prosthetics advisers for rehabilitation centres in Cambodia",
                    "An experienced prosthetist-orthotist on site, with the components the "
                    "workshop needs.",
                ),
                modality="multilateral",
            ),
            responsibilities=(
                "Refer survivors, run the workshop and report every quarter.",
                "Fund the components and the adviser, and train the technicians.",
            ),
            objectives=(
                DemoObjective(
                    "Fit survivors with prostheses and orthoses",
                    "400 survivors fitted, at least 40 % of them women and girls",
                    "Survivors fitted with a prosthesis or orthosis",
                    "people",
                    (0, 400, 24),
                    Disaggregation.sex_age,
                ),
                DemoObjective(
                    "Certify local prosthetic technicians",
                    "12 technicians certified by the national board",
                    "Technicians certified",
                    "people",
                    (2, 12, 18),
                ),
            ),
            commitments=(
                DemoCommitment(
                    "kenji",
                    CommitmentKind.financial,
                    "Prosthetic components, materials and the adviser's costs",
                    (Decimal(180000), "USD", 2),
                ),
                DemoCommitment(
                    "sokha",
                    CommitmentKind.in_kind,
                    "Workshop space, staff and patient transport at the Battambang centre",
                ),
            ),
            reports=(
                DemoReport(
                    (_sex_age(5, 16, 3, 8, 21, 5), _total(4)),
                    "The adviser started in the first week; 58 survivors fitted, a third of "
                    "them referred by the mobile outreach team.",
                ),
                DemoReport(
                    (_sex_age(11, 34, 7, 15, 48, 11), _total(6)),
                    "A second workshop bench is running; waiting times are down to three weeks.",
                    "Rainy-season roads kept patients from remote districts away.",
                ),
            ),
        ),
        DemoPartnership(
            ("lucia", "tom", "claire"),
            _pair(
                ("material", "risk_education", "CO", 150, "kits"),
                (
                    "Kits de educación sobre el riesgo para escuelas rurales",
                    "Cartillas, afiches y juegos para enseñar conductas seguras en 150 "
                    "escuelas rurales.",
                ),
                (
                    "Risk education kits for schools in Colombia",
                    "Printed kits in Spanish, adapted with local teachers.",
                ),
            ),
            responsibilities=(
                "Elegir las escuelas, entregar los kits y reportar cada trimestre.",
                "Print the kits, adapt them with teachers and train the first facilitators.",
            ),
            objectives=(
                DemoObjective(
                    "Llevar la educación sobre el riesgo a las escuelas rurales",
                    "6000 estudiantes de 150 escuelas",
                    "Estudiantes que aprendieron conductas seguras",
                    "estudiantes",
                    (0, 6000, 18),
                    Disaggregation.sex,
                ),
                DemoObjective(
                    "Entregar un kit a cada escuela",
                    "",
                    "Escuelas con su kit",
                    "escuelas",
                    (0, 150, 12),
                ),
            ),
            commitments=(
                DemoCommitment(
                    "tom",
                    CommitmentKind.financial,
                    "Impresión y entrega de los kits",
                    (Decimal(42000), "GBP", 1),
                ),
                DemoCommitment(
                    "lucia",
                    CommitmentKind.in_kind,
                    "Entrega a las escuelas por las secretarías de educación",
                ),
            ),
            reports=(
                DemoReport(
                    (_total(female=1240, male=1315), _total(64)),
                    "Se entregaron los primeros 64 kits y los docentes los usan cada semana.",
                ),
            ),
        ),
    ]


def add_demo_partnerships(
    session: Session, vocab: Vocabularies, people: Mapping[str, Actor], *, weights: Weights | None
) -> DemoPartnerships:
    """The demo partnerships whose people are all among `people` (the demo people there, by
    console handle) and that were not added before."""
    added = DemoPartnerships()
    today = utcnow().date()
    for spec in demo_partnerships():
        field, donor, coordinator = (people.get(handle) for handle in spec.people)
        if field is None or donor is None or coordinator is None:
            continue  # a demo loaded in part: the load that completes it adds it
        if not coordinator.is_coordinator or _added_before(session, field, spec):
            continue
        _add(session, vocab, spec, field, donor, coordinator, weights or Weights(), today)
        added.partnerships += 1
        added.listings += 2
    return added


def _added_before(session: Session, field: Actor, spec: DemoPartnership) -> bool:
    """Whether its need is there, whatever became of it since: a demo partnership somebody
    ended is not started again."""
    found = session.exec(
        select(Listing.id).where(
            Listing.organisation_id == field.organisation_id,
            Listing.kind == ListingKind.need,
            Listing.title == spec.listings[0].title,
        )
    ).first()
    return found is not None


def _timeline(spec: DemoPartnership, today: date) -> tuple[date, date]:
    """The day the partners agreed and the first report's due date: the spec's reports fell
    due a period after another, the last some weeks ago, and the next is NEXT_DUE_IN away."""
    step = MONTHS[FREQUENCY]
    first_due = add_months(today + NEXT_DUE_IN, -step * len(spec.reports))
    return add_months(first_due, -step), first_due


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), UTC)


def _add(
    session: Session,
    vocab: Vocabularies,
    spec: DemoPartnership,
    field: Actor,
    donor: Actor,
    coordinator: Actor,
    weights: Weights,
    today: date,
) -> None:
    agreed, first_due = _timeline(spec, today)
    window = {"available_from": agreed, "available_until": add_months(agreed, LISTED_FOR_MONTHS)}
    pair = [
        create_listing(session, vocab, actor, dataclasses.replace(draft, **window)).listing.id
        for actor, draft in zip((field, donor), spec.listings, strict=True)
    ]
    match = _proposed(session, vocab, pair, weights, today)
    for actor in (field, donor):
        decide(session, actor, match, accept=True)
    partnership_id = session.exec(select(Partnership.id).where(Partnership.match_id == match)).one()
    assert partnership_id is not None
    for actor, text in zip((field, donor), spec.responsibilities, strict=True):
        set_responsibilities(session, actor, partnership_id, text)
    for objective in spec.objectives:
        baseline, target, months = objective.baseline_target_months
        add_objective(
            session,
            field,
            partnership_id,
            title=objective.title,
            deadline=add_months(agreed, months),
            target=objective.target,
            indicator=objective.indicator,
            unit=objective.unit,
            baseline=Decimal(baseline),
            indicator_target=Decimal(target),
            disaggregation=objective.disaggregation,
            today=agreed,
        )
    partners = {spec.people[0]: field, spec.people[1]: donor}
    for commitment in spec.commitments:
        amount, currency, years = commitment.money or (None, None, None)
        add_commitment(
            session,
            vocab,
            partners[commitment.handle],
            partnership_id,
            kind=commitment.kind,
            description=commitment.description,
            amount=amount,
            currency=currency,
            start_year=agreed.year if years is not None else None,
            end_year=agreed.year + years if years is not None else None,
        )
    set_schedule(
        session,
        field,
        partnership_id,
        frequency=FREQUENCY,
        first_due=first_due,
        coordinator_id=coordinator.id,
        today=agreed,
    )
    confirm(session, field, partnership_id, now=_at(agreed, 9))
    confirm(session, donor, partnership_id, now=_at(agreed, 15))
    _report(session, spec, partnership_id, field, coordinator)


def _proposed(
    session: Session, vocab: Vocabularies, pair: list[int | None], weights: Weights, today: date
) -> int:
    """The pair as a proposed match, and no other: propose_matches would also propose the
    new need to every other offer that fits it, though this offer is about to cover it whole."""
    need_id, offer_id = (listing_id or 0 for listing_id in pair)
    found = sides(session, vocab, [need_id, offer_id])
    scored = score_pair(found[need_id], found[offer_id], vocab, weights, today)
    match = store_proposal(session, scored) if scored is not None else None
    if match is None or match.id is None:
        raise AssertionError(f"demo need {need_id} and offer {offer_id} do not match")
    return match.id


def _report(
    session: Session, spec: DemoPartnership, partnership_id: int, field: Actor, boss: Actor
) -> None:
    """Each period's report sent a little before it was due, approved a few days after."""
    indicators = indicators_of(session, partnership_id)  # one per objective, in their order
    for report in spec.reports:
        schedule = get_partnership(session, partnership_id).schedule
        assert schedule is not None
        due = schedule.next_due
        answers = {i.id or 0: a for i, a in zip(indicators, report.values, strict=True)}
        sent = submit_report(
            session,
            field,
            partnership_id,
            due,
            answers,
            narrative=report.narrative,
            challenges=report.challenges,
            now=_at(due - SENT_BEFORE_DUE, 10),
        )
        approve_report(session, boss, sent.id, now=_at(due + APPROVED_AFTER_DUE, 11))
