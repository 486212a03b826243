"""What a dialog is made of: the kinds of answer, the steps, the context a step sees, and the
dialog that strings steps together. Declarations only; DialogEngine (bot.dialogs.engine) runs
them."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlmodel import Session

from bot.actions import dialog_token
from bot.i18n import Tr
from bot.messages import Choice, Kind, Reply
from bot.messages import FormField as FormField  # declared with the message model
from bot.settings import Settings
from core.clock import utcnow
from core.models import ChannelIdentity, Conversation, Stakeholder
from core.people import Actor
from core.quiet_hours import zone
from core.vocabularies import Vocabularies


class Mode(StrEnum):
    ask = "ask"
    confirm = "confirm"
    pick_field = "pick_field"
    results = "results"  # a finished search, kept for its paging buttons


@dataclass(frozen=True)
class Ctx:
    """What a step needs to know about the person and the world, for one message. Frozen:
    a step or a save reads it and returns what it means to change. `answers` and `context`
    are the conversation's own (change-tracked) dictionaries once the engine binds it."""

    session: Session
    vocab: Vocabularies
    tr: Tr
    identity: ChannelIdentity
    person: Stakeholder | None
    actor: Actor | None
    settings: Settings
    clock: Callable[[], datetime] = utcnow  # moved by simulations and tests
    conversation: Conversation | None = None
    answers: dict[str, Any] = field(default_factory=dict)
    context: dict[str, Any] = field(default_factory=dict)
    # Lookups a step repeats within one message (its condition, then the summary), kept for
    # that message only.
    memo: dict[Any, Any] = field(default_factory=dict)

    def bound(self, conv: Conversation) -> Ctx:
        """This context reading (and, through the engine, writing) that conversation."""
        return replace(self, conversation=conv, answers=conv.answers, context=conv.context)

    def drafting(self, answers: dict[str, Any], context: dict[str, Any] | None = None) -> Ctx:
        """This context over answers that are no conversation's (a form being checked),
        about the record of `context` if any."""
        return replace(self, conversation=None, answers=answers, context=dict(context or {}))

    def speaking(self, language: str) -> Ctx:
        return replace(self, tr=Tr(language))

    def now(self) -> datetime:
        return self.clock()

    def today(self) -> date:
        """The date where the person is: a date they type ("today") means theirs."""
        timezone = self.person.timezone if self.person is not None else "UTC"
        return self.now().astimezone(zone(timezone)).date()

    def answer(self, name: str, default: Any = None) -> Any:
        return self.answers.get(name, default)

    def token(self, op: str, arg: str = "") -> str:
        """A button of this dialog, for what a save or a result shows."""
        conv = self.conversation
        return dialog_token(conv.nonce, conv.revision, op, arg) if conv is not None else ""


@dataclass(frozen=True)
class Saved:
    """What a save brings about beyond its replies: a dialog to start next."""

    replies: list[Reply]
    then: tuple[str, dict[str, Any]] | None = None
    then_context: dict[str, Any] | None = None  # the record the next dialog is about


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
    # On the one-screen form: by default when in the flow; False for a follow-up question,
    # True for a question the chat asks only from the summary.
    in_form: bool | None = None
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
    speaks: bool = False  # the answer is the language the next questions are asked in
    # A form asks everything at once, with pickers: its hint is the prompt's question alone
    # ("Which thematic areas?"), or this, where the chat's instructions matter on a form too.
    form_hint: str = ""
    # A multiple choice where one tap answers with that one choice, and "Several of them…"
    # turns the buttons into check marks with Done: the common case costs one answer.
    quick: bool = False

    @property
    def on_form(self) -> bool:
        return self.in_flow if self.in_form is None else self.in_form

    def applies(self, ctx: Ctx) -> bool:
        return self.when is None or self.when(ctx)

    def choices_for(self, ctx: Ctx) -> list[Choice]:
        """The step's choices, computed once a message for the same answers (a reply, its
        summary and the tap that follows ask for them several times)."""
        if self.choices is None:
            return []
        # By the other answers: a step's own answer never changes its choices, so the tap
        # that answers it and the summary after it share one computation.
        others = {k: v for k, v in ctx.answers.items() if k != self.name}
        key = ("choices", self.name, json.dumps(others, sort_keys=True, default=str))
        if key not in ctx.memo:
            ctx.memo[key] = self.choices(ctx)
        return ctx.memo[key]

    def owns(self, domain_field: str | None) -> bool:
        return domain_field == self.name or domain_field in self.fields


@dataclass(frozen=True)
class Dialog:
    name: str
    title: str
    steps: tuple[Step, ...]
    save: Callable[[Ctx], list[Reply] | Saved]
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
