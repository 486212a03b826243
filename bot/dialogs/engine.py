"""The dialog engine. A dialog is a declared sequence of steps; its state is a Conversation
row committed with every answer. Adapters never see steps: they get neutral replies with
buttons whose tokens come back here.

The flow: ask the first applicable step that has no answer yet; after the last one, show a
summary with Save / Change a field / Cancel; save through a core use case. Back, Skip and
Cancel are buttons on every step, and typed answers are accepted wherever a tap is."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlmodel import select

from bot.actions import DialogAction
from bot.dialogs import answers as parse
from bot.dialogs import prompts
from bot.dialogs.forms import fill_form, form_fields
from bot.dialogs.steps import Choice, ChoicesFn, Ctx, Dialog, FormField, Kind, Mode, Step
from bot.errors import error_text
from bot.i18n import N_, fold
from bot.messages import Reply
from bot.text import Text
from core.clock import utcnow
from core.errors import DomainError, InvalidInput
from core.models import Conversation, SetAsideDialog
from core.storage import may_take_long

# The declarations live in bot.dialogs.steps; they are importable from here too.
__all__ = [
    "Choice",
    "ChoicesFn",
    "Ctx",
    "Dialog",
    "DialogEngine",
    "FormField",
    "Kind",
    "Mode",
    "Step",
]


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

    # -- a dialog set aside for another ----------------------------------------------------

    def set_aside(self, ctx: Ctx, conv: Conversation) -> None:
        """Keeps an unfinished dialog's answers, to continue it later (one per account)."""
        self.drop_aside(ctx)
        ctx.session.add(
            SetAsideDialog(
                identity_id=conv.identity_id,
                dialog=conv.dialog,
                step=conv.step,
                answers=dict(conv.answers),
                history=list(conv.history),
                context={k: v for k, v in conv.context.items() if k not in ("selected", "several")},
                set_aside_at=ctx.now(),
            )
        )
        ctx.session.flush()

    def aside(self, ctx: Ctx) -> SetAsideDialog | None:
        return ctx.session.exec(
            select(SetAsideDialog).where(SetAsideDialog.identity_id == ctx.identity.id)
        ).first()

    def drop_aside(self, ctx: Ctx) -> None:
        aside = self.aside(ctx)
        if aside is not None:
            ctx.session.delete(aside)
            ctx.session.flush()

    def resume(self, ctx: Ctx, aside: SetAsideDialog) -> list[Reply]:
        """The dialog set aside, where it stopped, with fresh buttons; one under way
        takes its place aside."""
        saved = (aside.dialog, aside.step, dict(aside.answers), list(aside.history))
        context = dict(aside.context)
        ctx.session.delete(aside)
        ctx.session.flush()
        current = self.current(ctx)
        if current is not None and current.mode != Mode.results:
            self.set_aside(ctx, current)
        self.discard(ctx)
        dialog, step, answers, history = saved
        conv = Conversation(
            identity_id=ctx.identity.id,  # type: ignore[arg-type]
            dialog=dialog,
            nonce=secrets.token_hex(3),
            step=step,
            answers=answers,
            history=history,
            context=context,
        )
        ctx.session.add(conv)
        ctx.answers, ctx.context = conv.answers, conv.context
        if conv.step is None:  # it was set aside at its summary
            return self._to_summary(ctx, conv)
        return self.prompt(ctx, conv)

    def title_of(self, conv: Conversation | SetAsideDialog) -> str:
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
                *prompts.summary(ctx, conv, dialog),
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
            if op == "several" and step.quick:
                conv.context = {**conv.context, "several": True}
                self._bump(conv)
                return [prompts.step_reply(ctx, conv, step, edit=True)]
            if op == "val":
                return self._answer_text(ctx, conv, step, arg)
        if conv.mode == Mode.confirm:
            if op == "save":
                return self._save(ctx, conv, dialog)
            if op == "change":
                self._bump(conv, mode=Mode.pick_field, step=None)
                return [prompts.field_menu(ctx, conv, dialog)]
        if conv.mode == Mode.results and dialog.on_result is not None:
            self._bump(conv)
            ctx.token = lambda op, arg="": prompts.token(conv, op, arg)
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
            return prompts.summary(ctx, conv, dialog)
        if conv.mode == Mode.pick_field:
            return [prompts.field_menu(ctx, conv, dialog)]
        step = dialog.step(conv.step)
        if step is None:
            return self._advance(ctx, conv, [])
        return [prompts.step_reply(ctx, conv, step)]

    # -- transitions -------------------------------------------------------------------------

    def _answer_text(self, ctx: Ctx, conv: Conversation, step: Step, text: str) -> list[Reply]:
        try:
            value = parse.parse_answer(ctx, step, text)
            if step.check is not None:
                value = step.check(ctx, value)
        except InvalidInput as error:
            return prompts.invalid_replies(ctx, conv, step, error)
        if step.kind is Kind.multi:
            conv.context = {**conv.context, "selected": value}
            return self._multi_done(ctx, conv, step)
        return self._store(ctx, conv, step, value)

    def _pick(self, ctx: Ctx, conv: Conversation, step: Step, arg: str) -> list[Reply]:
        choice = prompts.chosen(step.choices(ctx) if step.choices else [], arg)
        if choice is None:
            return self.stale(ctx, conv)
        value = choice.value
        if step.kind is Kind.multi and step.quick and not conv.context.get("several"):
            return self._store(ctx, conv, step, [value])  # one tap for one
        if step.kind is Kind.multi:
            selected = list(conv.context.get("selected", []))
            selected = (
                [v for v in selected if v != value] if value in selected else [*selected, value]
            )
            conv.context = {**conv.context, "selected": selected}
            self._bump(conv)
            return [prompts.step_reply(ctx, conv, step, edit=True)]
        if step.check is not None:
            try:
                value = step.check(ctx, value)
            except InvalidInput as error:
                return prompts.invalid_replies(ctx, conv, step, error)
        return self._store(ctx, conv, step, value)

    def _multi_done(self, ctx: Ctx, conv: Conversation, step: Step) -> list[Reply]:
        selected = list(conv.context.get("selected", []))
        if not selected and not step.optional:
            error = InvalidInput("invalid.pick_one", field=step.name)
            return prompts.invalid_replies(ctx, conv, step, error)
        return self._store(ctx, conv, step, selected or None)

    def _store(self, ctx: Ctx, conv: Conversation, step: Step, value: Any) -> list[Reply]:
        answers = {**conv.answers, step.name: value}
        if conv.answers.get(step.name, value) != value:
            for name in step.resets:  # e.g. a new organisation name voids the old pick
                answers.pop(name, None)
        conv.answers = answers
        ctx.answers = conv.answers
        context = {k: v for k, v in conv.context.items() if k not in ("selected", "several")}
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
            return [*before, prompts.step_reply(ctx, conv, pending)]
        if dialog.confirm:
            return [*before, *self._to_summary(ctx, conv)]
        return [*before, *self._save(ctx, conv, dialog)]

    def _to_summary(self, ctx: Ctx, conv: Conversation) -> list[Reply]:
        dialog = self._load(ctx, conv)
        self._bump(conv, mode=Mode.confirm, step=None)
        return prompts.summary(ctx, conv, dialog)

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

    def _save(self, ctx: Ctx, conv: Conversation, dialog: Dialog) -> list[Reply]:
        ctx.answers, ctx.context = conv.answers, conv.context
        if dialog.on_result is not None:
            self._bump(conv, mode=Mode.results, step=None)
        ctx.token = lambda op, arg="": prompts.token(conv, op, arg)
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
            return prompts.invalid_replies(ctx, conv, step, error)
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
        """The dialog's questions as fields of one form (see bot.dialogs.forms)."""
        return form_fields(ctx, self.dialogs[name], answers)

    def fill(
        self, ctx: Ctx, name: str, raw: dict[str, Any]
    ) -> tuple[dict[str, Any], dict[str, Text]]:
        """Checks a submitted form: the answers, and an error per field (see bot.dialogs.forms)."""
        return fill_form(ctx, self.dialogs[name], raw)

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
