"""Coordinators' gaps and figures: each a chart with a text that says the same, for a thematic
area, a region and a period."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from decimal import Decimal

from babel.lists import format_list

from bot.charts import chart_tr, gaps_chart, stats_chart
from bot.dialogs.matches import STATUS_LABELS as MATCH_LABELS
from bot.dialogs.people import KIND_LABELS
from bot.dialogs.steps import Choice, Ctx, Dialog, Kind, Step
from bot.i18n import N_, NP_, Tr
from bot.messages import Attachment, Reply
from bot.text import Text
from bot.views import STATUS_LABELS, category_label, place_name, usage_label
from core.insight import AreaGap, gaps, stats
from core.visits import visits_between

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


NEEDS = NP_(
    "{n} need ({uncovered} with nothing accepted yet)",
    "{n} needs ({uncovered} with nothing accepted yet)",
)
OFFERS = NP_("{n} open offer", "{n} open offers")
OLDEST = NP_("the oldest is {n} day old", "the oldest is {n} days old")
TOTAL_NEEDS = NP_("{n} need", "{n} needs")
REPORTS = NP_(
    "Reports: {on_time} of {n} due was sent on time",
    "Reports: {on_time} of {n} due were sent on time",
)


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
    lines = [
        tr(N_("**Gaps** — amounts in {currency}"), currency=found.currency)
        if found.has_amounts
        else tr(N_("**Gaps**"))
    ]
    for gap in found.areas:
        lines.append(
            tr(
                N_("• {area}: {facts}"),
                area=tr.term(ctx.vocab.thematic_areas.get(gap.area), gap.area),
                facts=" · ".join(_gap_facts(tr, gap, found.currency)),
            )
        )
    if len(found.areas) > 1:
        lines.append(
            tr(
                N_("In all: {needs} and {offers}; a listing in several areas counts once."),
                needs=tr.plural(*TOTAL_NEEDS, found.needs),
                offers=tr.plural(*OFFERS, found.offers),
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


def _gap_facts(tr: Tr, gap: AreaGap, currency: str) -> list[str]:
    """One area's figures, each said only when there is something to say: no "$0.00 still
    needed" for needs counted in kits, nor for needs that give no amount at all."""
    facts = [str(tr.plural(*NEEDS, gap.needs, uncovered=gap.uncovered))]
    needed = _amounts(tr, gap.needed if gap.priced else None, gap.quantities, currency)
    if needed:
        facts.append(tr.s(N_("{amounts} still needed"), amounts=needed))
    facts.append(str(tr.plural(*OFFERS, gap.offers)))
    offered = _amounts(tr, gap.offered or None, gap.offered_quantities, currency)
    if offered:
        facts.append(tr.s(N_("{amounts} offered"), amounts=offered))
    if gap.committed:
        facts.append(tr.s(N_("{amounts} committed"), amounts=tr.money(gap.committed, currency)))
    facts.append(str(tr.plural(*OLDEST, gap.oldest_days)))
    return facts


def _amounts(tr: Tr, money: Decimal | None, quantities: Counter, currency: str) -> str:
    """'$40,000.00 and 40 kits', in the reader's language; empty when there is nothing."""
    parts = [tr.money(money, currency)] if money is not None else []
    parts += [f"{tr.number(q)} {unit}".strip() for unit, q in sorted(quantities.items())]
    return format_list(parts, locale=tr.language) if parts else ""


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
    median = _days(tr, found.median_days_to_match)
    lines = [
        tr(N_("**Figures for the last {days} days**"), days=days),
        tr(
            N_("People by kind of organisation: {values}"),
            values=_listed(_labelled(found.stakeholders_by_kind, tr, KIND_LABELS)),
        ),
        tr(
            N_("People by country: {values}"),
            values=_listed(
                Counter({place_name(tr, c): n for c, n in found.stakeholders_by_country.items()})
            ),
        ),
        tr(
            N_("Listings by status: {values}"),
            values=_listed(_labelled(found.listings_by_status, tr, STATUS_LABELS)),
        ),
        tr(
            N_("Matches: {values}; median time from a need to its match: {median}"),
            values=_listed(_labelled(found.matches, tr, MATCH_LABELS)),
            median=median,
        ),
        tr(
            N_(
                "Matches proposed: {proposed}; accepted by both sides: {accepted}; led to "
                "cooperation: {realised}; median time from proposal to acceptance: {median}"
            ),
            proposed=found.matches_proposed,
            accepted=found.matches_accepted,
            realised=found.matches_realised,
            median=_days(tr, found.median_days_to_accept),
        ),
        tr.plural(*REPORTS, found.reports_due, on_time=found.reports_on_time),
        tr(
            N_("Active users: {n}; what they used: {values}"),
            n=found.active_users,
            values=_usage_text(tr, found.usage),
        ),
        _web_visits(ctx, days),
    ]
    drawn = chart_tr(tr)  # English on a chart when its reader's script has no font here
    chart = stats_chart(
        tr,
        usage=[(usage_label(drawn, k), category, n) for k, category, n in _used(found.usage)][:10],
        listings=sorted(_labelled(found.listings_by_status, drawn, STATUS_LABELS).items()),
    )
    return [
        Reply(
            Text.join(lines), attachment=Attachment("stats.png", chart, "image/png", is_image=True)
        )
    ]


