"""Charts as PNG files, drawn with matplotlib's Agg backend (no display needed). Labels are
in the reader's language; every chart comes with a text that says the same without it."""

from __future__ import annotations

import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from bot.i18n import N_, Tr
from bot.messages import FOLDER_PREFIX
from core.insight import Gaps, Stats
from core.vocabularies import Vocabularies

SIZE = (10, 6)  # inches; at 100 dpi a 1000 x 600 pixel image
DPI = 100


def _output(prefix: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix=FOLDER_PREFIX))  # private: mode 0700
    return folder / f"{prefix}chart.png"


def gaps_chart(tr: Tr, vocab: Vocabularies, found: Gaps) -> Path:
    """Needed, offered and committed per area (stacked: what is committed, then what is
    still needed), beside the offers available, with the countries that lack the most."""
    figure, (bars, countries) = plt.subplots(
        1, 2, figsize=SIZE, dpi=DPI, gridspec_kw={"width_ratios": [3, 2]}
    )
    labels = [_short(tr.term(vocab.thematic_areas.get(g.area), g.area)) for g in found.areas]
    positions = range(len(found.areas))
    committed = [float(g.committed) for g in found.areas]
    needed = [float(g.needed) for g in found.areas]
    offered = [float(g.offered) for g in found.areas]
    bars.bar(
        [p - 0.2 for p in positions],
        committed,
        width=0.4,
        color="#2e7d32",
        label=tr.s(N_("committed")),
    )
    bars.bar(
        [p - 0.2 for p in positions],
        needed,
        width=0.4,
        bottom=committed,
        color="#c62828",
        label=tr.s(N_("still needed")),
    )
    bars.bar(
        [p + 0.2 for p in positions], offered, width=0.4, color="#1565c0", label=tr.s(N_("offered"))
    )
    bars.set_xticks(list(positions), labels, rotation=20, ha="right", fontsize=8)
    bars.set_ylabel(found.currency)
    bars.set_title(tr.s(N_("Needs and offers by area")))
    bars.legend(fontsize=8)
    totals: dict[str, float] = {}
    for gap in found.areas:
        for place, amount in gap.by_country.items():
            totals[place] = totals.get(place, 0.0) + float(amount)
    top = sorted(totals.items(), key=lambda item: -item[1])[:8]
    countries.barh(
        [_short(tr.country(p) if len(p) == 2 else tr.region(p)) for p, _ in top],
        [v for _, v in top],
        color="#c62828",
    )
    countries.invert_yaxis()
    countries.set_title(tr.s(N_("Still needed, by country")))
    countries.tick_params(labelsize=8)
    return _save(figure, "gaps-")


def stats_chart(tr: Tr, found: Stats) -> Path:
    figure, (usage, listings) = plt.subplots(1, 2, figsize=SIZE, dpi=DPI)
    top = found.usage.most_common(10)
    usage.barh(
        [name.split(":", 1)[1] for name, _ in top] or ["—"],
        [count for _, count in top] or [0],
        color="#1565c0",
    )
    usage.invert_yaxis()
    usage.set_title(tr.s(N_("What was used")))
    usage.tick_params(labelsize=8)
    statuses = sorted(found.listings_by_status.items())
    listings.bar(
        [status for status, _ in statuses] or ["—"],
        [count for _, count in statuses] or [0],
        color="#6a1b9a",
    )
    listings.set_title(tr.s(N_("Listings by status")))
    listings.tick_params(labelsize=8)
    return _save(figure, "stats-")


def _save(figure: plt.Figure, prefix: str) -> Path:
    path = _output(prefix)
    figure.tight_layout()
    figure.savefig(path, format="png")
    plt.close(figure)
    return path


def _short(label: str, size: int = 28) -> str:
    return label if len(label) <= size else label[: size - 1] + "…"
