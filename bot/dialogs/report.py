"""The progress report: one question per indicator of the partnership (with "same as last
time" and Skip), then the narrative, the challenges and the help needed. Its steps are built
from the partnership at hand."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from bot.dialogs.answers import split_list, western_digits
from bot.dialogs.steps import Ctx, Dialog, Kind, Step
from bot.i18n import N_, fold
from bot.messages import Reply
from core.errors import InvalidInput
from core.models import ProgressReport
from core.models.enums import Disaggregation
from core.partnerships import get_partnership
from core.reporting import IndicatorAnswer, figures_of, indicators_of, last_totals, submit_report
from core.review import return_report

_CHILDREN = {
    "female": ("girls", "filles", "niñas", "فتيات", "بنات", "девочки", "девочек", "女孩", "女童"),
    "male": (
        "boys",
        "garçons",
        "niños",
        "فتيان",
        "أولاد",
        "صبيان",
        "мальчики",
        "мальчиков",
        "男孩",
    ),
}
_ADULTS = {
    "female": (
        *("women", "woman", "female", "f", "femmes", "femme", "mujeres", "mujer"),
        *("نساء", "امرأة", "إناث", "أنثى", "женщины", "женщин", "женщина", "жен", "ж"),
        *("女性", "妇女", "女子", "女"),
    ),
    "male": (
        *("men", "man", "male", "m", "hommes", "homme", "hombres", "hombre"),
        *("رجال", "رجل", "ذكور", "ذكر", "мужчины", "мужчин", "мужчина", "муж", "м"),
        *("男性", "男子", "男", "男童"),
    ),
}
# The words for each sex, in the six languages, as fold() writes them; children's words say
# the age group too.
SEXES = {
    sex: frozenset(fold(w) for w in _ADULTS[sex] + _CHILDREN[sex]) for sex in ("female", "male")
}
AGES = ("0-17", "18-59", "60+")
_CHILD = frozenset(fold(w) for words in _CHILDREN.values() for w in words)
# "女性12": a word and its number written together, as Chinese (and some) write them.
_WORD_NUMBER = re.compile(r"(?<=[^\W\d_])(?=\d)")


def parse_value(text: str, field: str, disaggregation: Disaggregation) -> dict[str, object]:
    """'42', or a breakdown like 'women 12, men 8' or 'women 0-17 3, men 18-59 5': the total
    (given, or the sum of the parts) and the parts by (sex, age group)."""
    parts = split_list(western_digits(text))
    if len(parts) == 1 and _number(parts[0]) is not None:
        return {"total": str(_number(parts[0])), "parts": []}
    if disaggregation == Disaggregation.none:
        raise InvalidInput("invalid.number", field=field, value=text)
    breakdown = []
    for part in parts:
        words = _WORD_NUMBER.sub(" ", fold(part)).split()
        value = _number(words[-1]) if words else None
        if value is None:
            raise InvalidInput("invalid.breakdown", field=field, value=part)
        sex = next((s for s, names in SEXES.items() if any(w in names for w in words)), "")
        age = next((a for a in AGES if a in words), "")
        if not age and any(w in _CHILD for w in words):
            age = "0-17"
        if not (sex or age):
            raise InvalidInput("invalid.breakdown", field=field, value=part)
        breakdown.append([sex, age, str(value)])
    total = sum(Decimal(v) for _, _, v in breakdown)
    return {"total": str(total), "parts": breakdown}


def _number(text: str) -> Decimal | None:
    try:
        value = Decimal(text.replace(",", ".").strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() and value >= 0 else None


def report_steps(ctx: Ctx) -> tuple[Step, ...]:
    partnership_id = int(ctx.context["partnership_id"])
    last = last_totals(ctx.session, partnership_id)
    steps = []
    for indicator in indicators_of(ctx.session, partnership_id):
        disaggregation = Disaggregation(indicator.disaggregation)
        prompt = (
            N_(
                "**{name}** ({unit}), target {target}: the value now? You can give a "
                "breakdown, like “women 12, men 8”."
            )
            if disaggregation != Disaggregation.none
            else N_("**{name}** ({unit}), target {target}: the value now?")
        )
        previous = last.get(indicator.id or 0)

        def same(ctx: Ctx, value: Decimal | None = previous) -> list[tuple[str, str]]:
            if value is None:
                return []
            shown = ctx.tr.number(value)
            return [(str(value), ctx.tr.s(N_("Same as last time: {value}"), value=shown))]

        def check(
            ctx: Ctx,
            value: str,
            d: Disaggregation = disaggregation,
            name: str = f"ind{indicator.id}",
        ) -> dict[str, object]:
            return parse_value(value, name, d)

        def shown(ctx: Ctx, value: dict[str, object]) -> str:
            return ctx.tr.number(Decimal(str(value["total"])))

        steps.append(
            Step(
                f"ind{indicator.id}",
                prompt,
                Kind.text,
                label=indicator.name[:60],
                raw_label=True,
                optional=True,
                max_len=400,
                check=check,
                suggest=same,
                show=shown,
                prompt_params=lambda ctx, i=indicator: {
                    "name": i.name,
                    "unit": i.unit,
                    "target": ctx.tr.number(i.target),
                },
            )
        )
    steps += [
        Step(
            "narrative",
            N_("What happened this period? A few lines."),
            Kind.text,
            label=N_("Narrative"),
            min_len=3,
            max_len=4000,
        ),
        Step(
            "challenges",
            N_("Any challenges? (or tap **Skip**)"),
            Kind.text,
            label=N_("Challenges"),
            optional=True,
            max_len=4000,
        ),
        Step(
            "help_needed",
            N_("Any help needed from partners or the coordinator? (or tap **Skip**)"),
            Kind.text,
            label=N_("Help needed"),
            optional=True,
            max_len=4000,
        ),
    ]
    return tuple(steps)


def _save_report(ctx: Ctx) -> list[Reply]:
    assert ctx.actor is not None
    sent = submit_report(
        ctx.session,
        ctx.actor,
        int(ctx.context["partnership_id"]),
        date.fromisoformat(ctx.context["due"]),
        _indicator_answers(ctx.answers),
        narrative=ctx.answer("narrative"),
        challenges=ctx.answer("challenges") or "",
        help_needed=ctx.answer("help_needed") or "",
        now=ctx.now(),
    )
    text = ctx.tr(
        N_("Thank you: your report on **{title}** (period to {due}) is with the coordinator."),
        title=sent.partnership_title,
        due=ctx.tr.date(sent.period_end),
    )
    if sent.late:
        text = text + " " + ctx.tr(N_("It is marked late."))
    return [Reply(text)]


def _indicator_answers(answers: dict[str, Any]) -> dict[int, IndicatorAnswer]:
    """The indicators' answers ("ind12": total and parts, as parse_value reads them)."""
    return {
        int(name[3:]): IndicatorAnswer(
            Decimal(value["total"]),
            {(sex, age): Decimal(v) for sex, age, v in value["parts"]},
        )
        for name, value in answers.items()
        if name.startswith("ind") and value
    }


