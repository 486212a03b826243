"""What a dialog shows: a step's question with its buttons, the navigation row, the summary
with Save / Change a field / Cancel, the menu of fields to change, and answers as the person
reads them. Every button carries a token of its conversation (its nonce and revision), so a
tap on an old message is recognised as such."""

from __future__ import annotations

import zlib

from bot.actions import command_token, dialog_token
from bot.dialogs.kinds import show_answer
from bot.dialogs.steps import Choice, Ctx, Dialog, Kind, Step
from bot.errors import error_text
from bot.i18n import N_
from bot.messages import Button, Reply
from bot.text import Text
from core.errors import InvalidInput
from core.models import Conversation


def token(conv: Conversation, op: str, arg: str = "") -> str:
    return dialog_token(conv.nonce, conv.revision, op, arg)


def cancel_token(conv: Conversation) -> str:
    # Names its dialog, so a Cancel left over from an earlier dialog cancels nothing.
    return command_token("cancel", conv.nonce)


def step_reply(ctx: Ctx, conv: Conversation, step: Step, *, edit: bool = False) -> Reply:
    params = step.prompt_params(ctx) if step.prompt_params else {}
    text = ctx.tr(step.prompt, **params)
    rows: list[tuple[Button, ...]] = []
    if step.kind in (Kind.choice, Kind.multi) and step.choices is not None:
        selected = set(conv.context.get("selected", [])) if step.kind is Kind.multi else set()
        buttons = [
            Button(
                ("✔ " if c.value in selected else "") + c.label,
                token(conv, "pick", f"{i}.{choice_tag(c.value)}"),
            )
            for i, c in enumerate(step.choices_for(ctx))
        ]
        rows += [tuple(buttons[i : i + step.columns]) for i in range(0, len(buttons), step.columns)]
        if step.kind is Kind.multi and step.quick and not conv.context.get("several"):
            # One tap answers with that one; several are picked after this button.
            rows.append((Button(ctx.tr.s(N_("Several of them…")), token(conv, "several")),))
        elif step.kind is Kind.multi:
            rows.append((Button(ctx.tr.s(N_("Done ✔")), token(conv, "done")),))
    if step.suggest is not None:
        rows += [
            (Button(label, token(conv, "val", value)),)
            for value, label in step.suggest(ctx)
            if len(value.encode()) <= 40
        ]
    if step.kind is Kind.yes_no:
        rows.append(
            (
                Button(ctx.tr.s(N_("Yes")), token(conv, "val", "yes")),
                Button(ctx.tr.s(N_("No")), token(conv, "val", "no")),
            )
        )
    rows.append(nav(ctx, conv, step))
    return Reply(text, tuple(rows), edit=edit)


def nav(ctx: Ctx, conv: Conversation, step: Step) -> tuple[Button, ...]:
    buttons = []
    if conv.history or conv.context.get("editing"):
        buttons.append(Button(ctx.tr.s(N_("‹ Back")), token(conv, "back")))
    if step.optional:
        buttons.append(Button(ctx.tr.s(N_("Skip")), token(conv, "skip")))
    buttons.append(Button(ctx.tr.s(N_("✖ Cancel")), cancel_token(conv)))
    return tuple(buttons)


def invalid_replies(ctx: Ctx, conv: Conversation, step: Step, error: InvalidInput) -> list[Reply]:
    """Bad input: say why, politely, and ask the same question again. Nothing is lost."""
    message = error_text(ctx.tr, error)
    suggestions = error.params.get("suggestions") or []
    show = ctx.tr.region if step.kind is Kind.region else ctx.tr.country
    rows = tuple((Button(show(code), token(conv, "val", code)),) for code in suggestions)
    replies = [Reply(message, rows)] if rows else [Reply(message)]
    return [*replies, step_reply(ctx, conv, step)]


def summary(ctx: Ctx, conv: Conversation, dialog: Dialog) -> list[Reply]:
    lines = [ctx.tr(N_("**{title}** — please check:"), title=ctx.tr(dialog.title))]
    for step in dialog.steps:
        if step.applies(ctx) and step.label and (step.name in conv.answers or step.in_flow):
            lines.append("• " + label(ctx, step) + ": " + show_answer(ctx, step))
    buttons = (
        (
            Button(ctx.tr.s(N_("✔ Save")), token(conv, "save")),
            Button(ctx.tr.s(N_("✎ Change a field")), token(conv, "change")),
        ),
        (
            Button(ctx.tr.s(N_("‹ Back")), token(conv, "back")),
            Button(ctx.tr.s(N_("✖ Cancel")), cancel_token(conv)),
        ),
    )
    return [Reply(Text.join(lines), buttons)]


def field_menu(ctx: Ctx, conv: Conversation, dialog: Dialog) -> Reply:
    steps = [s for s in dialog.steps if s.applies(ctx) and s.label]
    buttons = [Button(str(label(ctx, s)), token(conv, "field", s.name)) for s in steps]
    rows = [tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2)]
    rows.append((Button(ctx.tr.s(N_("‹ Back to the summary")), token(conv, "summary")),))
    return Reply(ctx.tr(N_("Which field do you want to change?")), tuple(rows))


def label(ctx: Ctx, step: Step) -> Text:
    return Text.plain(step.label) if step.raw_label else ctx.tr(step.label)


def choice_tag(value: str) -> str:
    """A short fingerprint of a choice's value: a button names its choice by position (values
    can be longer than a button token allows) and by this, so a list that changed between the
    question and the tap is never read at a shifted position."""
    return f"{zlib.crc32(value.encode()) & 0xFFFF:04x}"


def chosen(choices: list[Choice], arg: str) -> Choice | None:
    """The choice a tapped button names (see choice_tag), or None if the list changed so
    much that it is no longer clear."""
    position, _, tag = arg.partition(".")
    if not position.isdecimal() or len(position) > 4 or not tag:
        return None
    index = int(position)
    if index < len(choices) and choice_tag(choices[index].value) == tag:
        return choices[index]
    moved = [c for c in choices if choice_tag(c.value) == tag]
    return moved[0] if len(moved) == 1 else None
