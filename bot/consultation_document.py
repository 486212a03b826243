"""A consultation's synthesis as a document to annex to a meeting's report: one HTML file,
self-contained (its chart inside it), which a browser prints and a word processor opens.
Everything people typed is escaped."""

from __future__ import annotations

import base64
from decimal import Decimal
from html import escape
from pathlib import Path

from bot.charts import consultation_chart
from bot.consultation_views import (
    AUDIENCES,
    KINDS,
    STATUS,
    answer_text,
    audience_words,
    deadline_day,
)
from bot.dialogs.people import KIND_LABELS
from bot.i18n import N_, NP_, Tr
from core.consultation_audience import Audience
from core.consultation_synthesis import UNKNOWN, QuestionSummary, Synthesis
from core.models.consultation import ConsultationStatus, QuestionKind
from core.models.enums import OrganisationKind
from core.vocabularies import Vocabularies

ANSWERS = NP_("{n} answer", "{n} answers")
STYLE = (
    "body{font-family:sans-serif;max-width:48em;margin:2em auto;line-height:1.4}"
    "table{border-collapse:collapse}td,th{border:1px solid #999;padding:.2em .5em}"
    "blockquote{margin:.3em 1em;color:#333}"
)


RTL = ' dir="rtl"'  # an Arabic document reads right to left


def write_document(tr: Tr, vocab: Vocabularies, synthesis: Synthesis, folder: Path) -> Path:
    path = folder / f"consultation-{synthesis.consultation.id}.html"
    path.write_text(document(tr, vocab, synthesis), encoding="utf-8")
    return path


def document(tr: Tr, vocab: Vocabularies, synthesis: Synthesis) -> str:
    c = synthesis.consultation
    audience = Audience.of(c.audience)
    facts = [
        (tr.s(N_("Status")), tr.s(STATUS[ConsultationStatus(c.status)])),
        (
            tr.s(N_("Audience")),
            f"{tr.s(AUDIENCES[audience.kind])}: {audience_words(tr, vocab, audience)}",
        ),
        (tr.s(N_("Deadline")), deadline_day(tr, c.deadline, "UTC")),
        (tr.s(N_("Invited")), str(synthesis.invited)),
        (tr.s(N_("Answered")), str(synthesis.answered)),
        (tr.s(N_("Response rate")), tr.percent(Decimal(str(round(synthesis.rate, 4))))),
        (tr.s(N_("Anonymous")), tr.s(N_("Yes") if c.anonymous else N_("No"))),
    ]
    parts = [
        f'<!doctype html><html lang="{escape(tr.language)}"{RTL if tr.rtl else ""}>'
        '<head><meta charset="utf-8">',
        f"<title>{escape(c.title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{escape(c.title)}</h1>",
        "<table>",
        *(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in facts),
        "</table>",
    ]
    counted = [s for s in synthesis.questions if s.counts and s.answered]
    if counted:
        png = base64.b64encode(consultation_chart(tr, counted).read_bytes()).decode()
        parts.append(
            f'<p><img alt="" style="max-width:100%" src="data:image/png;base64,{png}"></p>'
        )
    for summary in synthesis.questions:
        parts += _question(tr, summary)
    if synthesis.missing:
        parts.append(f"<h2>{escape(tr.s(N_('Not answered')))}</h2><ul>")
        parts += [
            f"<li>{escape(m.name)}{escape(f' ({m.organisation})' if m.organisation else '')}</li>"
            for m in synthesis.missing
        ]
        parts.append("</ul>")
    parts.append("</body></html>")
    return "\n".join(parts)


def _question(tr: Tr, s: QuestionSummary) -> list[str]:
    q = s.question
    head = f"<h2>{q.index + 1}. {escape(q.text)}</h2><p><em>{escape(tr.s(KINDS[q.kind]))}"
    parts = [head + f" · {escape(str(tr.plural(*ANSWERS, s.answered)))}</em></p>"]
    if s.counts:
        parts.append("<table>")
        yes_no = q.kind == QuestionKind.yes_no
        for choice, n in s.counts:
            label = answer_text(tr, q, choice) if yes_no else choice
            parts.append(f"<tr><td>{escape(label)}</td><td>{n}</td></tr>")
        parts.append("</table>")
    elif s.median is not None and s.low is not None and s.high is not None:
        line = tr.s(
            N_("Median {median}, from {low} to {high}"),
            median=tr.number(s.median),
            low=tr.number(s.low),
            high=tr.number(s.high),
        )
        parts.append(f"<p>{escape(line)}</p>")
    elif s.earliest is not None:
        first, last = answer_text(tr, q, s.earliest), answer_text(tr, q, s.latest)
        parts.append(f"<p>{escape(first)} – {escape(last)}</p>")
    for group in s.groups:
        if group.country != UNKNOWN or group.organisation_kind != UNKNOWN:
            place = tr.country(group.country) if group.country else "—"
            kind = (
                tr.s(KIND_LABELS[OrganisationKind(group.organisation_kind)])
                if group.organisation_kind
                else "—"
            )
            parts.append(f"<h3>{escape(place)} · {escape(kind)}</h3>")
        parts += [f"<blockquote>{escape(text)}</blockquote>" for text in group.texts]
    return parts