def _save_return(ctx: Ctx) -> list[Reply]:
    assert ctx.actor is not None
    report_id = int(ctx.context["report_id"])
    return_report(ctx.session, ctx.actor, report_id, ctx.answer("comment"), now=ctx.now())
    return [Reply(ctx.tr(N_("Returned for revision; the partner is told why.")))]


def report_answers(ctx: Ctx, report: ProgressReport) -> dict[str, object]:
    """A returned report's answers, to revise it from its summary."""
    answers: dict[str, object] = {
        "narrative": report.narrative,
        "challenges": report.challenges or None,
        "help_needed": report.help_needed or None,
    }
    for figure in figures_of(ctx.session, report):
        if figure.total is None and not figure.parts:
            continue  # not reported on
        answers[f"ind{figure.indicator.id}"] = {
            "total": str(figure.total if figure.total is not None else 0),
            "parts": [[sex, age, str(value)] for sex, age, value in figure.parts],
        }
    return answers


def report_title(ctx: Ctx) -> str:
    view = get_partnership(ctx.session, int(ctx.context["partnership_id"]))
    return view.partnership.title


def report_dialogs() -> list[Dialog]:
    comment = Step(
        "comment",
        N_("What should the partner revise? They will read this."),
        Kind.text,
        label=N_("Comment"),
        min_len=3,
        max_len=2000,
    )
    return [
        Dialog("report", N_("Progress report"), (), _save_report, build=report_steps),
        Dialog("return_report", N_("Return a report"), (comment,), _save_return, confirm=False),
    ]
