"""Clusters and countries in words: a cluster's partnerships with their traffic lights, its
steering group, its rolled-up indicators, its gaps and duplication warnings; a country's
partnerships, needs, offers and gaps in one view."""

from __future__ import annotations

from sqlmodel import select

from bot.actions import command_token
from bot.dialogs.steps import Ctx
from bot.i18n import N_, NP_, Tr
from bot.messages import Button, Reply
from bot.text import Text
from core.clusters import duplicates, gaps_of, may_steer, partnerships_of, steering_of
from core.models import Cluster, PartnershipMember, ReportingSchedule
from core.partnership_places import places_of
from core.reminders import traffic_light
from core.rollup import RolledUp, rolled_up
from core.vocabularies import Vocabularies

LIGHTS = {"green": "🟢", "amber": "🟠", "red": "🔴"}
GAPS = NP_(
    "{n} gap: a need unmatched for over two months", "{n} gaps: needs unmatched for over two months"
)
SEXES = {"female": N_("women and girls"), "male": N_("men and boys"), "other": N_("other")}


def cluster_title(tr: Tr, vocab: Vocabularies, area: str | None, region: str | None) -> str:
    """The default name of a cluster: its area in its region."""
    return tr.s(
        N_("{area} in {region}"),
        area=tr.term(vocab.thematic_areas.get(area or ""), area or ""),
        region=tr.region(region),
    )


def light_of(ctx: Ctx, partnership_id: int) -> str:
    schedule = ctx.session.exec(
        select(ReportingSchedule).where(ReportingSchedule.partnership_id == partnership_id)
    ).first()
    if schedule is None:
        return "⚪"
    return LIGHTS[traffic_light(schedule.next_due, ctx.today())]


def rollup_lines(tr: Tr, groups: list[RolledUp]) -> list[Text]:
    lines = []
    for g in groups:
        share = tr.percent(g.share) if g.share is not None else "—"
        lines.append(
            tr(
                N_(
                    "  {unit}: {total} of {target} ({share}), {reported} of {n} indicators reported"
                ),
                unit=g.unit,
                total=tr.number(g.total),
                target=tr.number(g.target),
                share=share,
                reported=g.reported,
                n=g.indicators,
            )
        )
        for (sex, age), value in sorted(g.parts.items()):
            who = " ".join(x for x in (tr.s(SEXES[sex]) if sex in SEXES else sex, age) if x)
            lines.append(Text.plain(f"    {who}: {tr.number(value)}"))
    return lines


def hidden_titles(ctx: Ctx, partnership_ids: list[int]) -> set[int]:
    """The partnerships whose title the reader may not see: drafted from a restricted need,
    and the reader neither a coordinator nor one of their partners (as in /country)."""
    assert ctx.actor is not None
    if ctx.actor.is_coordinator or not partnership_ids:
        return set()
    places = places_of(ctx.session, ctx.vocab, partnership_ids)
    mine = set(
        ctx.session.exec(
            select(PartnershipMember.partnership_id).where(
                PartnershipMember.organisation_id == (ctx.actor.organisation_id or 0)
            )
        )
    )
    return {pid for pid in partnership_ids if places[pid].restricted_need and pid not in mine}


def cluster_view(ctx: Ctx, cluster: Cluster) -> Reply:
    tr, cid = ctx.tr, cluster.id or 0
    assert ctx.actor is not None
    partnerships = partnerships_of(ctx.session, cid)
    hidden = hidden_titles(ctx, [p.id or 0 for p in partnerships])
    lines = [tr(N_("🧩 **Cluster #{id}: {title}**"), id=cid, title=cluster.title)]
    lines += [
        Text.plain(
            f"{light_of(ctx, p.id or 0)} #{p.id} "
            + (tr.s(N_("a partnership")) if p.id in hidden else p.title)
        )
        for p in partnerships
    ]
    steering = steering_of(ctx.session, cid)
    names = ", ".join(s.name for s in steering) or tr.s(N_("not yet named"))
    lines.append(tr(N_("Steering group: {names}"), names=names))
    groups = rolled_up(ctx.session, [p.id or 0 for p in partnerships])
    if groups:
        lines.append(tr(N_("**Rolled-up indicators** (approved reports):")))
        lines += rollup_lines(tr, groups)
    for first, second, objective in duplicates(ctx.session, ctx.vocab, cid):
        if {first.id, second.id} & hidden:
            continue  # another's restricted need: its objectives are not told either
        lines.append(
            tr(
                N_(
                    "⚠ Possible duplication: #{a} and #{b} share the objective “{objective}” "
                    "in one place."
                ),
                a=first.id,
                b=second.id,
                objective=objective,
            )
        )
    gaps = gaps_of(ctx.session, ctx.vocab, cluster, today=ctx.today())
    rows: list[tuple[Button, ...]] = []
    steer = may_steer(ctx.session, ctx.actor, cid)
    if gaps:
        lines.append(tr.plural(*GAPS, len(gaps)))
        for need in gaps[:5]:
            lines.append(Text.plain(f"  #{need.id} {need.title}"))
            if steer:
                label = tr.s(N_("📣 Call for #{id}"), id=need.id)
                rows.append((Button(label, command_token("cluster_call", f"{cid}.{need.id}")),))
    if ctx.actor.is_coordinator:
        rows.append((Button(tr.s(N_("Steering group")), command_token("cluster_steer", cid)),))
    if groups:
        rows.append(
            (Button(tr.s(N_("Chart of the indicators")), command_token("cluster_chart", cid)),)
        )
    return Reply(Text.join(lines), tuple(rows))
