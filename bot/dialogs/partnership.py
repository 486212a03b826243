"""Partnerships in chat: an overview with a button for each part (responsibilities, an
objective with its indicator, a commitment, the reporting schedule) and Confirm. Each part is
a short dialog, run as often as needed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from bot.dialogs.partnership_overview import FREQUENCIES, STATUS, overview
from bot.dialogs.steps import Choice, Ctx, Dialog, Kind, Step
from bot.i18n import N_
from bot.messages import Reply
from core.errors import InvalidInput
from core.models import Organisation
from core.models.enums import CommitmentKind, Disaggregation, Frequency, Role
from core.partnerships import (
    add_commitment,
    add_objective,
    create_partnership,
    get_partnership,
    set_responsibilities,
    set_schedule,
)
from core.people import find_organisation_by_name, stakeholders_with_role

# The overview (bot.dialogs.partnership_overview) is importable from here too.
__all__ = ["DISAGGREGATIONS", "FREQUENCIES", "STATUS", "overview", "partnership_dialogs"]

DISAGGREGATIONS = {
    Disaggregation.none: N_("A single total"),
    Disaggregation.sex: N_("By sex"),
    Disaggregation.age: N_("By age group"),
    Disaggregation.sex_age: N_("By sex and age group"),
}


def _back_to_overview(ctx: Ctx, partnership_id: int | None = None) -> list[Reply]:
    chosen = partnership_id if partnership_id is not None else int(ctx.context["partnership_id"])
    return [overview(ctx, get_partnership(ctx.session, chosen))]


def _after_today(ctx: Ctx, value: str) -> str:
    if date.fromisoformat(value) <= ctx.today():
        raise InvalidInput("invalid.window_past", field="deadline")
    return value


def _not_past(ctx: Ctx, value: str) -> str:
    """A first report may be due today, the person's today."""
    if date.fromisoformat(value) < ctx.today():
        raise InvalidInput("invalid.window_past", field="first_due")
    return value


def _save_responsibilities(ctx: Ctx) -> list[Reply]:
    assert ctx.actor is not None
    set_responsibilities(
        ctx.session, ctx.actor, int(ctx.context["partnership_id"]), ctx.answer("responsibilities")
    )
    return _back_to_overview(ctx)


def _save_objective(ctx: Ctx) -> list[Reply]:
    assert ctx.actor is not None
    a = ctx.answers
    add_objective(
        ctx.session,
        ctx.actor,
        int(ctx.context["partnership_id"]),
        title=a["title"],
        deadline=date.fromisoformat(a["deadline"]),
        today=ctx.today(),
        target=a.get("target") or "",
        indicator=a["indicator"],
        unit=a["unit"],
        baseline=a.get("baseline") or "0",
        indicator_target=a["indicator_target"],
        disaggregation=a["disaggregation"],
    )
    return _back_to_overview(ctx)


def _save_commitment(ctx: Ctx) -> list[Reply]:
    assert ctx.actor is not None
    a = ctx.answers
    money = a.get("amount") or {}
    years = a.get("years") or ""
    start, _, end = years.partition("-")
    add_commitment(
        ctx.session,
        ctx.vocab,
        ctx.actor,
        int(ctx.context["partnership_id"]),
        kind=a["kind"],
        description=a.get("description") or "",
        amount=Decimal(money["amount"]) if "amount" in money else None,
        currency=money.get("currency"),
        start_year=int(start) if start.strip().isdigit() else None,
        end_year=int(end)
        if end.strip().isdigit()
        else (int(start) if start.strip().isdigit() else None),
    )
    return _back_to_overview(ctx)


def _save_schedule(ctx: Ctx) -> list[Reply]:
    assert ctx.actor is not None
    a = ctx.answers
    coordinator = a.get("coordinator")
    set_schedule(
        ctx.session,
        ctx.actor,
        int(ctx.context["partnership_id"]),
        frequency=Frequency(a["frequency"]),
        first_due=date.fromisoformat(a["first_due"]),
        coordinator_id=int(coordinator) if coordinator else None,
        today=ctx.today(),
    )
    return _back_to_overview(ctx)


def _coordinators(ctx: Ctx) -> list[Choice]:
    return [
        Choice(str(p.id), p.name) for p in stakeholders_with_role(ctx.session, Role.coordinator)
    ]


def _year(text: str) -> bool:
    return text.strip().isdecimal() and len(text.strip()) == 4


def _years(ctx: Ctx, value: str) -> str:
    start, _, end = value.replace("–", "-").partition("-")
    if not _year(start) or (end and not _year(end)):
        raise InvalidInput("invalid.years", field="years")
    if end and int(end) < int(start):
        raise InvalidInput("invalid.window_order", field="years")
    return value.replace("–", "-").replace(" ", "")


def _partners(ctx: Ctx, value: str) -> list[int]:
    ids = []
    for name in [part for part in value.split(",") if part.strip()]:
        organisation = find_organisation_by_name(ctx.session, name)
        if organisation is None:
            raise InvalidInput("invalid.organisation_unknown", field="partners", name=name.strip())
        ids.append(organisation.id)
    if len(set(ids)) < 2:
        raise InvalidInput("invalid.two_partners", field="partners")
    return ids


