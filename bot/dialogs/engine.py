"""The dialog engine. A dialog is a declared sequence of steps (bot.dialogs.steps); its state
is a Conversation row committed with every answer. Adapters never see steps: they get
neutral replies with buttons whose tokens come back here.

The parts: the steps declare; the flow (bot.dialogs.flow) moves the conversation from
question to question; the answer kinds (bot.dialogs.kinds) read and show answers; prompts
(bot.dialogs.prompts) render; forms (bot.dialogs.forms) turn a dialog into one screen. This
module strings them together for one message: it loads the dialog once, reads the input,
asks the flow, renders what comes next, and saves through the dialog's use case."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlmodel import select

from bot.actions import DialogAction
from bot.dialogs import prompts
from bot.dialogs.answers import SAVE, YES
from bot.dialogs.flow import Flow, Next
from bot.dialogs.forms import fill_form, form_fields
from bot.dialogs.kinds import parse_answer
from bot.dialogs.steps import (
    Choice,
    ChoicesFn,
    Ctx,
    Dialog,
    FormField,
    Kind,
    Mode,
    Saved,
    Step,
)
from bot.errors import error_text
from bot.i18n import N_, fold
from bot.messages import Reply
from bot.text import Text
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
    "Saved",
    "Step",
]

SAVE_WORDS = YES | SAVE


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
        conv = Conversation.begin(
            identity_id=ctx.identity.id,
            dialog=name,
            nonce=secrets.token_hex(3),
            answers=answers,
            context=context,
        )
        ctx.session.add(conv)
        flow = self._flow(ctx, conv)
        return self._show(flow, flow.to_summary() if at_summary else flow.advance())

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
        saved = Conversation.begin(
            identity_id=ctx.identity.id,
            dialog=aside.dialog,
            nonce=secrets.token_hex(3),
            step=aside.step,
            answers=dict(aside.answers),
            history=list(aside.history),
            context=dict(aside.context),
        )
        ctx.session.delete(aside)
        ctx.session.flush()
        current = self.current(ctx)
        if current is not None and current.mode != Mode.results:
            self.set_aside(ctx, current)
        self.discard(ctx)
        ctx.session.add(saved)
        flow = self._flow(ctx, saved)
        if saved.step is None:  # it was set aside at its summary
            return self._show(flow, flow.to_summary())
        return self._show(flow, flow.current())

    def title_of(self, conv: Conversation | SetAsideDialog) -> str:
        dialog = self.dialogs.get(conv.dialog)
        return dialog.title if dialog else conv.dialog

    # -- input -------------------------------------------------------------------------------

    def on_text(self, ctx: Ctx, conv: Conversation, text: str) -> list[Reply]:
        flow = self._flow(ctx, conv)
        if conv.mode == Mode.ask:
            step = flow.dialog.step(conv.step)
            if step is None:
                return self._show(flow, flow.advance())
            return self._answer_text(flow, step, text)
        if conv.mode == Mode.confirm:
            if fold(text) in SAVE_WORDS:
                return self._save(flow)
            please = N_(
                "Please check the summary and tap **Save**, **Change a field** or **Cancel**."
            )
            return [Reply(flow.ctx.tr(please)), *self._show(flow, Next("summary"))]
        return self._show(flow, flow.current())

    def on_action(self, ctx: Ctx, conv: Conversation, action: DialogAction) -> list[Reply]:
        flow = self._flow(ctx, conv)
        op, arg, dialog = action.op, action.arg, flow.dialog
        step = dialog.step(conv.step)
        if op == "back":
            return self._show(flow, flow.back())
        if conv.mode == Mode.ask and step is not None:
            if op == "skip" and step.optional:
                return self._show(flow, flow.store(step, None))
            if op == "pick":
                return self._pick(flow, step, arg)
            if op == "done" and step.kind is Kind.multi:
                return self._show(flow, flow.done(step))
            if op == "several" and step.quick:
                return self._show(flow, flow.several(step))
            if op == "val":
                return self._answer_text(flow, step, arg)
        if conv.mode == Mode.confirm:
            if op == "save":
                return self._save(flow)
            if op == "change":
                return self._show(flow, flow.change())
        if conv.mode == Mode.results and dialog.on_result is not None:
            flow.bump()
            return dialog.on_result(flow.ctx, op, arg)
        if conv.mode == Mode.pick_field:
            if op == "field" and (chosen := flow.edit(arg)) is not None:
                return self._show(flow, chosen)
            if op == "summary":
                return self._show(flow, flow.to_summary())
        return self._stale(flow)

    def stale(self, ctx: Ctx, conv: Conversation | None) -> list[Reply]:
        if conv is None:
            over = N_(
                "That button belongs to a conversation that is over. "
                "Type /help to see what you can do."
            )
            return [Reply(ctx.tr(over))]
        return self._stale(self._flow(ctx, conv))

    def _stale(self, flow: Flow) -> list[Reply]:
        note = Reply(flow.ctx.tr(N_("That button belongs to an earlier question.")))
        return [note, *self._show(flow, flow.current())]

    def prompt(self, ctx: Ctx, conv: Conversation) -> list[Reply]:
        """The question (or summary) the conversation is at, asked again."""
        flow = self._flow(ctx, conv)
        return self._show(flow, flow.current())

    # -- reading answers ---------------------------------------------------------------------

    def _answer_text(self, flow: Flow, step: Step, text: str) -> list[Reply]:
        ctx = flow.ctx
        try:
            value = parse_answer(ctx, step, text)
            if step.check is not None:
                value = step.check(ctx, value)
        except InvalidInput as error:
            return self._show(flow, Next("invalid", step, error=error))
        if step.kind is Kind.multi:
            flow.conv.context["selected"] = value
            return self._show(flow, flow.done(step))
        return self._stored(flow, step, value)

    def _pick(self, flow: Flow, step: Step, arg: str) -> list[Reply]:
        ctx = flow.ctx
        choice = prompts.chosen(step.choices_for(ctx), arg)
        if choice is None:
            return self._stale(flow)
        value = choice.value
        if step.kind is Kind.multi and step.quick and not flow.conv.context.get("several"):
            return self._stored(flow, step, [value])  # one tap for one
        if step.kind is Kind.multi:
            return self._show(flow, flow.toggle(step, value))
        if step.check is not None:
            try:
                value = step.check(ctx, value)
            except InvalidInput as error:
                return self._show(flow, Next("invalid", step, error=error))
        return self._stored(flow, step, value)

    def _stored(self, flow: Flow, step: Step, value: Any) -> list[Reply]:
        shown = flow.store(step, value)
        if step.speaks:  # the next questions are asked in the language just chosen
            flow = Flow(flow.ctx.speaking(value), flow.dialog, flow.conv)
        return self._show(flow, shown)

    # -- showing what comes next -------------------------------------------------------------

    def _show(self, flow: Flow, shown: Next) -> list[Reply]:
        ctx, conv, dialog = flow.ctx, flow.conv, flow.dialog
        if shown.show == "step" and shown.step is not None:
            return [prompts.step_reply(ctx, conv, shown.step, edit=shown.edit)]
        if shown.show == "invalid" and shown.step is not None and shown.error is not None:
            return prompts.invalid_replies(ctx, conv, shown.step, shown.error)
        if shown.show == "summary":
            return prompts.summary(ctx, conv, dialog)
        if shown.show == "fields":
            return [prompts.field_menu(ctx, conv, dialog)]
        if shown.show == "first":
            first = Reply(ctx.tr(N_("This is the first question.")))
            return [first, *self._show(flow, flow.current())]
        return self._save(flow)

    def _save(self, flow: Flow) -> list[Reply]:
        ctx, conv, dialog = flow.ctx, flow.conv, flow.dialog
        if dialog.on_result is not None:
            flow.to_results()
        if dialog.slow:
            may_take_long()
        try:
            with ctx.session.begin_nested():
                saved = dialog.save(ctx)
        except InvalidInput as error:
            step = next((s for s in dialog.steps if s.owns(error.field)), None)
            if step is None:
                return [Reply(error_text(ctx.tr, error)), *self._show(flow, flow.to_summary())]
            return self._show(flow, flow.reopen(step, error))
        except DomainError as error:
            return [Reply(error_text(ctx.tr, error)), *self._show(flow, flow.to_summary())]
        result = saved if isinstance(saved, Saved) else Saved(saved)
        if self.on_saved is not None:
            self.on_saved(ctx, dialog.name)
        if dialog.on_result is not None:
            return result.replies  # the conversation stays, for the results' buttons
        if not sa.inspect(conv).deleted:  # a save may end the account itself (/forgetme)
            ctx.session.delete(conv)
        ctx.session.flush()
        if result.then is not None:
            name, answers = result.then
            context = result.then_context
            return [*result.replies, *self.start(ctx, name, answers=answers, context=context)]
        return result.replies

    # -- one-screen forms ----------------------------------------------------------------------

    def form(
        self,
        ctx: Ctx,
        name: str,
        answers: dict[str, Any] | None = None,
        context: dict[str, Any] | None = None,
    ) -> list[FormField]:
        """The dialog's questions as fields of one form (see bot.dialogs.forms)."""
        return form_fields(ctx, self.dialogs[name], answers, context)

    def fill(
        self, ctx: Ctx, name: str, raw: dict[str, Any], context: dict[str, Any] | None = None
    ) -> tuple[dict[str, Any], dict[str, Text]]:
        """Checks a submitted form: the answers, and an error per field (see bot.dialogs.forms)."""
        return fill_form(ctx, self.dialogs[name], raw, context)

    # -- loading -----------------------------------------------------------------------------

    def _flow(self, ctx: Ctx, conv: Conversation) -> Flow:
        """The conversation's dialog, built once for this message (a report's questions come
        from its partnership's indicators), with the context bound to the conversation."""
        ctx = ctx.bound(conv)
        return Flow(ctx, self.dialogs[conv.dialog].for_context(ctx), conv)
