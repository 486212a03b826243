"""Reports as reviewers and partners read them: each indicator's value with its breakdown,
against its baseline and target, with the progress made ("20 of 40 people (50 %) · women 12,
men 8"), and where a report stands."""

from __future__ import annotations

from decimal import Decimal

from bot.actions import command_token
from bot.i18n import N_, Tr
from bot.messages import Button
from bot.text import Text
from core.models import ProgressReport
from core.models.enums import ReportStatus
from core.reporting import Figure

SEX = {"female": N_("women"), "male": N_("men"), "other": N_("other")}
STANDING = {
    ReportStatus.draft: N_("draft"),
    ReportStatus.submitted: N_("with the coordinator"),
    ReportStatus.approved: N_("approved"),
    ReportStatus.returned: N_("returned for revision"),
}


def figure_text(tr: Tr, figure: Figure) -> Text:
    indicator = figure.indicator
    if figure.total is None:
        return tr(N_("{name}: not reported"), name=indicator.name)
    line = tr(
        N_("{name}: {value} of {target} {unit}"),
        name=indicator.name,
        value=tr.number(figure.total),
        target=tr.number(indicator.target),
        unit=indicator.unit,
    )
    if indicator.baseline:
        line = line + " " + tr(N_("(from {baseline})"), baseline=tr.number(indicator.baseline))
    share = figure.share
    if share is not None:
        line = line + f" ({tr.percent(max(share, Decimal(0)))})"
    if figure.parts:
        parts = ", ".join(_part(tr, sex, age, value) for sex, age, value in figure.parts)
        line = line + " · " + parts
    return line


def _part(tr: Tr, sex: str, age: str, value: Decimal) -> str:
    who = " ".join(x for x in (tr.s(SEX[sex]) if sex in SEX else sex, age) if x)
    return f"{who} {tr.number(value)}"


def report_lines(tr: Tr, report: ProgressReport, figures: list[Figure]) -> list[Text]:
    """A report's period, where it stands, its figures and its words."""
    lines = [
        tr(
            N_("**Report for the period to {due}** — {standing}"),
            due=tr.date(report.period_end),
            standing=tr(STANDING[ReportStatus(report.status)]),
        )
    ]
    lines += [Text.plain("• ") + figure_text(tr, figure) for figure in figures]
    if report.narrative:
        lines.append(Text.plain(report.narrative))
    if report.challenges:
        lines.append(tr(N_("Challenges: {text}"), text=report.challenges))
    if report.help_needed:
        lines.append(tr(N_("Help needed: {text}"), text=report.help_needed))
    if report.status == ReportStatus.returned and report.review_comment:
        lines.append(tr(N_("The coordinator's comment: {comment}"), comment=report.review_comment))
    return lines


def review_buttons(tr: Tr, report: ProgressReport) -> tuple[tuple[Button, ...], ...]:
    if report.status != ReportStatus.submitted:
        return ()
    return (
        (
            Button(tr.s(N_("✔ Approve")), command_token("approve", report.id or 0)),
            Button(tr.s(N_("↩ Return for revision")), command_token("return", report.id or 0)),
        ),
    )
