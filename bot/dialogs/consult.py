"""Consultations in chat: a coordinator's draft (title, audience, deadline, anonymity), its
questions one dialog each, and a participant's answers, whose questions are built from the
consultation at hand (so Slack shows them as one form)."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any

from bot.actions import command_token
from bot.consultation_views import AUDIENCES, KINDS, ROLE_NAMES, deadline_day, draft_overview
from bot.dialogs.people import KIND_LABELS
from bot.dialogs.steps import Choice, Ctx, Dialog, Kind, Saved, Step
from bot.i18n import N_
from bot.messages import Button, Reply
from core.consultation_audience import Audience
from core.consultations import (
    add_question,
    answer_consultation,
    create_consultation,
    get_consultation,
    questions_of,
)
from core.errors import InvalidInput, NotFound
from core.models.consultation import AudienceKind, QuestionKind
from core.models.enums import PartnershipStatus
from core.partnerships import partnerships_for
from core.quiet_hours import zone

STEP_KINDS = {
    QuestionKind.text: Kind.text,
    QuestionKind.choice: Kind.choice,
    QuestionKind.multi: Kind.multi,
    QuestionKind.number: Kind.number,
    QuestionKind.yes_no: Kind.yes_no,
    QuestionKind.date: Kind.date,
}
NEED_BUTTONS = 3  # free-text answers offered as a draft need, at most


def _audience_is(kind: AudienceKind):  # type: ignore[no-untyped-def]
    return lambda ctx: ctx.answer("audience") == kind


def _partnerships(ctx: Ctx) -> list[Choice]:
    assert ctx.actor is not None
    found = [
        p
        for p in partnerships_for(ctx.session, ctx.actor)
        if p.status in (PartnershipStatus.active, PartnershipStatus.draft)
    ]
    return [Choice(str(p.id), f"#{p.id} {p.title}"[:60]) for p in found[:30]]


def context_id(ctx: Ctx) -> int:
    """The consultation the dialog is about. A Slack form's context comes back from the
    client (its private_metadata): forged, it is a consultation that is not found."""
    value = str(ctx.context.get("id", ""))
    if not value.isdecimal():
        raise NotFound("not_found.consultation")
    return int(value)


def _future(ctx: Ctx, value: str) -> str:
    if date.fromisoformat(value) < ctx.today():
        raise InvalidInput("invalid.window_past", field="deadline")
    return value


def deadline_of(ctx: Ctx, day: str) -> datetime:
    """The end of the last day to answer, where the coordinator is."""
    timezone = ctx.person.timezone if ctx.person else "UTC"
    midnight = datetime.combine(date.fromisoformat(day) + timedelta(days=1), time(), zone(timezone))
    return midnight.astimezone(ctx.now().tzinfo)


def _audience(a: dict[str, Any]) -> Audience:
    kind = AudienceKind(a["audience"])
    values = {
        AudienceKind.role: a.get("roles"),
        AudienceKind.organisation_kind: a.get("kinds"),
        AudienceKind.country: [a["country"]] if a.get("country") else None,
        AudienceKind.region: [a["region"]] if a.get("region") else None,
        AudienceKind.partnerships: a.get("partnerships"),
    }.get(kind)
    return Audience(kind, tuple(values or ()))


def _save_draft(ctx: Ctx) -> Saved:
    assert ctx.actor is not None
    a = ctx.answers
    consultation = create_consultation(
        ctx.session,
        ctx.actor,
        ctx.vocab,
        title=a["title"],
        audience=_audience(a),
        deadline=deadline_of(ctx, a["deadline"]),
        anonymous=bool(a["anonymous"]),
        share_results=bool(a.get("share")),
        now=ctx.now(),
    )
    said = Reply(ctx.tr(N_("Draft saved. Now the first question.")))
    return Saved([said], then=("consult_question", {}), then_context={"id": consultation.id})


def _save_question(ctx: Ctx) -> list[Reply]:
    assert ctx.actor is not None
    consultation_id = context_id(ctx)
    # ";" as typed in any script: the full-width one of Chinese, the Arabic one.
    typed = re.sub(r"[;；؛\n]", ";", ctx.answer("choices") or "")
    choices = [c.strip() for c in typed.split(";")]
    add_question(
        ctx.session,
        ctx.actor,
        consultation_id,
        ctx.answer("text"),
        ctx.answer("kind"),
        [c for c in choices if c],
    )
    return [draft_overview(ctx, get_consultation(ctx.session, ctx.actor, consultation_id))]


def answer_steps(ctx: Ctx) -> tuple[Step, ...]:
    assert ctx.actor is not None
    consultation = get_consultation(ctx.session, ctx.actor, context_id(ctx))
    questions = questions_of(consultation)
    steps = []
    for q in questions:
        choices = [Choice(c, c) for c in q.choices]
        steps.append(
            Step(
                q.key,
                N_("**{n} of {total}.** {question}"),
                STEP_KINDS[q.kind],
                label=q.text[:60],
                raw_label=True,
                optional=True,
                max_len=2000,
                columns=1,
                choices=(lambda ctx, c=choices: c) if choices else None,
                prompt_params=lambda ctx, q=q: {
                    "n": q.index + 1,
                    "total": len(questions),
                    "question": q.text,
                },
            )
        )
    return tuple(steps)


def stored_answers(answers: dict[str, Any]) -> dict[str, Any]:
    """A response as the dialog holds it, to change it: yes and no as the yes/no step's."""
    return {
        k: {"yes": True, "no": False}.get(v, v) if isinstance(v, str) else v
        for k, v in answers.items()
    }


