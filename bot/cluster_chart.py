"""A cluster's rolled-up indicators as a chart: per unit, the share of the targets reached
(bars to 100 %), on the charts' own canvas and rules (bot.charts)."""

from __future__ import annotations

from pathlib import Path

from bot.charts import BLUE, _figure, _literal, _save, _short
from bot.i18n import N_, Tr
from core.rollup import RolledUp


def rollup_chart(tr: Tr, title: str, groups: list[RolledUp]) -> Path:
    figure = _figure()
    ax = figure.subplots()
    labels = [_literal(_short(g.unit)) for g in groups]
    shares = [float(g.share * 100) if g.share is not None else 0.0 for g in groups]
    ax.barh(list(range(len(groups))), shares, color=BLUE)
    ax.set_yticks(list(range(len(groups))), labels, fontsize=8)
    ax.axvline(100, color="#999", linewidth=1)
    ax.set_xlim(0, max(100.0, *shares) * 1.05 if shares else 100)
    ax.invert_yaxis()
    ax.set_xlabel(tr.s(N_("Share of the targets reached (%)")))
    ax.set_title(_literal(_short(title, 80)), fontsize=9)
    return _save(figure, "cluster-")
