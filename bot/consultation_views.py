"""Consultations in words and buttons: a draft as its author sees it (with the audience's size
before sending), a consultation as a participant sees it (with their own answers), and the
synthesis (counts, median and range, free text by country and kind of organisation, the
response rate and, unless anonymous, who has not answered)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from bot.actions import command_token
from bot.dialogs.people import KIND_LABELS, ROLE_CHOICES
from bot.dialogs.steps import Ctx
from bot.i18n import N_, NP_, Tr
from bot.messages import Button, Reply
from bot.text import Text, markup
from core.consultation_audience import Audience
from core.consultation_synthesis import UNKNOWN, QuestionSummary, Synthesis
from core.consultations import MAX_QUESTIONS, Question, audience_size, questions_of
from core.models import Consultation, ConsultationResponse
from core.models.consultation import AudienceKind, ConsultationStatus, QuestionKind
from core.models.enums import OrganisationKind, Role
from core.quiet_hours import zone
from core.vocabularies import Vocabularies

KINDS = {
    QuestionKind.text: N_("Free text"),
    QuestionKind.choice: N_("One choice"),
    QuestionKind.multi: N_("Several choices"),
    QuestionKind.number: N_("A number"),
    QuestionKind.yes_no: N_("Yes or no"),
    QuestionKind.date: N_("A date"),
}
AUDIENCES = {
    AudienceKind.everyone: N_("Everyone"),
    AudienceKind.role: N_("People of a role"),
    AudienceKind.organisation_kind: N_("A kind of organisation"),
    AudienceKind.country: N_("A country"),
    AudienceKind.region: N_("A region"),
    AudienceKind.partnerships: N_("The partners of partnerships"),
}
ROLE_NAMES = {
    Role.field_contact: N_("field contacts"),
    Role.donor: N_("donors and providers"),
    Role.coordinator: N_("coordinators"),
    Role.admin: N_("administrators"),
}
STATUS = {
    ConsultationStatus.draft: N_("draft"),
    ConsultationStatus.open: N_("open"),
    ConsultationStatus.closed: N_("closed"),
}
SHOWN_TEXTS = 5  # free-text answers per group in the chat; the export holds them all
INVITED = NP_(
    "📋 **You are consulted: {title}.** {n} question, answers by {date}.",
    "📋 **You are consulted: {title}.** {n} questions, answers by {date}.",
)
REMINDED = NP_(
    "⏰ **{title}**: your answers are awaited, by {date} ({n} question).",
    "⏰ **{title}**: your answers are awaited, by {date} ({n} questions).",
)
MEDIAN = NP_(
    "  Median {median}, from {low} to {high} ({n} answer)",
    "  Median {median}, from {low} to {high} ({n} answers)",
)
RESPONSES = NP_("{n} of {invited} answered ({rate})", "{n} of {invited} answered ({rate})")
assert set(ROLE_CHOICES) <= set(ROLE_NAMES)


def deadline_day(tr: Tr, deadline: datetime, timezone: str) -> str:
    """The last day to answer, where the reader is (the deadline is the end of a day)."""
    return tr.date((deadline - timedelta(seconds=1)).astimezone(zone(timezone)).date())


def audience_words(tr: Tr, vocab: Vocabularies, audience: Audience) -> str:
    values = audience.values
    if audience.kind == AudienceKind.everyone:
        return tr.s(N_("everyone"))
    if audience.kind == AudienceKind.role:
        return ", ".join(tr.s(ROLE_NAMES[Role(v)]) for v in values)
    if audience.kind == AudienceKind.organisation_kind:
        return ", ".join(tr.s(KIND_LABELS[OrganisationKind(v)]) for v in values)
    if audience.kind == AudienceKind.country:
        return ", ".join(tr.country(v) for v in values)
    if audience.kind == AudienceKind.region:
        return ", ".join(tr.region(v) for v in values)
    return tr.s(N_("the partners of partnerships {ids}"), ids=", ".join(f"#{v}" for v in values))


def _question_line(tr: Tr, question: Question) -> Text:
    kind = tr.s(KINDS[question.kind])
    line = tr(N_("{n}. {text} ({kind})"), n=question.index + 1, text=question.text, kind=kind)
    if question.choices:
        line = line + Text.plain(": " + " / ".join(question.choices))
    return line


def draft_overview(ctx: Ctx, consultation: Consultation) -> Reply:
    """The draft with what it will do: the audience and its size, before anything is sent."""
    tr, cid = ctx.tr, consultation.id or 0
    timezone = ctx.person.timezone if ctx.person else "UTC"
    size = audience_size(ctx.session, ctx.vocab, consultation)
    lines = [
        tr(N_("📋 **Consultation #{id}: {title}** — draft"), id=cid, title=consultation.title),
        tr(
            N_("To: {audience} ({size} people). Answers by {date}."),
            audience=audience_words(tr, ctx.vocab, Audience.of(consultation.audience)),
            size=size,
            date=deadline_day(tr, consultation.deadline, timezone),
        ),
        tr(N_("Anonymous: answers are not linked to anybody."))
        if consultation.anonymous
        else tr(N_("Not anonymous: you will see who answered what.")),
    ]
    if consultation.share_results:
        lines.append(tr(N_("The participants will receive the synthesis.")))
    questions = questions_of(consultation)
    lines += [_question_line(tr, q) for q in questions]
    if not questions:
        lines.append(tr(N_("No question yet: add one to ten.")))
    rows: list[tuple[Button, ...]] = []
    if len(questions) < MAX_QUESTIONS:
        rows.append((Button(tr.s(N_("➕ Add a question")), command_token("consult_q", cid)),))
    if questions:
        remove = Button(tr.s(N_("Remove the last question")), command_token("consult_drop", cid))
        rows.append((remove,))
        send = tr.s(N_("📨 Send to {size} people"), size=size)
        rows.append((Button(send, command_token("consult_send", cid)),))
    rows.append((Button(tr.s(N_("Delete the draft")), command_token("consult_delete", cid)),))
    return Reply(Text.join(lines), tuple(rows))


def answer_text(tr: Tr, question: Question, value: Any) -> str:
    if value in (None, "", []):
        return "—"
    if question.kind == QuestionKind.multi:
        return ", ".join(value)
    if question.kind == QuestionKind.yes_no:
        return tr.s(N_("Yes") if value == "yes" else N_("No"))
    if question.kind == QuestionKind.number:
        return tr.number(Decimal(value))
    if question.kind == QuestionKind.date:
        return tr.date(datetime.fromisoformat(value).date())
    return str(value)


def participant_view(ctx: Ctx, consultation: Consultation, response: ConsultationResponse) -> Reply:
    """The consultation with the person's own answers, and the way to give or change them."""
    tr, cid = ctx.tr, consultation.id or 0
    timezone = ctx.person.timezone if ctx.person else "UTC"
    is_open = consultation.status == ConsultationStatus.open
    lines = [
        tr(
            N_("📋 **{title}** — {status}, answers by {date}"),
            title=consultation.title,
            status=tr.s(STATUS[ConsultationStatus(consultation.status)]),
            date=deadline_day(tr, consultation.deadline, timezone),
        )
    ]
    if consultation.anonymous:
        lines.append(tr(N_("Anonymous: the synthesis links no answer to you.")))
    answers = response.answers or {}
    for question in questions_of(consultation):
        lines.append(_question_line(tr, question))
        if response.answers:
            lines.append(
                tr(
                    N_("  Your answer: {answer}"),
                    answer=answer_text(tr, question, answers.get(question.key)),
                )
            )
    rows: tuple[tuple[Button, ...], ...] = ()
    if is_open:
        label = N_("✎ Change my answers") if response.answers else N_("Answer")
        rows = ((Button(tr.s(label), command_token("consult_answer", cid)),),)
    return Reply(Text.join(lines), rows)


