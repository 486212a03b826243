"""The kinds of answer, in one table: how a typed answer is read, how a stored answer is
shown, and how a form sends it. Adding a kind is one row here (and a widget per surface)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from bot.dialogs import answers as read
from bot.dialogs.steps import Choice, Ctx, Kind, Step
from bot.i18n import N_
from core.errors import InvalidInput
from core.validation import clean_text


@dataclass(frozen=True)
class AnswerKind:
    parse: Callable[[Ctx, Step, str], Any]  # what a person typed
    show: Callable[[Ctx, Step, Any], str]  # a stored answer as the summary shows it
    # A form's value: choices come by value (not by label or number), the rest as text.
    submitted: Callable[[Ctx, Step, Any], Any] | None = None
    form_choices: Callable[[Ctx, Step], list[Choice]] | None = None


def _choice_label(ctx: Ctx, step: Step, value: Any) -> str:
    return next((c.label for c in step.choices_for(ctx) if c.value == value), str(value))


def _choice_labels(ctx: Ctx, step: Step, value: Any) -> str:
    labels = {c.value: c.label for c in step.choices_for(ctx)}
    return ", ".join(labels.get(v, v) for v in value)


def _amount(ctx: Ctx, step: Step, value: Any) -> str:
    if "amount" in value:
        return ctx.tr.money(Decimal(value["amount"]), value["currency"])
    return f"{ctx.tr.number(Decimal(value['quantity']))} {value['unit']}"


def _several(ctx: Ctx, step: Step, text: str) -> list[str]:
    choices = step.choices_for(ctx)
    parts = read.split_list(text)
    return list(dict.fromkeys(read.match_choice(choices, p, step.name) for p in parts))


def _picked(ctx: Ctx, step: Step, value: Any) -> list[str]:
    known = {c.value for c in step.choices_for(ctx)}
    picked = list(dict.fromkeys(value if isinstance(value, list) else [value]))
    if not set(picked) <= known:
        raise InvalidInput("invalid.choice_text", field=step.name)
    return picked


def _yes_no_choices(ctx: Ctx, step: Step) -> list[Choice]:
    return [Choice("yes", ctx.tr.s(N_("Yes"))), Choice("no", ctx.tr.s(N_("No")))]


KINDS: dict[Kind, AnswerKind] = {
    Kind.text: AnswerKind(
        parse=lambda ctx, step, text: clean_text(
            text, step.name, min_len=step.min_len, max_len=step.max_len
        ),
        show=lambda ctx, step, value: str(value),
    ),
    Kind.number: AnswerKind(
        parse=lambda ctx, step, text: read.parse_number(text, step.name),
        show=lambda ctx, step, value: ctx.tr.number(Decimal(value)),
    ),
    Kind.money_or_quantity: AnswerKind(
        parse=lambda ctx, step, text: read.parse_money_or_quantity(text, ctx.vocab, step.name),
        show=_amount,
    ),
    Kind.date: AnswerKind(
        parse=lambda ctx, step, text: read.parse_date(text, ctx.tr, step.name),
        show=lambda ctx, step, value: ctx.tr.date(date.fromisoformat(value)),
    ),
    Kind.country: AnswerKind(
        parse=lambda ctx, step, text: read.match_country(text, ctx.tr, ctx.vocab, step.name),
        show=lambda ctx, step, value: ctx.tr.country(value),
    ),
    Kind.region: AnswerKind(
        parse=lambda ctx, step, text: read.match_region(text, ctx.tr, ctx.vocab, step.name),
        show=lambda ctx, step, value: ctx.tr.region(value),
    ),
    Kind.yes_no: AnswerKind(
        parse=lambda ctx, step, text: read.parse_yes_no(text, step.name),
        show=lambda ctx, step, value: ctx.tr.s(N_("Yes")) if value else ctx.tr.s(N_("No")),
        form_choices=_yes_no_choices,
    ),
    Kind.choice: AnswerKind(
        parse=lambda ctx, step, text: read.match_choice(step.choices_for(ctx), text, step.name),
        show=_choice_label,
        submitted=lambda ctx, step, value: _picked(ctx, step, value)[0],
    ),
    Kind.multi: AnswerKind(
        parse=_several,
        show=_choice_labels,
        submitted=_picked,
    ),
}


def parse_answer(ctx: Ctx, step: Step, text: str) -> Any:
    """What a person typed in answer to a step, read by the step's kind."""
    return KINDS[step.kind].parse(ctx, step, text)


def show_answer(ctx: Ctx, step: Step) -> str:
    """An answer as the person reads it in the summary."""
    value = ctx.answers.get(step.name)
    if value is None or value == []:
        return "—"
    if step.show is not None:
        return step.show(ctx, value)
    return KINDS[step.kind].show(ctx, step, value)


def parse_submitted(ctx: Ctx, step: Step, value: Any) -> Any:
    """A value sent by a form, read by the step's kind."""
    kind = KINDS[step.kind]
    if kind.submitted is not None:
        return kind.submitted(ctx, step, value)
    return kind.parse(ctx, step, str(value))


def form_choices(ctx: Ctx, step: Step) -> list[Choice]:
    kind = KINDS[step.kind]
    return kind.form_choices(ctx, step) if kind.form_choices else step.choices_for(ctx)
