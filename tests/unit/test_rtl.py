"""Right to left and other scripts: Arabic replies isolate the Latin names, numbers and codes
put into them (English ones have no isolates); charts draw Arabic shaped and in reading order,
and Chinese in a CJK font when one is installed, else in English."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import arabic_reshaper
import pytest
from bidi import get_display

from bot import charts
from bot.i18n import N_, NP_, Tr, fold
from bot.text import FSI, PDI, Text, markup
from core.insight import AreaGap, Gaps
from core.vocabularies import default_vocabularies

if TYPE_CHECKING:
    from matplotlib.figure import Figure

SAVED = N_(
    "Saved: your need **{title}** (#{id}) is registered. I will tell you when an offer fits it."
)


def test_latin_text_in_an_arabic_reply_is_isolated() -> None:
    reply = Tr("ar")(SAVED, title="Prosthetic kits for Battambang", id=42)
    text = str(reply)
    assert f"{FSI}Prosthetic kits for Battambang{PDI}" in text
    assert f"{FSI}42{PDI}" in text
    assert text.count(FSI) == text.count(PDI) == 2  # once each, never twice
    assert any(span.bold and span.text.startswith(FSI) for span in reply.spans)


def test_plurals_and_text_parameters_are_isolated_in_arabic() -> None:
    text = str(Tr("ar").plural(*NP_("{n} need", "{n} needs"), 5))
    assert text.startswith(f"{FSI}5{PDI}")
    latin = Tr("ar")(N_("away until {date}"), date=Text.plain("2027-01-15"))
    assert f"{FSI}2027-01-15{PDI}" in str(latin)
    arabic = Tr("ar")(N_("away until {date}"), date=Text.plain("١٥ يناير"))
    assert FSI not in str(arabic)  # an Arabic fragment reads in its place already


@pytest.mark.parametrize("language", ["en", "fr", "es", "zh", "ru"])
def test_left_to_right_replies_have_no_isolates(language: str) -> None:
    text = str(Tr(language)(SAVED, title="Prosthetic kits", id=42))
    assert FSI not in text and PDI not in text
    assert "\u2068" not in str(Tr(language).plural(*NP_("{n} need", "{n} needs"), 5))


def test_isolates_do_not_get_in_the_way_of_matching() -> None:
    assert fold(f"{FSI}Cambodia{PDI}") == "cambodia"
    assert str(markup("{x}", isolate=True, x=f"{FSI}a{PDI}")) == f"{FSI}a{PDI}"


@pytest.fixture
def figures(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Figure]]:
    """The charts drawn, kept so that a test can read what they show."""
    drawn: list[Figure] = []
    save = charts._save

    def keep(figure: Figure, prefix: str) -> Any:
        drawn.append(figure)
        path = save(figure, prefix)  # drawn: the tick labels are laid out
        path.unlink()
        return path

    monkeypatch.setattr(charts, "_save", keep)
    yield drawn


def _gaps() -> Gaps:
    area = AreaGap(area="victim_assistance", needs=3, uncovered=3)
    area.places.update({"KH": 2, "IQ": 1})
    return Gaps("USD", [area], [], needs=3, places=Counter({"KH": 2, "IQ": 1}))


def _labels(figure: Figure) -> list[str]:
    shown = []
    for axes in figure.axes:
        shown.append(axes.get_title())
        shown += [t.get_text() for t in axes.get_xticklabels() + axes.get_yticklabels()]
        legend = axes.get_legend()
        if legend:
            shown += [t.get_text() for t in legend.get_texts()]
    return [label for label in shown if label]


def shaped(text: str) -> str:
    return str(get_display(arabic_reshaper.reshape(text)))


def test_an_arabic_chart_is_shaped_and_in_reading_order(figures: list[Figure]) -> None:
    tr = Tr("ar")
    charts.gaps_chart(tr, default_vocabularies(), _gaps())
    [figure] = figures
    labels = _labels(figure)
    title = tr.s(N_("Needs by area and place"))
    assert shaped(title) in labels and title not in labels
    assert shaped("مساعدة الضحايا") in labels
    assert shaped(tr.country("KH")) in labels
    assert shaped(tr.s(N_("needs with nothing accepted"))) in labels
    assert not any(c in "".join(labels) for c in (FSI, PDI))
    joined = "".join(labels)
    assert not any("\u0600" <= c <= "\u06ff" for c in joined)  # every letter in its joined form


def test_an_arabic_stats_chart_shapes_the_caller_s_labels(figures: list[Figure]) -> None:
    charts.stats_chart(Tr("ar"), usage=[("بحث", "commands", 3)], listings=[("مفتوح", 2)])
    [figure] = figures
    labels = _labels(figure)
    assert shaped("بحث") in labels and shaped("مفتوح") in labels


@pytest.mark.filterwarnings("ignore:Glyph")  # the stand-in font has no Chinese glyphs
def test_a_chinese_chart_with_a_cjk_font(
    figures: list[Figure], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(charts, "_cjk_font", lambda: "DejaVu Sans")  # stands in for Noto CJK
    tr = Tr("zh")
    charts.gaps_chart(tr, default_vocabularies(), _gaps())
    [figure] = figures
    labels = _labels(figure)
    assert "受害者援助" in labels and tr.s(N_("Needs by area and place")) in labels
    [title] = [t for a in figure.axes for t in [a.title] if t.get_text() == labels[0]] or [None]
    grid = figure.axes[1]
    assert grid.title.get_fontfamily()[0] == "DejaVu Sans"
    assert title is None or title.get_fontfamily()[0] == "DejaVu Sans"


def test_a_chinese_chart_without_one_is_labelled_in_english(
    figures: list[Figure], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(charts, "_cjk_font", lambda: None)
    charts.gaps_chart(Tr("zh"), default_vocabularies(), _gaps())
    [figure] = figures
    labels = _labels(figure)
    assert "Victim assistance" in labels and "Needs by area and place" in labels
    assert "Cambodia" in labels
    assert charts.chart_tr(Tr("zh")).language == "en"
    assert charts.chart_tr(Tr("ar")).language == "ar"  # DejaVu Sans has Arabic


def test_the_cjk_font_lookup(monkeypatch: pytest.MonkeyPatch) -> None:
    from matplotlib import font_manager

    class Font:
        def __init__(self, name: str) -> None:
            self.name = name

    monkeypatch.setattr(
        font_manager.fontManager, "ttflist", [Font("DejaVu Sans"), Font("Noto Sans CJK JP")]
    )
    charts._cjk_font.cache_clear()
    try:
        assert charts._cjk_font() == "Noto Sans CJK JP"
        monkeypatch.setattr(font_manager.fontManager, "ttflist", [Font("DejaVu Sans")])
        charts._cjk_font.cache_clear()
        assert charts._cjk_font() is None
    finally:
        charts._cjk_font.cache_clear()