def invitation(
    ctx_tr: Tr, consultation: Consultation, timezone: str, *, reminder: int = 0
) -> Reply:
    tr, cid = ctx_tr, consultation.id or 0
    n = len(consultation.questions)
    date = deadline_day(tr, consultation.deadline, timezone)
    wording = REMINDED if reminder else INVITED
    text = tr.plural(*wording, n, title=consultation.title, date=date)
    if consultation.anonymous:
        text = text + " " + tr(N_("Your answers are anonymous."))
    answer = Button(tr.s(N_("Answer")), command_token("consult_answer", cid))
    return Reply(text, ((answer,),))


def synthesis_text(tr: Tr, vocab: Vocabularies, synthesis: Synthesis) -> Text:
    c = synthesis.consultation
    rate = tr.percent(Decimal(str(round(synthesis.rate, 4))))
    lines = [
        tr(
            N_("📊 **Synthesis of consultation #{id}: {title}** — {status}"),
            id=c.id,
            title=c.title,
            status=tr.s(STATUS[ConsultationStatus(c.status)]),
        ),
        tr.plural(*RESPONSES, synthesis.answered, invited=synthesis.invited, rate=rate),
    ]
    for summary in synthesis.questions:
        lines.append(_question_line(tr, summary.question))
        lines += _summary_lines(tr, vocab, summary)
    if synthesis.missing:
        names = ", ".join(
            f"{m.name} ({m.organisation})" if m.organisation else m.name
            for m in synthesis.missing[:20]
        )
        more = len(synthesis.missing) - 20
        lines.append(
            tr(N_("Not answered: {names}"), names=names + (f" … +{more}" if more > 0 else ""))
        )
    return Text.join(lines)


