"""A partnership at a glance: its members and what each is responsible for, its objectives
and indicators, commitments and reporting schedule, with a button for each part and Confirm."""

from __future__ import annotations

from bot.actions import command_token
from bot.dialogs.steps import Ctx
from bot.i18n import N_
from bot.messages import Button, Reply
from bot.report_views import report_lines
from bot.text import Text
from core.models import Organisation
from core.models.enums import Frequency, PartnershipStatus
from core.national import counterpart_for
from core.partnership_places import places_of
from core.partnerships import PartnershipView
from core.projection import LATE, NO_DATA, ON_TRACK, STALLED, projections
from core.reporting import figures_of, reports_of

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


def overview(ctx: Ctx, view: PartnershipView) -> Reply:
    """The partnership as the viewer sees it, with its latest reports and their figures."""
    tr, p = ctx.tr, view.partnership
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
    lines += national_lines(ctx, view)
    for report in reports_of(ctx.session, p.id or 0):
        lines += report_lines(tr, report, figures_of(ctx.session, report))
    return Reply(Text.join(lines), _buttons(ctx, view))


def _buttons(ctx: Ctx, view: PartnershipView) -> tuple[tuple[Button, ...], ...]:
    """What the viewer can do: partners their part, coordinators the shared parts; a
    coordinator takes a partnership nobody follows."""
    tr, p = ctx.tr, view.partnership
    pid = p.id or 0
    partner = ctx.actor is not None and view.member_of(ctx.actor) is not None
    coordinator = ctx.actor is not None and ctx.actor.is_coordinator
    rows: list[tuple[Button, ...]] = []
    if p.status in (PartnershipStatus.draft, PartnershipStatus.active):
        shared = (
            Button(tr.s(N_("Add an objective")), command_token("pship_obj", pid)),
            Button(tr.s(N_("Reporting schedule")), command_token("pship_sched", pid)),
        )
        if partner:
            rows.append(
                (
                    Button(tr.s(N_("Our responsibilities")), command_token("pship_resp", pid)),
                    Button(tr.s(N_("Add a commitment")), command_token("pship_commit", pid)),
                )
            )
        rows.append(shared)
    if partner and p.status == PartnershipStatus.draft:
        confirm = Button(
            tr.s(N_("✔ Confirm our participation")), command_token("pship_confirm", pid)
        )
        rows.append((confirm,))
    if partner and p.status == PartnershipStatus.active:
        rows.append((Button(tr.s(N_("Report progress")), command_token("report", pid)),))
    if (partner or coordinator) and p.status != PartnershipStatus.cancelled:
        national = Button(tr.s(N_("National plan")), command_token("pship_national", pid))
        if view.objectives:
            treaty = Button(tr.s(N_("Treaty deadline")), command_token("pship_deadline", pid))
            rows.append((national, treaty))
        else:
            rows.append((national,))
    if coordinator and p.coordinator_id is None:
        rows.append((Button(tr.s(N_("Follow it as its coordinator")), command_token("take", pid)),))
    return tuple(rows)


PROJECTED = {
    ON_TRACK: N_("on track"),
    LATE: N_("late"),
    NO_DATA: N_("not enough approved reports yet"),
    STALLED: N_("no progress toward the target"),
}


def national_lines(ctx: Ctx, view: PartnershipView) -> list[Text]:
    """The national counterpart, plan and contribution; each objective linked to a treaty
    deadline with its projected completion."""
    tr, p = ctx.tr, view.partnership
    counterpart = ctx.session.get(Organisation, p.national_counterpart_id or 0)
    if counterpart is None:  # the sweep records it soon: shown at once all the same
        place = places_of(ctx.session, ctx.vocab, [p.id or 0])[p.id or 0]
        counterpart = counterpart_for(ctx.session, place.country)
    lines = [
        tr(N_("National counterpart: {name}"), name=counterpart.name)
        if counterpart
        else tr(N_("No national counterpart registered for its country."))
    ]
    if p.national_plan:
        lines.append(tr(N_("National plan: {plan}"), plan=p.national_plan))
    if p.national_contribution:
        lines.append(tr(N_("National contribution: {what}"), what=p.national_contribution))
    for found in projections(ctx.session, p.id or 0):
        lines.append(
            tr(
                N_(
                    "“{objective}”: complete by {completion} at this pace; Article {article} "
                    "deadline {deadline} — {status}"
                ),
                objective=found.objective.title,
                completion=tr.date(found.completion),
                article=found.deadline.article,
                deadline=tr.date(found.deadline.deadline),
                status=tr.s(PROJECTED[found.status]),
            )
        )
    return lines
