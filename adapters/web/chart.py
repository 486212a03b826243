"""The gaps chart, drawn as SVG from the same figures as the table beside it: per thematic
area, the needs (with a match accepted, then with nothing accepted) and the open offers, as
horizontal bars that fit a phone. Attributes, not styles, so that the CSP holds."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from core.insight import Gaps

WIDTH = 560
LEFT = 8  # where bars start
BAR = 16  # one bar's height
GROUP = 68  # an area's label and its two bars
TOP = 80  # the legend above the groups, one line per colour
VALUE_ROOM = 56  # room kept right of the longest bar for its number


@dataclass(frozen=True)
class Bar:
    y: int
    parts: tuple[tuple[str, float, float], ...]  # (what it counts, x, width), side by side
    end: float  # where the bar ends, for its number
    text: str


@dataclass(frozen=True)
class Group:
    label: str
    y: int
    needs: Bar
    offers: Bar


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    groups: tuple[Group, ...]


def height(gaps: Gaps) -> int:
    return TOP + max(len(gaps.areas), 1) * GROUP


def gaps_chart(gaps: Gaps, label_of: dict[str, str], number: Callable[[int], str]) -> Chart:
    """`label_of`: each area's name; `number`: a count as the reader writes numbers."""
    most = max([*(g.needs for g in gaps.areas), *(g.offers for g in gaps.areas), 1])
    scale = (WIDTH - LEFT - VALUE_ROOM) / most
    groups = []
    for index, gap in enumerate(gaps.areas):
        y = TOP + index * GROUP
        accepted = (gap.needs - gap.uncovered) * scale
        uncovered = gap.uncovered * scale
        needs = Bar(
            y + 22,
            (("accepted", LEFT, accepted), ("uncovered", LEFT + accepted, uncovered)),
            LEFT + accepted + uncovered,
            number(gap.needs),
        )
        offers = Bar(
            y + 22 + BAR + 4,
            (("offers", LEFT, gap.offers * scale),),
            LEFT + gap.offers * scale,
            number(gap.offers),
        )
        groups.append(Group(label_of.get(gap.area, gap.area), y, needs, offers))
    return Chart(WIDTH, height(gaps), tuple(groups))