def _summary_lines(tr: Tr, vocab: Vocabularies, s: QuestionSummary) -> list[Text]:
    if not s.answered:
        return [tr(N_("  No answer."))]
    if s.counts:
        yes_no = s.question.kind == QuestionKind.yes_no
        return [
            Text.plain(f"  {answer_text(tr, s.question, c) if yes_no else c}: {n}")
            for c, n in s.counts
        ]
    if s.median is not None and s.low is not None and s.high is not None:
        return [
            tr.plural(
                *MEDIAN,
                s.answered,
                median=tr.number(s.median),
                low=tr.number(s.low),
                high=tr.number(s.high),
            )
        ]
    if s.earliest is not None:
        return [
            tr(
                N_("  From {earliest} to {latest}"),
                earliest=answer_text(tr, s.question, s.earliest),
                latest=answer_text(tr, s.question, s.latest),
            )
        ]
    lines: list[Text] = []
    for group in s.groups:
        if group.country != UNKNOWN or group.organisation_kind != UNKNOWN:
            place = tr.country(group.country) if group.country else "—"
            kind = (
                tr.s(KIND_LABELS[OrganisationKind(group.organisation_kind)])
                if group.organisation_kind
                else "—"
            )
            lines.append(markup("  **{place} · {kind}**", place=place, kind=kind))
        lines += [Text.plain(f"  “{text[:300]}”") for text in group.texts[:SHOWN_TEXTS]]
        if len(group.texts) > SHOWN_TEXTS:
            more = len(group.texts) - SHOWN_TEXTS
            lines.append(tr(N_("  … and {n} more in the export"), n=more))
    return lines


def synthesis_buttons(tr: Tr, consultation_id: int) -> tuple[tuple[Button, ...], ...]:
    def export(label: str, layout: str) -> Button:
        return Button(tr.s(label), command_token("consult_export", f"{consultation_id}.{layout}"))

    return ((export(N_("CSV"), "csv"), export(N_("JSON"), "json"), export(N_("Document"), "html")),)
