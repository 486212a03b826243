"""Charts as PNG files, drawn with matplotlib's Agg canvas (no display needed). Labels are
in the reader's language; every chart comes with a text that says the same without it.

matplotlib is imported when a chart is drawn, not with this module: it takes a second to
import, and every command of `partnerbot` would wait for it. A figure is drawn on a canvas of
its own rather than through pyplot, which keeps figures in a global registry and a global
backend: nothing here is shared between two charts drawn at once.

Other scripts: matplotlib draws characters one by one, left to right, without shaping. So
before a chart is saved, every label and title with Arabic letters is shaped (arabic-reshaper:
each letter in its joined form) and put in the order it is read (python-bidi); the DejaVu Sans
matplotlib ships has those forms. Chinese needs a CJK font (`apt-get install fonts-noto-cjk`);
without one, a chart for a Chinese reader is labelled in English (`chart_tr`), while the text
that comes with it stays Chinese."""

from __future__ import annotations

import re
import tempfile
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from bot.i18n import N_, Tr
from bot.messages import FOLDER_PREFIX
from bot.views import category_label, place_name
from core.consultation_synthesis import QuestionSummary
from core.insight import Gaps
from core.vocabularies import Vocabularies

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.axis import Axis
    from matplotlib.figure import Figure

SIZE = (10, 6)  # inches; at 100 dpi a 1000 x 600 pixel image
DPI = 100
MAX_PLACES = 8
GREEN, RED, BLUE = "#2e7d32", "#c62828", "#1565c0"
PALETTE = (BLUE, "#ef6c00", "#6a1b9a", "#00838f", "#5d4037")
# Fonts with the Chinese characters, the Simplified ones first; the first one installed is used.
CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Noto Sans CJK JP",
    "Noto Serif CJK SC",
    "Droid Sans Fallback",
    "AR PL UMing CN",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
)
NEEDS_CJK = frozenset({"zh"})  # the languages whose labels need a CJK font
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]")  # letters not yet shaped
_CJK = re.compile("[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")
_BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@cache
def _cjk_font() -> str | None:
    """The name of an installed font with Chinese characters, or None."""
    from matplotlib import font_manager

    installed = {font.name for font in font_manager.fontManager.ttflist}
    known = next((name for name in CJK_FONTS if name in installed), None)
    return known or next((name for name in sorted(installed) if "CJK" in name), None)


def chart_tr(tr: Tr) -> Tr:
    """The language a chart's labels are drawn in: the reader's, or English when the
    reader's needs a font that is not installed (Chinese without a CJK font)."""
    if tr.language in NEEDS_CJK and _cjk_font() is None:
        return Tr("en")
    return tr


def drawable(text: str) -> str:
    """A label as matplotlib must be given it: Arabic shaped and in visual order (isolates
    and direction marks, which it would draw as boxes, are dropped); other text as it is."""
    if not _ARABIC.search(text):
        return _BIDI_CONTROLS.sub("", text)
    import arabic_reshaper
    from bidi import get_display  # the full algorithm, isolates included

    return _BIDI_CONTROLS.sub("", str(get_display(arabic_reshaper.reshape(text))))


def _output(prefix: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix=FOLDER_PREFIX))  # private: mode 0700
    return folder / f"{prefix}chart.png"


def gaps_chart(tr: Tr, vocab: Vocabularies, found: Gaps) -> Path:
    """Per area, the money needed, offered and committed when the needs give amounts, else
    how many needs and offers there are; beside it, how many needs each area has in each
    place, which says where the gaps are whether or not anybody gave an amount."""
    tr = chart_tr(tr)
    figure = _figure()
    bars, places = figure.subplots(1, 2, gridspec_kw={"width_ratios": [3, 2]})
    labels = [_short(tr.term(vocab.thematic_areas.get(g.area), g.area)) for g in found.areas]
    if found.has_amounts:
        _money_bars(tr, bars, found)
    else:
        _count_bars(tr, bars, found)
    bars.set_xticks(list(range(len(labels))), labels, rotation=20, ha="right", fontsize=8)
    bars.legend(fontsize=8)
    _places_grid(tr, places, labels, found)
    return _save(figure, "gaps-")


def _money_bars(tr: Tr, bars: Axes, found: Gaps) -> None:
    """Stacked: what is committed, then what is still needed; beside, what offers hold."""
    positions = range(len(found.areas))
    committed = [float(g.committed) for g in found.areas]
    needed = [float(g.needed) for g in found.areas]
    offered = [float(g.offered) for g in found.areas]
    left = [p - 0.2 for p in positions]
    bars.bar(left, committed, width=0.4, color=GREEN, label=tr.s(N_("committed")))
    bars.bar(left, needed, width=0.4, bottom=committed, color=RED, label=tr.s(N_("still needed")))
    bars.bar(
        [p + 0.2 for p in positions], offered, width=0.4, color=BLUE, label=tr.s(N_("offered"))
    )
    bars.set_ylabel(found.currency)
    bars.set_title(tr.s(N_("Needs and offers by area")))


def _count_bars(tr: Tr, bars: Axes, found: Gaps) -> None:
    """Stacked: needs with something accepted, then needs with nothing; beside, the offers."""
    positions = range(len(found.areas))
    uncovered = [g.uncovered for g in found.areas]
    accepted = [g.needs - g.uncovered for g in found.areas]
    offers = [g.offers for g in found.areas]
    left = [p - 0.2 for p in positions]
    bars.bar(left, accepted, width=0.4, color=GREEN, label=tr.s(N_("needs with a match accepted")))
    bars.bar(
        left,
        uncovered,
        width=0.4,
        bottom=accepted,
        color=RED,
        label=tr.s(N_("needs with nothing accepted")),
    )
    bars.bar(
        [p + 0.2 for p in positions], offers, width=0.4, color=BLUE, label=tr.s(N_("open offers"))
    )
    _integer_ticks(bars.yaxis)
    bars.set_ylabel(tr.s(N_("number of listings")))
    bars.set_title(tr.s(N_("Needs and offers by area")))


