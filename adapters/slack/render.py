"""Neutral replies and forms as typed Block Kit: mrkdwn with user text escaped, buttons whose
value is the engine's token, and modals built from a dialog's form fields. Slack's limits are
kept here: 3,000 characters a section, 50 blocks a message, 25 elements an actions block,
75 characters a button, 100 options a select, 24 characters a modal title."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    DatePickerElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    RadioButtonsElement,
    SectionBlock,
    StaticMultiSelectElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.commands.registry import SLACK_COMMAND
from bot.messages import Form, FormField, Kind, Reply
from bot.text import Span, Text, split_rendered

SECTION_LIMIT = 3000
TEXT_LIMIT = 3000  # the notification's plain fallback
BLOCK_LIMIT = 50
FORM_PREFIX = "pb_form:"
SLASH = SLACK_COMMAND
# Slack's formatting characters. Slack has no escape for them: a zero-width space before one
# keeps it from opening or closing bold, italics, strike-through or code, and shows nothing.
_FORMATTING = str.maketrans({c: "\u200b" + c for c in "*_~`"})


def escape(text: str) -> str:
    """User text as literal mrkdwn: the three characters Slack gives meaning to escaped as
    Slack asks, and the formatting characters neutralised."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return escaped.translate(_FORMATTING)


def command_text(name: str) -> str:
    """A command the way it is typed on Slack: after the app's slash command."""
    return f"{SLASH} {name}"


def span_mrkdwn(span: Span) -> str:
    text = escape(command_text(span.command) if span.command else span.text)
    if span.link:
        return f"<{span.link}|{text}>"
    core = text.strip()
    if not core or not (span.bold or span.italic):
        return text
    lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
    if span.bold:
        core = f"*{core}*"
    if span.italic:
        core = f"_{core}_"
    return f"{lead}{core}{trail}"


def _merged(text: Text) -> Text:
    """Neighbouring spans of one style joined: `*a* *b*` reads well, `*a**b*` does not."""
    merged: list[Span] = []
    for span in text.spans:
        last = merged[-1] if merged else None
        if (
            last
            and not last.command
            and not span.command
            and (last.bold, last.italic, last.link) == (span.bold, span.italic, span.link)
        ):
            merged[-1] = Span(last.text + span.text, span.bold, span.italic, span.link)
        else:
            merged.append(span)
    return Text(tuple(merged))


def to_mrkdwn(text: Text) -> str:
    return "".join(span_mrkdwn(span) for span in _merged(text).spans)


def plain(text: Text) -> str:
    """The text as plain words (a notification's fallback), commands as typed on Slack."""
    return "".join(command_text(s.command) if s.command else s.text for s in text.spans)


def sections(text: Text) -> list[SectionBlock]:
    """One section per 3,000 characters, never cut inside an escape or a style."""
    pieces = split_rendered(_merged(text), SECTION_LIMIT, span_mrkdwn)
    return [SectionBlock(text={"type": "mrkdwn", "text": piece or " "}) for piece in pieces]


def fallback(text: Text) -> str:
    """The plain text Slack shows in notifications, escaped, within its limit."""
    return split_rendered(Text.plain(plain(text)), TEXT_LIMIT, span_mrkdwn)[0] or " "


def reply_blocks(reply: Reply, *, start: int = 0) -> list[Block]:
    blocks: list[Block] = list(sections(reply.text))
    index = start
    for row in reply.buttons:
        elements = []
        for button in row:
            elements.append(
                ButtonElement(
                    text=PlainTextObject(text=button.label[:75]),
                    action_id=f"pb{index}",
                    value=button.action,
                )
            )
            index += 1
        for chunk in range(0, len(elements), 25):
            blocks.append(ActionsBlock(elements=elements[chunk : chunk + 25]))
    return blocks


def messages(replies: list[Reply]) -> list[dict[str, Any]]:
    """chat.postMessage payloads: the blocks of each reply, never over 50 a message."""
    payloads = []
    for reply in replies:
        blocks = reply_blocks(reply)
        for chunk in range(0, len(blocks), BLOCK_LIMIT):
            part = blocks[chunk : chunk + BLOCK_LIMIT]
            payloads.append(
                {
                    "text": fallback(reply.text),
                    "blocks": [block.to_dict() for block in part],
                }
            )
    return payloads


def home_view(replies: list[Reply]) -> View:
    blocks: list[Block] = []
    start = 0
    for reply in replies:
        blocks += reply_blocks(reply, start=start)
        start += len(reply.all_buttons)
    return View(type="home", blocks=blocks[:100])


def form_view(form: Form) -> View:
    return View(
        type="modal",
        callback_id=f"{FORM_PREFIX}{form.name}",
        title=PlainTextObject(text=form.title[:24] or "Partnerbot"),
        submit=PlainTextObject(text=form.submit[:24]),
        close=PlainTextObject(text=form.close[:24]),
        blocks=[_input(field) for field in form.fields],
        # What the form is about comes back with its submission (Slack keeps it, unseen).
        private_metadata=json.dumps(form.context) if form.context else None,
    )


def _input(field: FormField) -> InputBlock:
    return InputBlock(
        block_id=field.name,
        label=PlainTextObject(text=field.label[:2000]),
        hint=PlainTextObject(text=field.hint[:2000]) if field.hint else None,
        optional=field.optional,
        element=_element(field),
    )


def _options(field: FormField) -> list[Option]:
    return [Option(value=c.value, label=c.label[:75]) for c in field.choices][:100]


def _several(field: FormField) -> Any:
    options = _options(field)
    if len(options) <= 10:  # all in sight: ticked like a paper form
        return CheckboxesElement(action_id="value", options=options)
    return StaticMultiSelectElement(action_id="value", options=options)


# The widget of each kind of answer that is not typed text (see bot.dialogs.kinds).
_WIDGETS: dict[Kind, Callable[[FormField], Any]] = {
    Kind.choice: lambda field: StaticSelectElement(action_id="value", options=_options(field)),
    Kind.multi: _several,
    Kind.date: lambda field: DatePickerElement(action_id="value"),
    Kind.yes_no: lambda field: RadioButtonsElement(action_id="value", options=_options(field)),
}


def _element(field: FormField) -> Any:
    widget = _WIDGETS.get(field.kind)
    if widget is not None:
        return widget(field)
    return PlainTextInputElement(action_id="value", multiline=field.multiline)


def form_context(view: dict[str, Any]) -> dict[str, Any]:
    """The context the form was opened with: an object of short values, or nothing."""
    try:
        context = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {}
    if not isinstance(context, dict):
        return {}
    return {str(k)[:32]: v for k, v in context.items() if isinstance(v, int | str)}


def submitted(view: dict[str, Any]) -> dict[str, Any]:
    """A modal's values by field name, whatever the element that holds each."""
    values: dict[str, Any] = {}
    for block_id, elements in view.get("state", {}).get("values", {}).items():
        element = elements.get("value", {})
        kind = element.get("type")
        if kind in ("static_select", "radio_buttons"):
            option = element.get("selected_option")
            values[block_id] = option["value"] if option else None
        elif kind in ("multi_static_select", "checkboxes"):
            values[block_id] = [o["value"] for o in element.get("selected_options") or []]
        elif kind == "datepicker":
            values[block_id] = element.get("selected_date")
        else:
            values[block_id] = element.get("value")
    return values