def _save_answers(ctx: Ctx) -> list[Reply]:
    assert ctx.actor is not None
    consultation_id = context_id(ctx)
    answer_consultation(ctx.session, ctx.actor, consultation_id, dict(ctx.answers), now=ctx.now())
    consultation = get_consultation(ctx.session, ctx.actor, consultation_id)
    timezone = ctx.person.timezone if ctx.person else "UTC"
    text = ctx.tr(
        N_("Thank you: your answers to “{title}” are saved. You can change them until {date}."),
        title=consultation.title,
        date=deadline_day(ctx.tr, consultation.deadline, timezone),
    )
    rows = [
        (
            Button(
                ctx.tr.s(N_("✎ Change my answers")),
                command_token("consult_answer", consultation_id),
            ),
        )
    ]
    texts = [
        q for q in questions_of(consultation) if q.kind == QuestionKind.text and ctx.answer(q.key)
    ]
    for q in texts[:NEED_BUTTONS] if ctx.actor.organisation_id else []:
        label = ctx.tr.s(N_("📝 Register answer {n} as a need"), n=q.index + 1)
        rows.append((Button(label, command_token("consult_need", f"{consultation_id}.{q.index}")),))
    return [Reply(text, tuple(rows))]


def consult_dialogs() -> list[Dialog]:
    draft = (
        Step(
            "title",
            N_("The consultation's title, like “Needs for victim assistance 2027”."),
            Kind.text,
            label=N_("Title"),
            min_len=3,
            max_len=200,
        ),
        Step(
            "audience",
            N_("Whom do you consult?"),
            Kind.choice,
            label=N_("Audience"),
            columns=1,
            choices=lambda ctx: [Choice(k, ctx.tr.s(v)) for k, v in AUDIENCES.items()],
            resets=("roles", "kinds", "country", "region", "partnerships"),
        ),
        Step(
            "roles",
            N_("Which roles? Tick them, then **Done**."),
            Kind.multi,
            label=N_("Roles"),
            columns=1,
            when=_audience_is(AudienceKind.role),
            choices=lambda ctx: [Choice(k, ctx.tr.s(v)) for k, v in ROLE_NAMES.items()],
        ),
        Step(
            "kinds",
            N_("Which kinds of organisation? Tick them, then **Done**."),
            Kind.multi,
            label=N_("Organisations"),
            columns=1,
            when=_audience_is(AudienceKind.organisation_kind),
            choices=lambda ctx: [Choice(k, ctx.tr.s(v)) for k, v in KIND_LABELS.items()],
        ),
        Step(
            "country",
            N_("Which country?"),
            Kind.country,
            label=N_("Country"),
            when=_audience_is(AudienceKind.country),
        ),
        Step(
            "region",
            N_("Which region?"),
            Kind.region,
            label=N_("Region"),
            when=_audience_is(AudienceKind.region),
        ),
        Step(
            "partnerships",
            N_("The partners of which partnerships? Tick them, then **Done**."),
            Kind.multi,
            label=N_("Partnerships"),
            columns=1,
            when=_audience_is(AudienceKind.partnerships),
            choices=_partnerships,
        ),
        Step(
            "deadline",
            N_("The last day to answer? A date like 2027-03-31."),
            Kind.date,
            label=N_("Deadline"),
            check=_future,
        ),
        Step(
            "anonymous",
            N_(
                "Should the answers be anonymous? Then nobody, you included, sees who "
                "answered what."
            ),
            Kind.yes_no,
            label=N_("Anonymous"),
        ),
        Step(
            "share",
            N_("Should the participants receive the synthesis when it closes?"),
            Kind.yes_no,
            label=N_("Share the synthesis"),
        ),
    )
    question = (
        Step(
            "text",
            N_("The question, as people will read it."),
            Kind.text,
            label=N_("Question"),
            min_len=3,
            max_len=300,
        ),
        Step(
            "kind",
            N_("How is it answered?"),
            Kind.choice,
            label=N_("Answer"),
            columns=2,
            choices=lambda ctx: [Choice(k, ctx.tr.s(v)) for k, v in KINDS.items()],
            resets=("choices",),
        ),
        Step(
            "choices",
            N_("The choices, separated by “;”, like “Training; Equipment; Funding”."),
            Kind.text,
            label=N_("Choices"),
            max_len=900,
            when=lambda ctx: ctx.answer("kind") in (QuestionKind.choice, QuestionKind.multi),
        ),
    )
    return [
        Dialog("consult", N_("New consultation"), draft, _save_draft),
        Dialog("consult_question", N_("New question"), question, _save_question),
        Dialog("consult_answer", N_("Your answers"), (), _save_answers, build=answer_steps),
    ]
