"""Partnerships for completion: partners and their responsibilities, time-bound objectives
with indicators, commitments, a reporting schedule and a coordinator; active once every
partner has confirmed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Session, col, select

from core import audit
from core.clock import utcnow
from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from core.models import (
    Commitment,
    Indicator,
    Objective,
    Organisation,
    Partnership,
    PartnershipMember,
    ReportingSchedule,
)
from core.models.enums import (
    CommitmentKind,
    Disaggregation,
    Frequency,
    PartnershipStatus,
    Role,
)
from core.notifications import enqueue
from core.people import Actor, stakeholders_with_role
from core.schedules import MONTHS as MONTHS
from core.schedules import add_months as add_months
from core.schedules import due_after as due_after
from core.schedules import due_dates as due_dates
from core.schedules import period_start as period_start
from core.storage import possible_id
from core.validation import check_currency, check_positive, clean_text
from core.vocabularies import Vocabularies


@dataclass(frozen=True)
class PartnershipView:
    partnership: Partnership
    members: list[tuple[PartnershipMember, Organisation]]
    objectives: list[tuple[Objective, list[Indicator]]]
    commitments: list[Commitment]
    schedule: ReportingSchedule | None

    @property
    def complete(self) -> bool:
        return self.schedule is not None and any(inds for _, inds in self.objectives)

    def member_of(self, actor: Actor) -> PartnershipMember | None:
        return next(
            (m for m, _ in self.members if m.organisation_id == actor.organisation_id), None
        )


def get_partnership(session: Session, partnership_id: int) -> PartnershipView:
    partnership = session.get(Partnership, partnership_id) if possible_id(partnership_id) else None
    if partnership is None:
        raise NotFound("not_found.partnership")
    members = session.exec(
        select(PartnershipMember, Organisation)
        .join(Organisation, col(Organisation.id) == PartnershipMember.organisation_id)
        .where(PartnershipMember.partnership_id == partnership_id)
        .order_by(col(PartnershipMember.id))
    ).all()
    objectives = session.exec(
        select(Objective)
        .where(Objective.partnership_id == partnership_id)
        .order_by(col(Objective.id))
    ).all()
    indicators: dict[int, list[Indicator]] = {o.id or 0: [] for o in objectives}
    if objectives:
        for indicator in session.exec(
            select(Indicator)
            .where(col(Indicator.objective_id).in_(list(indicators)))
            .order_by(col(Indicator.id))
        ):
            indicators[indicator.objective_id].append(indicator)
    commitments = session.exec(
        select(Commitment).where(Commitment.partnership_id == partnership_id)
    ).all()
    schedule = session.exec(
        select(ReportingSchedule).where(ReportingSchedule.partnership_id == partnership_id)
    ).first()
    return PartnershipView(
        partnership,
        [(m, o) for m, o in members],
        [(o, indicators[o.id or 0]) for o in objectives],
        list(commitments),
        schedule,
    )


def can_manage(actor: Actor, view: PartnershipView) -> bool:
    return actor.is_coordinator or view.member_of(actor) is not None


def _managed(session: Session, actor: Actor, partnership_id: int) -> PartnershipView:
    view = get_partnership(session, partnership_id)
    if not can_manage(actor, view):
        raise PermissionDenied("denied.not_partner")
    return view


def _editable(session: Session, actor: Actor, partnership_id: int) -> PartnershipView:
    view = _managed(session, actor, partnership_id)
    if view.partnership.status not in (PartnershipStatus.draft, PartnershipStatus.active):
        raise Conflict("conflict.partnership_closed")
    return view


def create_partnership(
    session: Session, actor: Actor, *, title: str, organisation_ids: list[int]
) -> Partnership:
    """A coordinator's new partnership between organisations; they coordinate it."""
    if not actor.is_coordinator:
        raise PermissionDenied("denied.coordinator_only")
    partners = list(dict.fromkeys(organisation_ids))
    if len(partners) < 2:
        raise InvalidInput("invalid.two_partners", field="partners")
    partnership = Partnership(
        title=clean_text(title, "title", min_len=3, max_len=200), coordinator_id=actor.id
    )
    session.add(partnership)
    session.flush()
    assert partnership.id is not None
    for organisation_id in partners:
        if session.get(Organisation, organisation_id) is None:
            raise NotFound("not_found.organisation")
        session.add(
            PartnershipMember(partnership_id=partnership.id, organisation_id=organisation_id)
        )
    audit.record(session, actor.id, "partnership.create", "partnership", partnership.id)
    return partnership


