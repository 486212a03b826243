"""Coordinators' gaps and figures: each a chart with a text that says the same, for a thematic
area, a region and a period."""

from __future__ import annotations

from datetime import timedelta

from bot.charts import gaps_chart, stats_chart
from bot.dialogs.steps import Choice, Ctx, Dialog, Kind, Step
from bot.i18n import N_
from bot.messages import Attachment, Reply
from bot.text import Text
from core.insight import gaps, stats

ANY = "any"


def _areas(ctx: Ctx) -> list[Choice]:
    return [
        Choice(ANY, ctx.tr.s(N_("Every area"))),
        *(Choice(t.code, ctx.tr.term(t)) for t in ctx.vocab.thematic_areas),
    ]


def _regions(ctx: Ctx) -> list[Choice]:
    regions = sorted(ctx.vocab.regions, key=ctx.tr.region)
    return [
        Choice(ANY, ctx.tr.s(N_("Everywhere"))),
        *(Choice(code, ctx.tr.region(code)) for code in regions),
    ]


def _periods(ctx: Ctx) -> list[Choice]:
    return [
        Choice("0", ctx.tr.s(N_("Since the start"))),
        Choice("90", ctx.tr.s(N_("Registered in the last 90 days"))),
        Choice("365", ctx.tr.s(N_("Registered in the last year"))),
    ]


def _save_gaps(ctx: Ctx) -> list[Reply]:
    area, region, days = ctx.answer("area"), ctx.answer("region"), int(ctx.answer("period"))
    found = gaps(
        ctx.session,
        ctx.vocab,
        ctx.now(),
        area=None if area == ANY else area,
        region=None if region == ANY else region,
        since=ctx.now() - timedelta(days=days) if days else None,
    )
    if not found.areas:
        return [Reply(ctx.tr(N_("No open needs match these filters: no gap to show.")))]
    tr = ctx.tr
    lines = [tr(N_("**Gaps** — amounts in {currency}"), currency=found.currency)]
    for gap in found.areas:
        lines.append(
            tr(
                N_(
                    "• {area}: {needs} needs ({uncovered} with nothing accepted yet), "
                    "{needed} still needed, {offered} offered, {committed} committed; "
                    "the oldest is {days} days old"
                ),
                area=tr.term(ctx.vocab.thematic_areas.get(gap.area), gap.area),
                needs=gap.needs,
                uncovered=gap.uncovered,
                needed=tr.money(gap.needed, found.currency),
                offered=tr.money(gap.offered, found.currency),
                committed=tr.money(gap.committed, found.currency),
                days=gap.oldest_days,
            )
        )
    if found.other_currencies:
        lines.append(
            tr(
                N_("Needs in other currencies are counted but not summed: {codes}."),
                codes=", ".join(found.other_currencies),
            )
        )
    chart = gaps_chart(tr, ctx.vocab, found)
    return [
        Reply(
            Text.join(lines), attachment=Attachment("gaps.png", chart, "image/png", is_image=True)
        )
    ]


def _stat_periods(ctx: Ctx) -> list[Choice]:
    return [
        Choice(str(days), ctx.tr.s(label))
        for days, label in (
            (7, N_("The last 7 days")),
            (30, N_("The last 30 days")),
            (90, N_("The last 90 days")),
            (365, N_("The last year")),
        )
    ]


def _save_stats(ctx: Ctx) -> list[Reply]:
    days = int(ctx.answer("period"))
    found = stats(ctx.session, ctx.now(), days)
    tr = ctx.tr
    median = (
        tr.s(N_("{days} days"), days=round(found.median_days_to_match, 1))
        if found.median_days_to_match is not None
        else "—"
    )

    def listed(counter: object) -> str:
        return ", ".join(f"{k} {v}" for k, v in sorted(counter.items())) or "—"  # type: ignore

    lines = [
        tr(N_("**Figures for the last {days} days**"), days=days),
        tr(
            N_("People by kind of organisation: {values}"),
            values=listed(found.stakeholders_by_kind),
        ),
        tr(N_("People by country: {values}"), values=listed(found.stakeholders_by_country)),
        tr(N_("Listings by status: {values}"), values=listed(found.listings_by_status)),
        tr(
            N_("Matches: {values}; median time from a need to its match: {median}"),
            values=listed(found.matches),
            median=median,
        ),
        tr(
            N_("Reports: {on_time} of {due} due were sent on time"),
            on_time=found.reports_on_time,
            due=found.reports_due,
        ),
        tr(
            N_("Active users: {n}; what they used: {values}"),
            n=found.active_users,
            values=_usage_text(found.usage),
        ),
    ]
    chart = stats_chart(tr, found)
    return [
        Reply(
            Text.join(lines), attachment=Attachment("stats.png", chart, "image/png", is_image=True)
        )
    ]


def _usage_text(usage: object) -> str:
    """'command: need 3, search 2 · dialog: need 2 · info: mine 4'."""
    groups: dict[str, list[str]] = {}
    for key, count in usage.most_common():  # type: ignore[attr-defined]
        category, _, name = key.partition(":")
        groups.setdefault(category, []).append(f"{name} {count}")
    return (
        " · ".join(f"{category}: {', '.join(names[:6])}" for category, names in groups.items())
        or "—"
    )


def figure_dialogs() -> list[Dialog]:
    return [
        Dialog(
            "gaps",
            N_("Gaps"),
            (
                Step("area", N_("Which thematic area?"), Kind.choice, choices=_areas, columns=1),
                Step("region", N_("Where?"), Kind.choice, choices=_regions),
                Step("period", N_("Which needs?"), Kind.choice, choices=_periods, columns=1),
            ),
            _save_gaps,
            confirm=False,
            slow=True,
        ),
        Dialog(
            "stats",
            N_("Figures"),
            (Step("period", N_("Over which period?"), Kind.choice, choices=_stat_periods),),
            _save_stats,
            confirm=False,
            slow=True,
        ),
    ]
