"""The flow of a dialog: transitions over its conversation's state (answer, back, skip,
change a field, summary). No rendering and no queries: each transition changes the
conversation in place (its columns are change-tracked) and says what to show next."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from bot.dialogs.steps import Ctx, Dialog, Kind, Mode, Step
from core.errors import InvalidInput
from core.models import Conversation

# Context keys that belong to the question being asked, dropped once it is answered.
_QUESTION_KEYS = ("selected", "several")


@dataclass(frozen=True)
class Next:
    """What the person sees next: a step (again, with an error), the summary, the menu of
    fields, the result of saving, or a note that there is no earlier question."""

    show: Literal["step", "invalid", "summary", "fields", "save", "first"]
    step: Step | None = None
    edit: bool = False  # the same message, updated (a check mark toggled)
    error: InvalidInput | None = None


@dataclass(frozen=True)
class Flow:
    ctx: Ctx  # bound to conv: ctx.answers is conv.answers
    dialog: Dialog
    conv: Conversation

    def current(self) -> Next:
        """What the conversation shows now, without changing it."""
        if self.conv.mode == Mode.confirm:
            return Next("summary")
        if self.conv.mode == Mode.pick_field:
            return Next("fields")
        step = self.dialog.step(self.conv.step)
        return Next("step", step) if step is not None else self.advance()

    def advance(self) -> Next:
        """The first applicable question still unanswered; after the last, the summary (or
        the save, for a dialog that needs no confirmation)."""
        pending = next(
            (
                s
                for s in self.dialog.steps
                if s.in_flow and s.applies(self.ctx) and s.name not in self.conv.answers
            ),
            None,
        )
        if pending is not None:
            self.bump(mode=Mode.ask, step=pending.name)
            if pending.kind is Kind.multi:
                self.conv.context["selected"] = []
            return Next("step", pending)
        return self.to_summary() if self.dialog.confirm else Next("save")

    def store(self, step: Step, value: Any) -> Next:
        answers, context = self.conv.answers, self.conv.context
        if answers.get(step.name, value) != value:
            for name in step.resets:  # e.g. a new organisation name voids the old pick
                answers.pop(name, None)
        answers[step.name] = value
        for key in _QUESTION_KEYS:
            context.pop(key, None)
        if not context.pop("editing", False):
            self.conv.history.append(step.name)
        return self.advance()

    def toggle(self, step: Step, value: str) -> Next:
        selected = list(self.conv.context.get("selected", []))
        selected = [v for v in selected if v != value] if value in selected else [*selected, value]
        self.conv.context["selected"] = selected
        self.bump()
        return Next("step", step, edit=True)

    def several(self, step: Step) -> Next:
        """A quick multiple choice turned into check marks with Done."""
        self.conv.context["several"] = True
        self.bump()
        return Next("step", step, edit=True)

    def done(self, step: Step) -> Next:
        selected = list(self.conv.context.get("selected", []))
        if not selected and not step.optional:
            return Next("invalid", step, error=InvalidInput("invalid.pick_one", field=step.name))
        return self.store(step, selected or None)

    def back(self) -> Next:
        conv = self.conv
        if conv.context.get("editing") or conv.mode == Mode.pick_field:
            conv.context.pop("editing", None)
            return self.to_summary()
        if not conv.history:
            return Next("first")
        previous = conv.history.pop()
        conv.answers.pop(previous, None)
        self.bump(mode=Mode.ask, step=previous)
        step = self.dialog.step(previous)
        if step is not None and step.kind is Kind.multi:
            conv.context["selected"] = []
        return self.current()

    def to_summary(self) -> Next:
        self.bump(mode=Mode.confirm, step=None)
        return Next("summary")

    def change(self) -> Next:
        self.bump(mode=Mode.pick_field, step=None)
        return Next("fields")

    def edit(self, name: str) -> Next | None:
        """A field chosen from the menu, asked again; None if it does not apply."""
        target = self.dialog.step(name)
        if target is None or not target.applies(self.ctx):
            return None
        self.bump(mode=Mode.ask, step=target.name)
        self.conv.context["editing"] = True
        return Next("step", target)

    def reopen(self, step: Step, error: InvalidInput) -> Next:
        """A save refused one answer: that question again, then back to the summary."""
        self.conv.context["editing"] = True
        self.bump(mode=Mode.ask, step=step.name)
        return Next("invalid", step, error=error)

    def to_results(self) -> None:
        self.bump(mode=Mode.results, step=None)

    def bump(self, *, mode: Mode | None = None, step: str | None = "") -> None:
        """Every change makes earlier buttons stale (their revision is behind)."""
        conv = self.conv
        conv.revision += 1
        conv.updated_at = self.ctx.now()
        if mode is not None:
            conv.mode = mode
        if step != "":
            conv.step = step