def _save_new(ctx: Ctx) -> list[Reply]:
    assert ctx.actor is not None
    partnership = create_partnership(
        ctx.session, ctx.actor, title=ctx.answer("title"), organisation_ids=ctx.answer("partners")
    )
    return _back_to_overview(ctx, partnership.id)


def partnership_dialogs() -> list[Dialog]:
    return [
        Dialog(
            "responsibilities",
            N_("Responsibilities"),
            (
                Step(
                    "responsibilities",
                    N_(
                        "What is your organisation responsible for in this "
                        "partnership? A few lines."
                    ),
                    Kind.text,
                    label=N_("Responsibilities"),
                    min_len=3,
                    max_len=2000,
                ),
            ),
            _save_responsibilities,
        ),
        Dialog(
            "objective",
            N_("New objective"),
            (
                Step(
                    "title",
                    N_("The objective, in a sentence, like “Clear 1.2 km² in Battambang”."),
                    Kind.text,
                    label=N_("Objective"),
                    min_len=3,
                    max_len=200,
                ),
                Step(
                    "deadline",
                    N_("By when? A date like 2027-12-31."),
                    Kind.date,
                    label=N_("Deadline"),
                    check=_after_today,
                ),
                Step(
                    "indicator",
                    N_("How will progress be measured? Name the indicator, like “Area released”."),
                    Kind.text,
                    label=N_("Indicator"),
                    min_len=3,
                    max_len=200,
                ),
                Step(
                    "unit",
                    N_("In which unit? Like km², people, sessions."),
                    Kind.text,
                    label=N_("Unit"),
                    max_len=32,
                ),
                Step(
                    "baseline",
                    N_("The value today (the baseline), or tap **Skip** for zero."),
                    Kind.number,
                    label=N_("Baseline"),
                    optional=True,
                ),
                Step(
                    "indicator_target",
                    N_("The value to reach by the deadline."),
                    Kind.number,
                    label=N_("Target"),
                ),
                Step(
                    "disaggregation",
                    N_("Should it be reported by sex or age group?"),
                    Kind.choice,
                    label=N_("Breakdown"),
                    columns=1,
                    choices=lambda ctx: [
                        Choice(k, ctx.tr.s(v)) for k, v in DISAGGREGATIONS.items()
                    ],
                ),
            ),
            _save_objective,
        ),
        Dialog(
            "commitment",
            N_("New commitment"),
            (
                Step(
                    "kind",
                    N_("What does your organisation commit?"),
                    Kind.choice,
                    label=N_("Kind"),
                    choices=lambda ctx: [
                        Choice(CommitmentKind.financial, ctx.tr.s(N_("Money"))),
                        Choice(CommitmentKind.in_kind, ctx.tr.s(N_("Something in kind"))),
                    ],
                ),
                Step(
                    "amount",
                    N_("How much, with the currency, like 150000 USD?"),
                    Kind.money_or_quantity,
                    label=N_("Amount"),
                    when=lambda ctx: ctx.answer("kind") == CommitmentKind.financial,
                ),
                Step(
                    "description",
                    N_("Describe it in a few words (or tap **Skip**)."),
                    Kind.text,
                    label=N_("Description"),
                    optional=True,
                    max_len=1000,
                ),
                Step(
                    "years",
                    N_("For which years? Like 2027 or 2027-2029 (or tap **Skip**)."),
                    Kind.text,
                    label=N_("Years"),
                    optional=True,
                    max_len=9,
                    check=_years,
                ),
            ),
            _save_commitment,
        ),
        Dialog(
            "schedule",
            N_("Reporting schedule"),
            (
                Step(
                    "frequency",
                    N_("How often will the partners report progress?"),
                    Kind.choice,
                    label=N_("Frequency"),
                    choices=lambda ctx: [Choice(k, ctx.tr.s(v)) for k, v in FREQUENCIES.items()],
                ),
                Step(
                    "first_due",
                    N_("When is the first report due? A date like 2027-03-31."),
                    Kind.date,
                    label=N_("First report due"),
                    check=_not_past,
                ),
                Step(
                    "coordinator",
                    N_("Who coordinates this partnership? (or tap **Skip**)"),
                    Kind.choice,
                    label=N_("Coordinator"),
                    choices=_coordinators,
                    columns=1,
                    optional=True,
                    when=lambda ctx: bool(_coordinators(ctx)),
                ),
            ),
            _save_schedule,
        ),
        Dialog(
            "partnership_new",
            N_("New partnership"),
            (
                Step(
                    "title",
                    N_("The partnership's name, like “Battambang land release 2027”."),
                    Kind.text,
                    label=N_("Name"),
                    min_len=3,
                    max_len=200,
                ),
                Step(
                    "partners",
                    N_("The partner organisations, separated by commas."),
                    Kind.text,
                    label=N_("Partners"),
                    max_len=1000,
                    check=_partners,
                    show=lambda ctx, ids: ", ".join(
                        o.name for i in ids if (o := _organisation(ctx, i)) is not None
                    ),
                ),
            ),
            _save_new,
        ),
    ]


def _organisation(ctx: Ctx, organisation_id: int):

    return ctx.session.get(Organisation, organisation_id)