def set_responsibilities(
    session: Session, actor: Actor, partnership_id: int, text: str
) -> PartnershipMember:
    view = _editable(session, actor, partnership_id)
    member = view.member_of(actor)
    if member is None:
        raise PermissionDenied("denied.not_partner")
    member.responsibilities = clean_text(text, "responsibilities", min_len=3, max_len=2000)
    member.stakeholder_id = member.stakeholder_id or actor.id
    _unconfirm(view)
    audit.record(session, actor.id, "partnership.responsibilities", "partnership", partnership_id)
    return member


def add_objective(
    session: Session,
    actor: Actor,
    partnership_id: int,
    *,
    title: str,
    deadline: date,
    target: str,
    indicator: str,
    unit: str,
    baseline: Decimal | str,
    indicator_target: Decimal | str,
    disaggregation: Disaggregation = Disaggregation.none,
    today: date | None = None,
) -> Objective:
    """A time-bound objective with the indicator that measures it. `today` is the date where
    the person is (UTC's by default)."""
    view = _editable(session, actor, partnership_id)
    if deadline < (today or utcnow().date()):
        raise InvalidInput("invalid.window_past", field="deadline")
    objective = Objective(
        partnership_id=partnership_id,
        title=clean_text(title, "title", min_len=3, max_len=200),
        target=clean_text(target, "target", max_len=1000),
        deadline=deadline,
    )
    session.add(objective)
    session.flush()
    assert objective.id is not None
    start = Decimal(str(baseline)) if str(baseline).strip() not in ("", "0") else Decimal(0)
    if start < 0:
        raise InvalidInput("invalid.not_positive", field="baseline")
    session.add(
        Indicator(
            objective_id=objective.id,
            name=clean_text(indicator, "indicator", min_len=3, max_len=200),
            unit=clean_text(unit, "unit", min_len=1, max_len=32),
            baseline=start,
            target=check_positive(indicator_target, "indicator_target"),
            disaggregation=Disaggregation(disaggregation),
        )
    )
    _unconfirm(view)
    audit.record(
        session,
        actor.id,
        "partnership.objective",
        "partnership",
        partnership_id,
        {"objective": objective.title},
    )
    return objective


def add_commitment(
    session: Session,
    vocab: Vocabularies,
    actor: Actor,
    partnership_id: int,
    *,
    kind: CommitmentKind,
    description: str,
    amount: Decimal | None = None,
    currency: str | None = None,
    start_year: int | None = None,
    end_year: int | None = None,
) -> Commitment:
    view = _editable(session, actor, partnership_id)
    member = view.member_of(actor)
    if member is None:
        raise PermissionDenied("denied.not_partner")
    kind = CommitmentKind(kind)
    if kind is CommitmentKind.financial:
        if amount is None:
            raise InvalidInput("invalid.amount_required", field="amount")
        amount = check_positive(amount, "amount")
        currency = check_currency(vocab, currency)
    if start_year and end_year and end_year < start_year:
        raise InvalidInput("invalid.window_order", field="end_year")
    commitment = Commitment(
        partnership_id=partnership_id,
        organisation_id=member.organisation_id,
        kind=kind,
        amount=amount if kind is CommitmentKind.financial else None,
        currency=currency if kind is CommitmentKind.financial else None,
        description=clean_text(description, "description", max_len=1000),
        start_year=start_year,
        end_year=end_year,
    )
    session.add(commitment)
    _unconfirm(view)
    audit.record(session, actor.id, "partnership.commitment", "partnership", partnership_id)
    return commitment