def _places_grid(tr: Tr, grid: Axes, labels: list[str], found: Gaps) -> None:
    """Needs per area (rows) and place (columns), each cell with its count; the places with
    the most needs, at most MAX_PLACES of them."""
    top = [place for place, _ in found.places.most_common(MAX_PLACES)]
    counts = [[g.places.get(place, 0) for place in top] for g in found.areas]
    grid.imshow(counts or [[0]], cmap="Reds", aspect="auto", vmin=0)
    most = max((n for values in counts for n in values), default=0)
    for row, values in enumerate(counts):
        for column, n in enumerate(values):
            if n:  # white on the darker cells, so that every count stays legible
                colour = "white" if n > most / 2 else "black"
                grid.text(column, row, str(n), ha="center", va="center", fontsize=9, color=colour)
    grid.set_xticks(
        list(range(len(top))),
        [_short(place_name(tr, p), 16) for p in top],
        rotation=30,
        ha="right",
        fontsize=8,
    )
    grid.set_yticks(list(range(len(labels))), labels, fontsize=8)
    grid.set_title(tr.s(N_("Needs by area and place")))


def stats_chart(
    tr: Tr, *, usage: list[tuple[str, str, int]], listings: list[tuple[str, int]]
) -> Path:
    """What was used (label, category, count), coloured by category, beside the listings by
    status; the labels come translated from the caller (in chart_tr(tr)'s language)."""
    tr = chart_tr(tr)
    figure = _figure()
    used, by_status = figure.subplots(1, 2)
    colours = dict(zip(sorted({c for _, c, _ in usage}), PALETTE, strict=False))
    for category in colours:  # one bar series per category, for the legend
        rows = [(i, n) for i, (_, c, n) in enumerate(usage) if c == category]
        used.barh(
            [i for i, _ in rows],
            [n for _, n in rows],
            color=colours[category],
            label=category_label(tr, category),
        )
    used.set_yticks(list(range(len(usage))), [_short(label) for label, _, _ in usage])
    if usage:
        used.legend(fontsize=8)
    used.invert_yaxis()
    _integer_ticks(used.xaxis)
    used.set_title(tr.s(N_("What was used")))
    used.tick_params(labelsize=8)
    by_status.bar(
        [label for label, _ in listings] or ["—"],
        [count for _, count in listings] or [0],
        color="#6a1b9a",
    )
    _integer_ticks(by_status.yaxis)
    by_status.set_title(tr.s(N_("Listings by status")))
    by_status.tick_params(labelsize=8)
    return _save(figure, "stats-")


def consultation_chart(tr: Tr, summaries: list[QuestionSummary]) -> Path:
    """One bar chart per question with choices: how many chose each. The choices are the
    coordinator's words, drawn as typed (no mathtext)."""
    tr = chart_tr(tr)
    figure = _figure()
    shown = summaries[:6]
    axes = figure.subplots(len(shown), 1, squeeze=False)
    for (ax,), summary in zip(axes, shown, strict=True):
        labels = [_literal(_short(c)) for c, _ in summary.counts]
        if summary.question.kind == "yes_no":
            labels = [tr.s(N_("Yes")), tr.s(N_("No"))]
        ax.barh(list(range(len(labels))), [n for _, n in summary.counts], color=BLUE)
        ax.set_yticks(list(range(len(labels))), labels, fontsize=8)
        ax.invert_yaxis()
        _integer_ticks(ax.xaxis)
        ax.set_title(
            _literal(_short(f"{summary.question.index + 1}. {summary.question.text}", 80)),
            fontsize=9,
        )
    return _save(figure, "consultation-")


def _literal(text: str) -> str:
    """People's text as matplotlib draws it literally: a $ would start a formula."""
    return text.replace("$", r"\$")


def _figure() -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=SIZE, dpi=DPI)
    FigureCanvasAgg(figure)  # draws it, for tight_layout and the PNG
    return figure


def _integer_ticks(axis: Axis) -> None:
    """Whole numbers only on an axis of counts: no "2.5 needs"."""
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True))


def _save(figure: Figure, prefix: str) -> Path:
    path = _output(prefix)
    _script(figure)
    figure.tight_layout()
    figure.savefig(path, format="png")
    return path


def _script(figure: Figure) -> None:
    """Every label, title, legend and tick label of the figure made drawable (Arabic shaped
    and ordered), in a CJK font where it has Chinese characters and one is installed."""
    from matplotlib.category import StrCategoryFormatter
    from matplotlib.text import Text as Label
    from matplotlib.ticker import FixedFormatter, FuncFormatter

    for axes in figure.axes:
        for axis in (axes.xaxis, axes.yaxis):
            given = axis.get_major_formatter()  # labels given as text: set again when drawn
            if isinstance(given, FixedFormatter | FuncFormatter | StrCategoryFormatter):
                axis.set_major_formatter(
                    FuncFormatter(lambda x, pos, given=given: drawable(str(given(x, pos))))
                )
    font = _cjk_font()
    for label in figure.findobj(Label):
        text = label.get_text()
        shown = drawable(text)
        if shown != text:
            label.set_text(shown)
        if font and _CJK.search(shown):
            label.set_fontfamily([font, "DejaVu Sans"])


def _short(label: str, size: int = 28) -> str:
    return label if len(label) <= size else label[: size - 1] + "…"
