"""A dialog as a one-screen form (a Slack modal): its questions as fields, and a submitted
form checked with the very rules of the chat."""

from __future__ import annotations

import re
from typing import Any

from bot.dialogs.kinds import form_choices, parse_submitted
from bot.dialogs.prompts import label
from bot.dialogs.steps import Ctx, Dialog, FormField, Kind, Step
from bot.errors import error_text
from bot.i18n import N_
from bot.text import Text
from core.errors import InvalidInput


def form_fields(
    ctx: Ctx,
    dialog: Dialog,
    answers: dict[str, Any] | None = None,
    context: dict[str, Any] | None = None,
) -> list[FormField]:
    """The dialog's questions as fields of one form. A field that depends on another
    (a country, once "in another country" is chosen) is optional on the form and
    required, when it applies, on submission."""
    ctx = ctx.drafting(dict(answers or {}), context)
    dialog = dialog.for_context(ctx)
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
                choices=form_choices(ctx, step),
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


def fill_form(
    ctx: Ctx, dialog: Dialog, raw: dict[str, Any], context: dict[str, Any] | None = None
) -> tuple[dict[str, Any], dict[str, Text]]:
    """Checks a submitted form with the very rules of the chat: the answers, and an error
    per field in the person's language (empty when all is well)."""
    answers: dict[str, Any] = {}  # filled in order: a later field's condition reads them
    errors: dict[str, Text] = {}
    ctx = ctx.drafting(answers, context)
    dialog = dialog.for_context(ctx)
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
            parsed = parse_submitted(ctx, step, value)
            answers[step.name] = step.check(ctx, parsed) if step.check else parsed
        except InvalidInput as error:
            errors[step.name] = error_text(ctx.tr, error)
    return answers, errors