def set_schedule(
    session: Session,
    actor: Actor,
    partnership_id: int,
    *,
    frequency: Frequency,
    first_due: date,
    coordinator_id: int | None = None,
    today: date | None = None,
) -> ReportingSchedule:
    """`today` is the date where the person is: a first report may be due on it."""
    view = _editable(session, actor, partnership_id)
    if view.partnership.status == PartnershipStatus.active and not actor.is_coordinator:
        # Partners agreed on the schedule; moving it would skip a period they owe.
        raise PermissionDenied("denied.coordinator_only")
    if first_due < (today or utcnow().date()):
        raise InvalidInput("invalid.window_past", field="first_due")
    schedule = view.schedule or ReportingSchedule(
        partnership_id=partnership_id,
        frequency=frequency,
        first_due=first_due,
        next_due=first_due,
    )
    schedule.frequency, schedule.first_due, schedule.next_due = frequency, first_due, first_due
    session.add(schedule)
    if coordinator_id is not None:
        coordinators = {p.id for p in stakeholders_with_role(session, Role.coordinator)}
        if coordinator_id not in coordinators:
            raise InvalidInput("invalid.choice", field="coordinator", value=str(coordinator_id))
        view.partnership.coordinator_id = coordinator_id
    _unconfirm(view)
    audit.record(
        session,
        actor.id,
        "partnership.schedule",
        "partnership",
        partnership_id,
        {"frequency": frequency, "first_due": first_due},
    )
    return schedule


def _unconfirm(view: PartnershipView) -> None:
    """A change to a draft asks every partner to confirm again what they agree to."""
    if view.partnership.status == PartnershipStatus.draft:
        for member, _ in view.members:
            member.confirmed_at = None


def confirm(
    session: Session, actor: Actor, partnership_id: int, *, now: datetime | None = None
) -> PartnershipView:
    """The actor's organisation agrees; the last agreement makes the partnership active."""
    view = _managed(session, actor, partnership_id)
    member = view.member_of(actor)
    if member is None:
        raise PermissionDenied("denied.not_partner")
    if view.partnership.status != PartnershipStatus.draft:
        raise Conflict("conflict.partnership_not_draft")
    if not view.complete:
        raise Conflict("conflict.partnership_incomplete")
    if member.confirmed_at is not None:
        return view  # a second tap on Confirm changes nothing and tells nobody again
    now = now or utcnow()
    member.confirmed_at = now
    member.stakeholder_id = member.stakeholder_id or actor.id
    audit.record(session, actor.id, "partnership.confirm", "partnership", partnership_id)
    if all(m.confirmed_at for m, _ in view.members):
        view.partnership.status = PartnershipStatus.active
        view.partnership.activated_at = now
        audit.record(session, actor.id, "partnership.activate", "partnership", partnership_id)
        for person_id in recipients(session, view):
            enqueue(
                session,
                person_id,
                "partnership_active",
                f"partnership:{partnership_id}:active:{person_id}",
                {"partnership_id": partnership_id},
            )
    else:
        # Keyed by this confirmation's moment: after a change to the draft, the same partner
        # confirming again is news again.
        moment = now.strftime("%Y%m%dT%H%M%S%f")
        for m, _ in view.members:
            if m.confirmed_at is None and m.stakeholder_id:
                enqueue(
                    session,
                    m.stakeholder_id,
                    "partnership_confirm",
                    f"partnership:{partnership_id}:confirm:{member.id}:{moment}:{m.stakeholder_id}",
                    {"partnership_id": partnership_id},
                )
    return view


def recipients(session: Session, view: PartnershipView) -> list[int]:
    """The partners' representatives and the coordinator."""
    people = {m.stakeholder_id for m, _ in view.members if m.stakeholder_id}
    if view.partnership.coordinator_id:
        people.add(view.partnership.coordinator_id)
    return sorted(people)


def partnerships_for(session: Session, actor: Actor) -> list[Partnership]:
    query = select(Partnership).order_by(col(Partnership.id).desc())
    if not actor.is_coordinator:
        query = query.where(
            sa.or_(
                col(Partnership.id).in_(
                    select(PartnershipMember.partnership_id).where(
                        PartnershipMember.organisation_id == actor.organisation_id
                    )
                ),
                Partnership.coordinator_id == actor.id,
            )
        )
    return list(session.exec(query.limit(50)))
