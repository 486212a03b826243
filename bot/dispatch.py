"""What an inbound asks for, and the replies: a command (typed, or behind a button), a button
of a dialog, a form, the home screen, or text that answers the question asked."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.actions import CommandAction, DialogAction, command_token, parse_token
from bot.dialogs.away import away_dialogs
from bot.dialogs.clusters import cluster_dialogs
from bot.dialogs.consult import consult_dialogs
from bot.dialogs.contacts import contact_dialogs
from bot.dialogs.coordination import coordination_dialogs
from bot.dialogs.engine import Ctx, DialogEngine
from bot.dialogs.listing import listing_dialogs
from bot.dialogs.matches import match_dialogs
from bot.dialogs.outcomes import outcome_dialogs
from bot.dialogs.partnership import partnership_dialogs
from bot.dialogs.people import people_dialogs
from bot.dialogs.report import report_dialogs
from bot.dialogs.search import search_dialogs
from bot.errors import error_text
from bot.home import home_view
from bot.i18n import N_
from bot.messages import Button, Form, FormInput, Inbound, Outcome, Reply
from bot.text import Text
from core.errors import DomainError
from core.models import Conversation
from core.usage import record_usage

if TYPE_CHECKING:
    from bot.commands import Registry


class Dispatch:
    commands: Registry

    def __init__(self) -> None:
        self.engine = DialogEngine(
            [
                *people_dialogs(),
                *listing_dialogs(),
                *search_dialogs(),
                *match_dialogs(),
                *outcome_dialogs(),
                *partnership_dialogs(),
                *report_dialogs(),
                *coordination_dialogs(),
                *contact_dialogs(),
                *consult_dialogs(),
                *away_dialogs(),
                *cluster_dialogs(),
            ],
            on_saved=lambda ctx, name: self.usage(ctx, "dialog", name),
        )
        self.forms = {c.form for c in self.commands.values() if c.form}

    def dispatch(self, ctx: Ctx, conv: Conversation | None, inbound: Inbound) -> Outcome:
        if inbound.form is not None:
            return self._submitted(ctx, conv, inbound.form)
        if inbound.home:
            return Outcome(home_view(ctx))
        if inbound.command:
            return self.command(ctx, conv, inbound.command, inbound.args, forms=inbound.forms)
        if inbound.action:
            return self._action(ctx, conv, inbound.action, forms=inbound.forms)
        return Outcome(self._text(ctx, conv, inbound))

    # -- commands ----------------------------------------------------------------------------

    def command(
        self, ctx: Ctx, conv: Conversation | None, name: str, args: str, *, forms: bool = False
    ) -> Outcome:
        command = self.commands.get(name)
        self.usage(ctx, "command", command.name if command else "unknown")
        if command is None:
            unknown = N_("I do not know {command}. Type /help to see what you can do.")
            return Outcome([Reply(ctx.tr(unknown, command=Text.command(name)))])
        if ctx.person is None and command.registered:
            return Outcome(self.start_onboarding(ctx, then=command.form or command.name))
        command, args = command.variant(args)
        if not command.allows(ctx.actor.roles if ctx.actor else frozenset()):
            return Outcome([Reply(error_text(ctx.tr, command.denial()))])
        if command.info:
            self.usage(ctx, "info", command.name)
        try:
            if forms and command.form:
                context, answers = (
                    command.form_context(ctx, args) if command.form_context else ({}, {})
                )
                return Outcome(form=self._form(ctx, command.form, context, answers))
            return Outcome(command.handler(self, ctx, conv, args))  # type: ignore[arg-type]
        except DomainError as error:
            return Outcome([Reply(error_text(ctx.tr, error))])

    def _action(self, ctx: Ctx, conv: Conversation | None, token: str, *, forms: bool) -> Outcome:
        action = parse_token(token)
        if isinstance(action, CommandAction):
            return self.command(ctx, conv, action.command, action.arg, forms=forms)
        if (
            isinstance(action, DialogAction)
            and conv is not None
            and (action.nonce, action.revision) == (conv.nonce, conv.revision)
        ):
            return Outcome(self.engine.on_action(ctx, conv, action))
        return Outcome(self.engine.stale(ctx, conv))

    def _text(self, ctx: Ctx, conv: Conversation | None, inbound: Inbound) -> list[Reply]:
        if inbound.file is not None and conv is None:
            return [Reply(ctx.tr(N_("Thank you, but I cannot use files here yet.")))]
        text = (inbound.text or "").strip()
        if conv is not None and conv.mode == "results" and text:
            self.engine.discard(ctx)  # search results are done with once one types on
            conv = None
        if conv is not None and text:
            return self.engine.on_text(ctx, conv, text)
        if conv is not None:  # a sticker, a photo, a voice message: not an answer
            words = Reply(ctx.tr(N_("Please answer in text.")))
            return [words, *self.engine.prompt(ctx, conv)]
        if ctx.person is None:
            return self.start_onboarding(ctx, then=None)
        return [
            Reply(
                ctx.tr(
                    N_(
                        "I am not sure what you mean. You can register a /need or an "
                        "/offer, /search, or see /help."
                    )
                )
            )
        ]

    # -- one-screen forms (Slack modals) -------------------------------------------------------

    def _form(
        self,
        ctx: Ctx,
        name: str,
        context: dict[str, Any] | None = None,
        answers: dict[str, Any] | None = None,
    ) -> Form:
        """A dialog as one screen, in the person's language, its buttons included."""
        return Form(
            name=name,
            title=ctx.tr.s(self.engine.dialogs[name].title),
            fields=self.engine.form(ctx, name, answers, context),
            submit=ctx.tr.s(N_("Next")),
            close=ctx.tr.s(N_("✖ Cancel")),
            context=context or {},
        )

    def _submitted(self, ctx: Ctx, conv: Conversation | None, form: FormInput) -> Outcome:
        """A submitted form: with errors, the errors by field and nothing else, so the form
        stays open. Without, when not only checking, the dialog goes on in chat at its next
        step (the summary)."""
        if form.name not in self.forms:
            return Outcome(self.engine.stale(ctx, conv))  # a form we never showed
        if ctx.person is None:
            return Outcome([] if form.check else self.start_onboarding(ctx, then=form.name))
        try:
            answers, errors = self.engine.fill(ctx, form.name, form.values or {}, form.context)
        except DomainError as error:  # its record is gone, or no longer theirs
            return Outcome([Reply(error_text(ctx.tr, error))])
        if errors:
            # Shown on the form when it is still open; said in the chat, with the way back
            # to the form, when the form was closed before they were found.
            lines = [ctx.tr(N_("Some answers in the form need another look:"))]
            lines += [Text.plain("• ") + text for text in errors.values()]
            # A form about a record is opened again by its command with the record's id.
            reopen = command_token(form.name, form.context.get("id", ""))
            again = Button(ctx.tr.s(N_("Open the form again")), reopen)
            return Outcome(
                [Reply(Text.join(lines), ((again,),))],
                errors={field: str(text) for field, text in errors.items()},
            )
        if form.check:
            return Outcome()
        context = form.context or None
        return Outcome(self.start_dialog(ctx, conv, form.name, answers=answers, context=context))

    # -- dialogs -----------------------------------------------------------------------------

    def start_onboarding(self, ctx: Ctx, then: str | None) -> list[Reply]:
        conv = self.engine.current(ctx)
        if conv is not None and conv.dialog == "start":
            return self.engine.prompt(ctx, conv)
        intro = Reply(
            ctx.tr(
                N_(
                    "Hello! I am Partnerbot: I connect needs and offers of "
                    "assistance for mine action, and follow up the partnerships "
                    "they lead to. First, let me get to know you: it takes a "
                    "minute."
                )
            )
        )
        return [intro, *self.engine.start(ctx, "start", context={"then": then} if then else {})]

    def start_dialog(
        self, ctx: Ctx, conv: Conversation | None, name: str, **kwargs: Any
    ) -> list[Reply]:
        """Starts a dialog. One under way is set aside, to be continued; a plain start of
        the dialog set aside offers to continue it or start over."""
        aside = self.engine.aside(ctx)
        if aside is not None and aside.dialog == name and not kwargs:
            return [self._continue_or_start_over(ctx, name)]
        note: list[Reply] = []
        if conv is not None and conv.dialog != name and conv.mode != "results":
            self.engine.set_aside(ctx, conv)
            note = [
                Reply(
                    ctx.tr(
                        N_(
                            "I have put aside your unfinished “{title}”: start it again "
                            "to continue."
                        ),
                        title=ctx.tr(self.engine.title_of(conv)),
                    )
                )
            ]
        return [*note, *self.engine.start(ctx, name, **kwargs)]

    def _continue_or_start_over(self, ctx: Ctx, name: str) -> Reply:
        title = ctx.tr(self.engine.dialogs[name].title)
        buttons = (
            (
                Button(ctx.tr.s(N_("Continue")), command_token("resume", name)),
                Button(ctx.tr.s(N_("Start over")), command_token("restart", name)),
            ),
        )
        return Reply(
            ctx.tr(N_("You have an unfinished “{title}”: continue, or start over?"), title=title),
            buttons,
        )

    def resume(self, ctx: Ctx, conv: Conversation | None, name: str) -> list[Reply]:
        aside = self.engine.aside(ctx)
        if aside is None or aside.dialog != name:
            return self.engine.stale(ctx, conv)
        return self.engine.resume(ctx, aside)

    def restart(self, ctx: Ctx, conv: Conversation | None, name: str) -> list[Reply]:
        if name not in self.engine.dialogs:
            return self.engine.stale(ctx, conv)
        self.engine.drop_aside(ctx)
        return self.start_dialog(ctx, conv, name)

    def usage(self, ctx: Ctx, category: str, name: str) -> None:
        record_usage(
            ctx.session,
            ctx.person.id if ctx.person else None,
            ctx.identity.platform,
            category,
            name,
        )
