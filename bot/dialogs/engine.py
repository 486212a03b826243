"""The dialog engine. A dialog is a declared sequence of steps; its state is a Conversation
row committed with every answer. Adapters never see steps: they get neutral replies with
buttons whose tokens come back here.

The flow: ask the first applicable step that has no answer yet; after the last one, show a
summary with Save / Change a field / Cancel; save through a core use case. Back, Skip and
Cancel are buttons on every step, and typed answers are accepted wherever a tap is."""

from __future__ import annotations

import secrets
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from bot.actions import DialogAction, command_token, dialog_token
from bot.dialogs import answers as parse
from bot.errors import error_text
from bot.i18n import N_, Tr, fold
from bot.messages import Button, Reply
from bot.text import Text
from core.clock import utcnow
from core.errors import DomainError, InvalidInput
from core.models import ChannelIdentity, Conversation, Stakeholder
from core.people import Actor
from core.storage import may_take_long
from core.validation import clean_text
from core.vocabularies import Vocabularies


class Kind(StrEnum):
    text = "text"
    number = "number"
    money_or_quantity = "money_or_quantity"
    date = "date"
    country = "country"
    region = "region"
    choice = "choice"
    multi = "multi"
    yes_no = "yes_no"


class Mode(StrEnum):
    ask = "ask"
    confirm = "confirm"
    pick_field = "pick_field"
    results = "results"  # a finished search, kept for its paging buttons


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass
class Ctx:
    """What a step needs to know about the person and the world."""

    session: Session
    vocab: Vocabularies
    tr: Tr
    identity: ChannelIdentity
    person: Stakeholder | None
    actor: Actor | None
    answers: dict[str, Any] = field(default_factory=dict)
    context: dict[str, Any] = field(default_factory=dict)
    settings: Any = None
    follow_up: tuple[str, dict[str, Any]] | None = None  # a dialog to start after this one
    token: Callable[..., str] = field(default=lambda op, arg="": "")  # buttons of this dialog
    clock: Callable[[], datetime] = utcnow  # moved by simulations and tests
    # Lookups a step repeats within one message (its condition, then the summary), kept for
    # that message only.
    memo: dict[Any, Any] = field(default_factory=dict)

    def now(self) -> datetime:
        return self.clock()

    def answer(self, name: str, default: Any = None) -> Any:
        return self.answers.get(name, default)


ChoicesFn = Callable[[Ctx], list[Choice]]


@dataclass(frozen=True)
class Step:
    name: str
    prompt: str
    kind: Kind
    label: str = ""
    choices: ChoicesFn | None = None
    optional: bool = False
    when: Callable[[Ctx], bool] | None = None
    in_flow: bool = True  # False: only reached through "Change a field"
    in_form: bool = True  # False: not a field of the one-screen form (a follow-up question)
    raw_label: bool = False  # the label is data people typed (an indicator), not a msgid
    resets: tuple[str, ...] = ()  # answers that no longer hold once this one changes
    min_len: int = 1
    max_len: int = 200
    check: Callable[[Ctx, Any], Any] | None = None
    fields: tuple[str, ...] = ()  # the domain fields it fills, to bring errors back here
    prompt_params: Callable[[Ctx], dict[str, Any]] | None = None
    columns: int = 2
    # Typed answers offered as buttons (the name the platform knows, the time zones of the
    # person's country); a tap answers as if the text were typed.
    suggest: Callable[[Ctx], list[tuple[str, str]]] | None = None
    show: Callable[[Ctx, Any], str] | None = None  # the answer as the summary shows it

    def applies(self, ctx: Ctx) -> bool:
        return self.when is None or self.when(ctx)

    def owns(self, domain_field: str | None) -> bool:
        return domain_field == self.name or domain_field in self.fields


@dataclass(frozen=True)
class FormField:
    """One field of a dialog shown as a one-screen form (a Slack modal): the same step,
    described for a surface that asks everything at once."""

    name: str
    label: str
    hint: str
    kind: Kind
    choices: list[Choice]
    optional: bool
    multiline: bool
    initial: Any = None


