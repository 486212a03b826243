"""A partnership at a glance: its members and what each is responsible for, its objectives
and indicators, commitments and reporting schedule, with a button for each part and Confirm."""

from __future__ import annotations

from bot.i18n import N_, Tr
from bot.messages import Button, Reply
from bot.text import Text
from core.models.enums import Frequency, PartnershipStatus
from core.partnerships import PartnershipView

STATUS = {
    PartnershipStatus.draft: N_("draft: waiting for every partner to confirm"),
    PartnershipStatus.active: N_("active"),
    PartnershipStatus.completed: N_("completed"),
    PartnershipStatus.cancelled: N_("cancelled"),
}
FREQUENCIES = {
    Frequency.monthly: N_("Monthly"),
    Frequency.quarterly: N_("Quarterly"),
    Frequency.half_yearly: N_("Every six months"),
    Frequency.yearly: N_("Yearly"),
}


def overview(tr: Tr, view: PartnershipView) -> Reply:
    p = view.partnership
    lines = [
        tr(
            N_("**Partnership #{id}: {title}** — {status}"),
            id=p.id,
            title=p.title,
            status=tr(STATUS[PartnershipStatus(p.status)]),
        )
    ]
    for member, organisation in view.members:
        mark = "✔" if member.confirmed_at else "…"
        duty = member.responsibilities or tr.s(N_("responsibilities not yet given"))
        lines.append(Text.plain(f"{mark} {organisation.name}: {duty}"))
    for objective, indicators in view.objectives:
        lines.append(
            tr(
                N_("Objective: **{title}**, by {date}"),
                title=objective.title,
                date=tr.date(objective.deadline),
            )
        )
        for indicator in indicators:
            lines.append(
                tr(
                    N_("  Indicator: {name} — from {baseline} to {target} {unit}"),
                    name=indicator.name,
                    baseline=tr.number(indicator.baseline),
                    target=tr.number(indicator.target),
                    unit=indicator.unit,
                )
            )
    for commitment in view.commitments:
        if commitment.amount is not None and commitment.currency:
            what = tr.money(commitment.amount, commitment.currency)
        else:
            what = tr.s(N_("in kind"))
        years = (
            f" ({commitment.start_year}–{commitment.end_year})"
            if commitment.start_year and commitment.end_year
            else ""
        )
        lines.append(
            tr(
                N_("Commitment: {what}{years} {description}"),
                what=what,
                years=years,
                description=commitment.description,
            )
        )
    if view.schedule:
        lines.append(
            tr(
                N_("Reports: {frequency}, next due {date}"),
                frequency=tr(FREQUENCIES[Frequency(view.schedule.frequency)]),
                date=tr.date(view.schedule.next_due),
            )
        )
    pid = p.id
    buttons: tuple[tuple[Button, ...], ...] = ()
    if p.status in (PartnershipStatus.draft, PartnershipStatus.active):
        buttons = (
            (
                Button(tr.s(N_("Our responsibilities")), f"c:pship_resp:{pid}"),
                Button(tr.s(N_("Add an objective")), f"c:pship_obj:{pid}"),
            ),
            (
                Button(tr.s(N_("Add a commitment")), f"c:pship_commit:{pid}"),
                Button(tr.s(N_("Reporting schedule")), f"c:pship_sched:{pid}"),
            ),
        )
    if p.status == PartnershipStatus.draft:
        buttons += ((Button(tr.s(N_("✔ Confirm our participation")), f"c:pship_confirm:{pid}"),),)
    if p.status == PartnershipStatus.active:
        buttons += ((Button(tr.s(N_("Report progress")), f"c:report:{pid}"),),)
    return Reply(Text.join(lines), buttons)