def _days(tr: Tr, days: float | None) -> str:
    return tr.s(N_("{days} days"), days=round(days, 1)) if days is not None else "—"


WEB_PAGES = {
    "home": N_("home page"),
    "offers": N_("offers"),
    "needs": N_("needs"),
    "listing": N_("a listing"),
    "organisation": N_("an organisation"),
    "gaps": N_("gaps"),
    "feed": N_("feeds"),
    "api": N_("the API"),
    "iati": N_("the IATI file"),
}


def _web_visits(ctx: Ctx, days: int) -> Text:
    """The public web's visits over the same days, beside the chat's use: by type of
    information, then the filters most asked for."""
    today = ctx.now().date()
    rows = visits_between(ctx.session, today - timedelta(days=days - 1), today)
    tr = ctx.tr
    pages = Counter(
        {tr.s(WEB_PAGES.get(r.kind, r.kind)): r.count for r in rows if not r.filter_name}
    )
    filters: Counter = Counter()
    for row in rows:
        if row.filter_name:
            filters[_filter_label(ctx, row.filter_name, row.filter_value)] += row.count
    return tr(
        N_("Web visits: {values}; filters most used: {filters}"),
        values=_listed(pages),
        filters=_listed(Counter(dict(filters.most_common(5)))),
    )


def _filter_label(ctx: Ctx, name: str, value: str) -> str:
    """A filter as people read it: Cambodia, Needs, Victim assistance."""
    tr, vocab = ctx.tr, ctx.vocab
    if name in ("country", "region"):
        return place_name(tr, value)
    if name == "kind":
        return tr.s(WEB_PAGES.get(f"{value}s", value))
    if name == "area":
        return tr.term(vocab.thematic_areas.get(value), value)
    if name == "assistance_type":
        return tr.term(vocab.assistance_types.get(value), value)
    if name == "modality":
        return tr.term(vocab.modalities.get(value), value)
    return value


def _labelled(counter: Counter, tr: Tr, labels: dict[str, str]) -> Counter:
    """The counts under their translated labels; a code without a label keeps its code."""
    result: Counter = Counter()
    for code, n in counter.items():
        result[tr.s(labels[code]) if code in labels else code] += n
    return result


def _listed(counter: Counter) -> str:
    """'Cambodia (3), Norway (1)': the most first; the brackets read alike in every language."""
    ordered = sorted(counter.items(), key=lambda item: (-item[1], item[0]))
    return ", ".join(f"{label} ({n})" for label, n in ordered) or "—"


# A button that does nothing ("noop", the label of a keyboard row): pressing it uses nothing.
UNUSED = frozenset({"noop"})


def _used(usage: Counter) -> list[tuple[str, str, int]]:
    """(key, category, count), the most used first, without the button that does nothing."""
    return [
        (key, key.partition(":")[0], n)
        for key, n in usage.most_common()
        if key.partition(":")[2] not in UNUSED
    ]


def _usage_text(tr: Tr, usage: Counter) -> str:
    """'Commands: New need (3), Search (2) · Forms saved: New need (2)'."""
    groups: dict[str, list[str]] = {}
    for key, category, count in _used(usage):
        groups.setdefault(category, []).append(f"{usage_label(tr, key)} ({count})")
    return (
        " · ".join(
            tr.s(
                N_("{category}: {names}"),
                category=category_label(tr, category),
                names=", ".join(names[:6]),
            )
            for category, names in groups.items()
        )
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
