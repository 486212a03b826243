"""A dialog as a one-screen form (a Slack modal): its questions as fields, and a submitted
form checked with the very rules of the chat."""

from __future__ import annotations

import re
from typing import Any

from bot.dialogs.answers import parse_answer
from bot.dialogs.prompts import label
from bot.dialogs.steps import Choice, Ctx, Dialog, FormField, Kind, Step
from bot.errors import error_text
from bot.i18n import N_
from bot.text import Text
from core.errors import InvalidInput


def form_fields(ctx: Ctx, dialog: Dialog, answers: dict[str, Any] | None = None) -> list[FormField]:
    """The dialog's questions as fields of one form. A field that depends on another
    (a country, once "in another country" is chosen) is optional on the form and
    required, when it applies, on submission."""
    dialog = dialog.for_context(ctx)
    ctx.answers = dict(answers or {})
    fields = []
    for step in dialog.steps:
        if not step.on_form:
            continue
        conditional = step.when is not None
        title = str(label(ctx, step)) if step.label else str(ctx.tr(step.prompt))
        hint = form_hint(ctx, step)
        fields.append(
            FormField(
                name=step.name,
                label=title,
                hint="" if hint == title else hint,
                kind=step.kind,
                choices=_form_choices(ctx, step),
                optional=step.optional or conditional,
                multiline=step.kind is Kind.text and step.max_len > 200,
                initial=ctx.answers.get(step.name),
            )
        )
    return fields


def form_hint(ctx: Ctx, step: Step) -> str:
    """The prompt worded for a form: its question without the chat's instructions ("tap
    Skip", "then Done", "type a date like…"), which a form's pickers make wrong."""
    if step.form_hint:
        return ctx.tr.s(step.form_hint)
    params = step.prompt_params(ctx) if step.prompt_params else {}
    prompt = str(ctx.tr(step.prompt, **params))
    found = _QUESTION.match(prompt)
    question = found.group(1) if found else prompt
    if step.kind is Kind.multi:
        return f"{question} {ctx.tr.s(TICK_ALL)}"
    return question


TICK_ALL = N_("Tick all that apply.")


# The first sentence: up to the first ?, ! or . followed by a space (French puts a space
# before its ?, which this keeps).
_QUESTION = re.compile(r"^(.+?[?!.])\s", re.DOTALL)


def _form_choices(ctx: Ctx, step: Step) -> list[Choice]:
    if step.kind is Kind.yes_no:
        return [Choice("yes", ctx.tr.s(N_("Yes"))), Choice("no", ctx.tr.s(N_("No")))]
    return step.choices(ctx) if step.choices else []


def fill_form(
    ctx: Ctx, dialog: Dialog, raw: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Text]]:
    """Checks a submitted form with the very rules of the chat: the answers, and an error
    per field in the person's language (empty when all is well)."""
    dialog = dialog.for_context(ctx)
    answers: dict[str, Any] = {}
    errors: dict[str, Text] = {}
    ctx.answers = answers
    for step in dialog.steps:
        if not step.on_form or not step.applies(ctx):
            continue
        value = raw.get(step.name)
        if value in (None, "", []):
            if step.optional:
                answers[step.name] = None
            else:
                errors[step.name] = error_text(ctx.tr, InvalidInput("invalid.required"))
            continue
        try:
            parsed = _parse_submitted(ctx, step, value)
            answers[step.name] = step.check(ctx, parsed) if step.check else parsed
        except InvalidInput as error:
            errors[step.name] = error_text(ctx.tr, error)
    return answers, errors


def _parse_submitted(ctx: Ctx, step: Step, value: Any) -> Any:
    """A form sends choices by value, not by label or number."""
    if step.kind in (Kind.choice, Kind.multi):
        known = {c.value for c in (step.choices(ctx) if step.choices else [])}
        picked = list(dict.fromkeys(value if isinstance(value, list) else [value]))
        if not set(picked) <= known:
            raise InvalidInput("invalid.choice_text", field=step.name)
        return picked if step.kind is Kind.multi else picked[0]
    return parse_answer(ctx, step, str(value))