@dataclass(frozen=True)
class Dialog:
    name: str
    title: str
    steps: tuple[Step, ...]
    save: Callable[[Ctx], list[Reply]]
    confirm: bool = True
    # A dialog whose result stays on screen with buttons of its own (search results paging):
    # the conversation is kept in "results" mode and its buttons go to on_result.
    on_result: Callable[[Ctx, str, str], list[Reply]] | None = None
    # Steps that depend on the record at hand (one question per indicator of a report):
    # built from the conversation's context each time the dialog is loaded.
    build: Callable[[Ctx], tuple[Step, ...]] | None = None
    slow: bool = False  # saving takes long (a chart, an export): never on the event loop

    def for_context(self, ctx: Ctx) -> Dialog:
        return replace(self, steps=self.build(ctx)) if self.build else self

    def step(self, name: str | None) -> Step | None:
        return next((s for s in self.steps if s.name == name), None)


class DialogEngine:
    def __init__(
        self, dialogs: list[Dialog], on_saved: Callable[[Ctx, str], None] | None = None
    ) -> None:
        self.dialogs = {dialog.name: dialog for dialog in dialogs}
        self.on_saved = on_saved

    # -- starting and stopping -------------------------------------------------------------

    def start(
        self,
        ctx: Ctx,
        name: str,
        *,
        answers: dict[str, Any] | None = None,
        context: dict[str, Any] | None = None,
        at_summary: bool = False,
    ) -> list[Reply]:
        self.discard(ctx)
        conv = Conversation(
            identity_id=ctx.identity.id,  # type: ignore[arg-type]
            dialog=name,
            nonce=secrets.token_hex(3),
            answers=dict(answers or {}),
            context=dict(context or {}),
        )
        ctx.session.add(conv)
        ctx.answers, ctx.context = conv.answers, conv.context
        if at_summary:
            return self._to_summary(ctx, conv)
        return self._advance(ctx, conv, [])

    def current(self, ctx: Ctx) -> Conversation | None:
        return ctx.session.exec(
            select(Conversation).where(Conversation.identity_id == ctx.identity.id)
        ).first()

    def discard(self, ctx: Ctx) -> Conversation | None:
        conv = self.current(ctx)
        if conv is not None:
            ctx.session.delete(conv)
            ctx.session.flush()
        return conv

    def title_of(self, conv: Conversation) -> str:
        dialog = self.dialogs.get(conv.dialog)
        return dialog.title if dialog else conv.dialog

    # -- input -------------------------------------------------------------------------------

    def on_text(self, ctx: Ctx, conv: Conversation, text: str) -> list[Reply]:
        dialog = self._load(ctx, conv)
        if conv.mode == Mode.ask:
            step = dialog.step(conv.step)
            if step is None:
                return self._advance(ctx, conv, [])
            return self._answer_text(ctx, conv, step, text)
        if conv.mode == Mode.confirm:
            if fold(text) in parse.YES | {"save", "enregistrer", "guardar"}:
                return self._save(ctx, conv, dialog)
            return [
                Reply(
                    ctx.tr(
                        N_(
                            "Please check the summary and tap **Save**, "
                            "**Change a field** or **Cancel**."
                        )
                    )
                ),
                *self._summary(ctx, conv, dialog),
            ]
        return self.prompt(ctx, conv)

    def on_action(self, ctx: Ctx, conv: Conversation, action: DialogAction) -> list[Reply]:
        dialog = self._load(ctx, conv)
        op, arg = action.op, action.arg
        step = dialog.step(conv.step)
        if op == "back":
            return self._back(ctx, conv, dialog)
        if conv.mode == Mode.ask and step is not None:
            if op == "skip" and step.optional:
                return self._store(ctx, conv, step, None)
            if op == "pick":
                return self._pick(ctx, conv, step, arg)
            if op == "done" and step.kind is Kind.multi:
                return self._multi_done(ctx, conv, step)
            if op == "val":
                return self._answer_text(ctx, conv, step, arg)
        if conv.mode == Mode.confirm:
            if op == "save":
                return self._save(ctx, conv, dialog)
            if op == "change":
                self._bump(conv, mode=Mode.pick_field, step=None)
                return [self._field_menu(ctx, conv, dialog)]
        if conv.mode == Mode.results and dialog.on_result is not None:
            self._bump(conv)
            ctx.token = lambda op, arg="": self._token(conv, op, arg)
            replies = dialog.on_result(ctx, op, arg)
            conv.context = dict(ctx.context)  # a new dict, so the JSON column is saved
            return replies
        if conv.mode == Mode.pick_field:
            target = dialog.step(arg)
            if op == "field" and target is not None and target.applies(ctx):
                self._bump(conv, mode=Mode.ask, step=target.name)
                conv.context = {**conv.context, "editing": True}
                return self.prompt(ctx, conv)
            if op == "summary":
                return self._to_summary(ctx, conv)
        return self.stale(ctx, conv)

    def stale(self, ctx: Ctx, conv: Conversation | None) -> list[Reply]:
        note = Reply(ctx.tr(N_("That button belongs to an earlier question.")))
        if conv is None:
            return [
                Reply(
                    ctx.tr(
                        N_(
                            "That button belongs to a conversation that is over. "
                            "Type /help to see what you can do."
                        )
                    )
                )
            ]
        return [note, *self.prompt(ctx, conv)]

    # -- prompting ---------------------------------------------------------------------------

    def prompt(self, ctx: Ctx, conv: Conversation) -> list[Reply]:
        dialog = self._load(ctx, conv)
        if conv.mode == Mode.confirm:
            return self._summary(ctx, conv, dialog)
        if conv.mode == Mode.pick_field:
            return [self._field_menu(ctx, conv, dialog)]
        step = dialog.step(conv.step)
        if step is None:
            return self._advance(ctx, conv, [])
        return [self._step_reply(ctx, conv, step)]

    def _step_reply(self, ctx: Ctx, conv: Conversation, step: Step, *, edit: bool = False) -> Reply:
        params = step.prompt_params(ctx) if step.prompt_params else {}
        text = ctx.tr(step.prompt, **params)
        rows: list[tuple[Button, ...]] = []
        if step.kind in (Kind.choice, Kind.multi) and step.choices:
            selected = set(conv.context.get("selected", [])) if step.kind is Kind.multi else set()
            buttons = [
                Button(
                    ("✔ " if c.value in selected else "") + c.label,
                    self._token(conv, "pick", f"{i}.{_tag(c.value)}"),
                )
                for i, c in enumerate(step.choices(ctx))
            ]
            rows += [
                tuple(buttons[i : i + step.columns]) for i in range(0, len(buttons), step.columns)
            ]
            if step.kind is Kind.multi:
                rows.append((Button(ctx.tr.s(N_("Done ✔")), self._token(conv, "done")),))
        if step.suggest is not None:
            rows += [
                (Button(label, self._token(conv, "val", value)),)
                for value, label in step.suggest(ctx)
                if len(value.encode()) <= 40
            ]
        if step.kind is Kind.yes_no:
            rows.append(
                (
                    Button(ctx.tr.s(N_("Yes")), self._token(conv, "val", "yes")),
                    Button(ctx.tr.s(N_("No")), self._token(conv, "val", "no")),
                )
            )
        rows.append(self._nav(ctx, conv, step))
        return Reply(text, tuple(rows), edit=edit)

    @staticmethod
    def _cancel_token(conv: Conversation) -> str:
        # Names its dialog, so a Cancel left over from an earlier dialog cancels nothing.
        return command_token("cancel", conv.nonce)

    def _nav(self, ctx: Ctx, conv: Conversation, step: Step) -> tuple[Button, ...]:
        nav = []
        if conv.history or conv.context.get("editing"):
            nav.append(Button(ctx.tr.s(N_("‹ Back")), self._token(conv, "back")))
        if step.optional:
            nav.append(Button(ctx.tr.s(N_("Skip")), self._token(conv, "skip")))
        nav.append(Button(ctx.tr.s(N_("✖ Cancel")), self._cancel_token(conv)))
        return tuple(nav)

    def _summary(self, ctx: Ctx, conv: Conversation, dialog: Dialog) -> list[Reply]:
        lines = [ctx.tr(N_("**{title}** — please check:"), title=ctx.tr(dialog.title))]
        for step in dialog.steps:
            if step.applies(ctx) and step.label and (step.name in conv.answers or step.in_flow):
                lines.append("• " + self.label(ctx, step) + ": " + self.show(ctx, step))
        buttons = (
            (
                Button(ctx.tr.s(N_("✔ Save")), self._token(conv, "save")),
                Button(ctx.tr.s(N_("✎ Change a field")), self._token(conv, "change")),
            ),
            (
                Button(ctx.tr.s(N_("‹ Back")), self._token(conv, "back")),
                Button(ctx.tr.s(N_("✖ Cancel")), self._cancel_token(conv)),
            ),
        )
        return [Reply(Text.join(lines), buttons)]

    def _field_menu(self, ctx: Ctx, conv: Conversation, dialog: Dialog) -> Reply:
        steps = [s for s in dialog.steps if s.applies(ctx) and s.label]
        buttons = [
            Button(str(self.label(ctx, s)), self._token(conv, "field", s.name)) for s in steps
        ]
        rows = [tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2)]
        rows.append((Button(ctx.tr.s(N_("‹ Back to the summary")), self._token(conv, "summary")),))
        return Reply(ctx.tr(N_("Which field do you want to change?")), tuple(rows))

    @staticmethod
    def label(ctx: Ctx, step: Step) -> Text:
        return Text.plain(step.label) if step.raw_label else ctx.tr(step.label)

    def show(self, ctx: Ctx, step: Step) -> str:
        """An answer as the person reads it in the summary."""
        value = ctx.answers.get(step.name)
        tr = ctx.tr
        if value is None or value == []:
            return "—"
        if step.show is not None:
            return step.show(ctx, value)
        if step.kind is Kind.choice and step.choices:
            return next((c.label for c in step.choices(ctx) if c.value == value), str(value))
        if step.kind is Kind.multi and step.choices:
            labels = {c.value: c.label for c in step.choices(ctx)}
            return ", ".join(labels.get(v, v) for v in value)
        if step.kind is Kind.country:
            return tr.country(value)
        if step.kind is Kind.region:
            return tr.region(value)
        if step.kind is Kind.date:
            return tr.date(date.fromisoformat(value))
        if step.kind is Kind.money_or_quantity:
            if "amount" in value:
                return tr.money(Decimal(value["amount"]), value["currency"])
            return f"{tr.number(Decimal(value['quantity']))} {value['unit']}"
        if step.kind is Kind.yes_no:
            return tr.s(N_("Yes")) if value else tr.s(N_("No"))
        if step.kind is Kind.number:
            return tr.number(Decimal(value))
        return str(value)

    # -- transitions -------------------------------------------------------------------------

    def _answer_text(self, ctx: Ctx, conv: Conversation, step: Step, text: str) -> list[Reply]:
        try:
            value = self._parse(ctx, step, text)
            if step.check is not None:
                value = step.check(ctx, value)
        except InvalidInput as error:
            return self._invalid(ctx, conv, step, error)
        if step.kind is Kind.multi:
            conv.context = {**conv.context, "selected": value}
            return self._multi_done(ctx, conv, step)
        return self._store(ctx, conv, step, value)

    def _parse(self, ctx: Ctx, step: Step, text: str) -> Any:
        kind, name = step.kind, step.name
        if kind is Kind.text:
            return clean_text(text, name, min_len=step.min_len, max_len=step.max_len)
        if kind is Kind.number:
            return parse.parse_number(text, name)
        if kind is Kind.money_or_quantity:
            return parse.parse_money_or_quantity(text, ctx.vocab, name)
        if kind is Kind.date:
            return parse.parse_date(text, ctx.tr, name)
        if kind is Kind.country:
            return parse.match_country(text, ctx.tr, ctx.vocab, name)
        if kind is Kind.region:
            return parse.match_region(text, ctx.tr, ctx.vocab, name)
        if kind is Kind.yes_no:
            return parse.parse_yes_no(text, name)
        choices = step.choices(ctx) if step.choices else []
        if kind is Kind.multi:
            parts = [p for p in text.replace(";", ",").split(",") if p.strip()]
            return list(dict.fromkeys(self._match_choice(choices, p, name) for p in parts))
        return self._match_choice(choices, text, name)

    @staticmethod
    def _match_choice(choices: list[Choice], text: str, name: str) -> str:
        """A number, a label or the start of one, or a unique part of one, whatever the case,
        accents or punctuation: people type what they see."""
        typed = fold(text)
        if typed.isdigit() and 1 <= int(typed) <= len(choices):
            return choices[int(typed) - 1].value
        bare = _alnum(typed)
        exact = [c for c in choices if typed in (fold(c.label), fold(c.value))]
        starts = [c for c in choices if bare and _alnum(fold(c.label)).startswith(bare)]
        inside = [c for c in choices if len(bare) >= 3 and bare in _alnum(fold(c.label))]
        for found in (exact, starts, inside):
            if len(found) == 1:
                return found[0].value
        raise InvalidInput("invalid.choice_text", field=name)

    def _pick(self, ctx: Ctx, conv: Conversation, step: Step, arg: str) -> list[Reply]:
        choice = _chosen(step.choices(ctx) if step.choices else [], arg)
        if choice is None:
            return self.stale(ctx, conv)
        value = choice.value
        if step.kind is Kind.multi:
            selected = list(conv.context.get("selected", []))
            selected = (
                [v for v in selected if v != value] if value in selected else [*selected, value]
            )
            conv.context = {**conv.context, "selected": selected}
            self._bump(conv)
            return [self._step_reply(ctx, conv, step, edit=True)]
        if step.check is not None:
            try:
                value = step.check(ctx, value)
            except InvalidInput as error:
                return self._invalid(ctx, conv, step, error)
        return self._store(ctx, conv, step, value)

    def _multi_done(self, ctx: Ctx, conv: Conversation, step: Step) -> list[Reply]:
        selected = list(conv.context.get("selected", []))
        if not selected and not step.optional:
            return self._invalid(ctx, conv, step, InvalidInput("invalid.pick_one", field=step.name))
        return self._store(ctx, conv, step, selected or None)

    def _store(self, ctx: Ctx, conv: Conversation, step: Step, value: Any) -> list[Reply]:
        answers = {**conv.answers, step.name: value}
        if conv.answers.get(step.name, value) != value:
            for name in step.resets:  # e.g. a new organisation name voids the old pick
                answers.pop(name, None)
        conv.answers = answers
        ctx.answers = conv.answers
        context = {k: v for k, v in conv.context.items() if k != "selected"}
        editing = context.pop("editing", False)
        conv.context = ctx.context = context
        if not editing:
            conv.history = [*conv.history, step.name]
        return self._advance(ctx, conv, [])

    def _advance(self, ctx: Ctx, conv: Conversation, before: list[Reply]) -> list[Reply]:
        dialog = self._load(ctx, conv)
        ctx.answers, ctx.context = conv.answers, conv.context
        pending = next(
            (
                s
                for s in dialog.steps
                if s.in_flow and s.applies(ctx) and s.name not in conv.answers
            ),
            None,
        )
        if pending is not None:
            self._bump(conv, mode=Mode.ask, step=pending.name)
            if pending.kind is Kind.multi:
                conv.context = {**conv.context, "selected": []}
            return [*before, self._step_reply(ctx, conv, pending)]
        if dialog.confirm:
            return [*before, *self._to_summary(ctx, conv)]
        return [*before, *self._save(ctx, conv, dialog)]

    def _to_summary(self, ctx: Ctx, conv: Conversation) -> list[Reply]:
        dialog = self._load(ctx, conv)
        self._bump(conv, mode=Mode.confirm, step=None)
        return self._summary(ctx, conv, dialog)

    def _back(self, ctx: Ctx, conv: Conversation, dialog: Dialog) -> list[Reply]:
        if conv.context.get("editing") or conv.mode == Mode.pick_field:
            conv.context = {k: v for k, v in conv.context.items() if k != "editing"}
            return self._to_summary(ctx, conv)
        if not conv.history:
            return [Reply(ctx.tr(N_("This is the first question."))), *self.prompt(ctx, conv)]
        *rest, previous = conv.history
        conv.history = rest
        conv.answers = {k: v for k, v in conv.answers.items() if k != previous}
        ctx.answers = conv.answers
        step = dialog.step(previous)
        self._bump(conv, mode=Mode.ask, step=previous)
        if step is not None and step.kind is Kind.multi:
            conv.context = {**conv.context, "selected": []}
        return self.prompt(ctx, conv)

    def _invalid(
        self, ctx: Ctx, conv: Conversation, step: Step, error: InvalidInput
    ) -> list[Reply]:
        """Bad input: say why, politely, and ask the same question again. Nothing is lost."""
        message = error_text(ctx.tr, error)
        suggestions = error.params.get("suggestions") or []
        show = ctx.tr.region if step.kind is Kind.region else ctx.tr.country
        rows = tuple((Button(show(code), self._token(conv, "val", code)),) for code in suggestions)
        replies = [Reply(message, rows)] if rows else [Reply(message)]
        return [*replies, self._step_reply(ctx, conv, step)]

    def _save(self, ctx: Ctx, conv: Conversation, dialog: Dialog) -> list[Reply]:
        ctx.answers, ctx.context = conv.answers, conv.context
        if dialog.on_result is not None:
            self._bump(conv, mode=Mode.results, step=None)
        ctx.token = lambda op, arg="": self._token(conv, op, arg)
        if dialog.slow:
            may_take_long()
        try:
            with ctx.session.begin_nested():
                replies = dialog.save(ctx)
        except InvalidInput as error:
            step = next((s for s in dialog.steps if s.owns(error.field)), None)
            if step is None:
                return [Reply(error_text(ctx.tr, error)), *self._to_summary(ctx, conv)]
            conv.context = {**conv.context, "editing": True}
            self._bump(conv, mode=Mode.ask, step=step.name)
            return self._invalid(ctx, conv, step, error)
        except DomainError as error:
            return [Reply(error_text(ctx.tr, error)), *self._to_summary(ctx, conv)]
        if self.on_saved is not None:
            self.on_saved(ctx, dialog.name)
        if dialog.on_result is not None:
            conv.context = dict(ctx.context)
            return replies
        if not sa.inspect(conv).deleted:  # a save may end the account itself (/forgetme)
            ctx.session.delete(conv)
        ctx.session.flush()
        if ctx.follow_up is not None:
            name, answers = ctx.follow_up
            ctx.follow_up = None
            return [*replies, *self.start(ctx, name, answers=answers)]
        return replies

    # -- one-screen forms ----------------------------------------------------------------------

    def form(self, ctx: Ctx, name: str, answers: dict[str, Any] | None = None) -> list[FormField]:
        """The dialog's questions as fields of one form. A field that depends on another
        (a country, once "in another country" is chosen) is optional on the form and
        required, when it applies, on submission."""
        dialog = self.dialogs[name].for_context(ctx)
        ctx.answers = dict(answers or {})
        fields = []
        for step in dialog.steps:
            if not (step.in_flow and step.in_form):
                continue
            conditional = step.when is not None
            fields.append(
                FormField(
                    name=step.name,
                    label=str(self.label(ctx, step)) if step.label else str(ctx.tr(step.prompt)),
                    hint=str(
                        ctx.tr(
                            step.prompt, **(step.prompt_params(ctx) if step.prompt_params else {})
                        )
                    ),
                    kind=step.kind,
                    choices=self._form_choices(ctx, step),
                    optional=step.optional or conditional,
                    multiline=step.kind is Kind.text and step.max_len > 200,
                    initial=ctx.answers.get(step.name),
                )
            )
        return fields

    @staticmethod
    def _form_choices(ctx: Ctx, step: Step) -> list[Choice]:
        if step.kind is Kind.yes_no:
            return [Choice("yes", ctx.tr.s(N_("Yes"))), Choice("no", ctx.tr.s(N_("No")))]
        return step.choices(ctx) if step.choices else []

    def fill(
        self, ctx: Ctx, name: str, raw: dict[str, Any]
    ) -> tuple[dict[str, Any], dict[str, Text]]:
        """Checks a submitted form with the very rules of the chat: the answers, and an error
        per field in the person's language (empty when all is well)."""
        dialog = self.dialogs[name].for_context(ctx)
        answers: dict[str, Any] = {}
        errors: dict[str, Text] = {}
        ctx.answers = answers
        for step in dialog.steps:
            if not (step.in_flow and step.in_form) or not step.applies(ctx):
                continue
            value = raw.get(step.name)
            if value in (None, "", []):
                if step.optional:
                    answers[step.name] = None
                else:
                    errors[step.name] = error_text(ctx.tr, InvalidInput("invalid.required"))
                continue
            try:
                parsed = self._parse_submitted(ctx, step, value)
                answers[step.name] = step.check(ctx, parsed) if step.check else parsed
            except InvalidInput as error:
                errors[step.name] = error_text(ctx.tr, error)
        return answers, errors

    def _parse_submitted(self, ctx: Ctx, step: Step, value: Any) -> Any:
        """A form sends choices by value, not by label or number."""
        if step.kind in (Kind.choice, Kind.multi):
            known = {c.value for c in (step.choices(ctx) if step.choices else [])}
            picked = list(dict.fromkeys(value if isinstance(value, list) else [value]))
            if not set(picked) <= known:
                raise InvalidInput("invalid.choice_text", field=step.name)
            return picked if step.kind is Kind.multi else picked[0]
        return self._parse(ctx, step, str(value))

    # -- helpers -----------------------------------------------------------------------------

    def _load(self, ctx: Ctx, conv: Conversation) -> Dialog:
        ctx.answers, ctx.context = conv.answers, conv.context
        return self.dialogs[conv.dialog].for_context(ctx)

    @staticmethod
    def _bump(conv: Conversation, *, mode: Mode | None = None, step: str | None = "") -> None:
        conv.revision += 1
        conv.updated_at = utcnow()
        if mode is not None:
            conv.mode = mode
        if step != "":
            conv.step = step

    @staticmethod
    def _token(conv: Conversation, op: str, arg: str = "") -> str:
        return dialog_token(conv.nonce, conv.revision, op, arg)


def _alnum(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum())


def _tag(value: str) -> str:
    """A short fingerprint of a choice's value: a button names its choice by position (values
    can be longer than a button token allows) and by this, so a list that changed between the
    question and the tap is never read at a shifted position."""
    return f"{zlib.crc32(value.encode()) & 0xFFFF:04x}"


def _chosen(choices: list[Choice], arg: str) -> Choice | None:
    position, _, tag = arg.partition(".")
    if not position.isdigit() or not tag:
        return None
    index = int(position)
    if index < len(choices) and _tag(choices[index].value) == tag:
        return choices[index]
    moved = [c for c in choices if _tag(c.value) == tag]
    return moved[0] if len(moved) == 1 else None
