"""Consultations: `/consult` writes one (coordinators), `/consultations` lists them, and
`/consultation N` shows one: the draft to its author, the synthesis to coordinators, the
questions and one's own answers to a participant. The commands behind the buttons add and
remove questions, send, answer, export, and turn a free-text answer into a draft need."""

from __future__ import annotations

from contextlib import suppress
from typing import TYPE_CHECKING, Any

from bot.actions import command_token
from bot.charts import consultation_chart
from bot.commands.registry import COORDINATORS, Command, number
from bot.consultation_views import (
    STATUS,
    deadline_day,
    draft_overview,
    participant_view,
    synthesis_buttons,
    synthesis_text,
)
from bot.dialogs.consult import stored_answers
from bot.dialogs.coordination import files_dir
from bot.dialogs.engine import Ctx
from bot.i18n import N_
from bot.messages import Attachment, Button, Reply
from core.consultation_export import write_synthesis
from core.consultation_synthesis import synthesise
from core.consultations import (
    consultations_for,
    delete_draft,
    get_consultation,
    questions_of,
    remove_question,
    response_of,
    send_consultation,
)
from core.errors import Conflict, NotFound, PermissionDenied
from core.models import Consultation, Conversation
from core.models.consultation import ConsultationStatus, QuestionKind
from core.storage import may_take_long

if TYPE_CHECKING:
    from bot.chatbot import ChatBot

MEDIA = {"csv": "text/csv", "json": "application/json", "html": "text/html"}


def consult(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    return bot.start_dialog(ctx, conv, "consult")


def consultations(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    assert ctx.actor is not None
    found = consultations_for(ctx.session, ctx.actor)
    if not found:
        if ctx.actor.is_coordinator:
            return [Reply(ctx.tr(N_("No consultations yet. Start one with /consult.")))]
        return [Reply(ctx.tr(N_("You have not been consulted yet.")))]
    timezone = ctx.person.timezone if ctx.person else "UTC"
    replies = [Reply(ctx.tr(N_("**Consultations**")))]
    for c in found:
        text = ctx.tr(
            N_("📋 #{id} **{title}** — {status}, by {date}"),
            id=c.id,
            title=c.title,
            status=ctx.tr.s(STATUS[ConsultationStatus(c.status)]),
            date=deadline_day(ctx.tr, c.deadline, timezone),
        )
        open_it = Button(ctx.tr.s(N_("Open")), command_token("consultation", c.id or 0))
        replies.append(Reply(text, ((open_it,),)))
    return replies


def consultation(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    assert ctx.actor is not None
    c = _consultation(ctx, args)
    if c.status == ConsultationStatus.draft:
        return [draft_overview(ctx, c)]
    replies = []
    if ctx.actor.is_coordinator:
        replies += synthesis_replies(ctx, c)
    with suppress(NotFound):  # a coordinator who was not asked has no answers to see
        replies.append(participant_view(ctx, c, response_of(ctx.session, ctx.actor, c.id or 0)))
    return replies


def synthesis_replies(ctx: Ctx, c: Consultation) -> list[Reply]:
    """The synthesis in words, with its chart when a question has choices."""
    synthesis = synthesise(ctx.session, c)
    text = synthesis_text(ctx.tr, ctx.vocab, synthesis)
    counted = [s for s in synthesis.questions if s.counts and s.answered]
    attachment = None
    if counted:
        may_take_long()
        path = consultation_chart(ctx.tr, counted)
        attachment = Attachment("consultation.png", path, "image/png", is_image=True)
    return [Reply(text, synthesis_buttons(ctx.tr, c.id or 0), attachment=attachment)]


def add_question(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    c = _own_draft(ctx, args)
    return bot.start_dialog(ctx, conv, "consult_question", context={"id": c.id})


def drop_question(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    assert ctx.actor is not None
    c = _own_draft(ctx, args)
    remove_question(ctx.session, ctx.actor, c.id or 0, len(c.questions) - 1)
    return [draft_overview(ctx, c)]


def send(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    assert ctx.actor is not None
    c = _own_draft(ctx, args)
    invited = send_consultation(ctx.session, ctx.actor, ctx.vocab, c.id or 0, now=ctx.now())
    timezone = ctx.person.timezone if ctx.person else "UTC"
    text = ctx.tr(
        N_(
            "📨 Sent: {n} people are invited, each in their language and at a good hour for "
            "them. It closes at the end of {date}; then you receive the synthesis."
        ),
        n=invited,
        date=deadline_day(ctx.tr, c.deadline, timezone),
    )
    return [Reply(text)]


def delete(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    assert ctx.actor is not None
    delete_draft(ctx.session, ctx.actor, _own_draft(ctx, args).id or 0)
    return [Reply(ctx.tr(N_("Draft deleted.")))]


def answer_form(ctx: Ctx, args: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """What the answers' dialog (or form) is about, and the answers given before."""
    assert ctx.actor is not None
    c = _consultation(ctx, args)
    if c.status != ConsultationStatus.open or ctx.now() >= c.deadline:
        raise Conflict("consultation.closed")
    response = response_of(ctx.session, ctx.actor, c.id or 0)
    return {"id": c.id}, stored_answers(dict(response.answers or {}))


def answer(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    context, answers = answer_form(ctx, args)
    if answers:
        return bot.start_dialog(
            ctx, conv, "consult_answer", context=context, answers=answers, at_summary=True
        )
    return bot.start_dialog(ctx, conv, "consult_answer", context=context)


def export(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    """CSV, JSON or a document to annex to a meeting's report: for coordinators, and for
    the participants of a closed consultation that shares its synthesis."""
    assert ctx.actor is not None
    head, _, layout = args.strip().partition(".")
    c = _consultation(ctx, head)
    shared = c.share_results and c.status == ConsultationStatus.closed
    if layout not in MEDIA or c.status == ConsultationStatus.draft:
        raise NotFound("not_found.consultation")
    if not (ctx.actor.is_coordinator or shared):
        raise PermissionDenied("denied.coordinator_only")
    may_take_long()
    synthesis = synthesise(ctx.session, c)
    if not ctx.actor.is_coordinator:
        synthesis.missing = []  # who did not answer is for the coordinators
    if layout == "html":
        from bot.consultation_document import write_document

        path = write_document(ctx.tr, ctx.vocab, synthesis, files_dir())
    else:
        path = write_synthesis(synthesis, files_dir(), layout)
    text = ctx.tr(N_("The synthesis of “{title}”."), title=c.title)
    return [Reply(text, attachment=Attachment(path.name, path, MEDIA[layout]))]


def draft_need(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    """A free-text answer as the start of a need: its author confirms the rest in the
    need's own dialog, so nothing is registered without them."""
    assert ctx.actor is not None
    head, _, index = args.strip().partition(".")
    c = _consultation(ctx, head)
    answers = response_of(ctx.session, ctx.actor, c.id or 0).answers or {}
    questions = [q for q in questions_of(c) if q.kind == QuestionKind.text]
    text = next((answers.get(q.key) for q in questions if str(q.index) == index), None)
    if not text:
        raise NotFound("not_found.consultation")
    said = Reply(ctx.tr(N_("Let us register it as a need: your answer is its description.")))
    return [said, *bot.start_dialog(ctx, conv, "need", answers={"description": text[:2000]})]


def _consultation(ctx: Ctx, args: str) -> Consultation:
    assert ctx.actor is not None
    return get_consultation(ctx.session, ctx.actor, number(args, "not_found.consultation"))


def _own_draft(ctx: Ctx, args: str) -> Consultation:
    c = _consultation(ctx, args)
    if c.status != ConsultationStatus.draft:
        raise Conflict("consultation.sent")
    return c


COMMANDS = (
    Command(
        "consult",
        consult,
        N_("consult people: questions, an audience, a deadline"),
        roles=COORDINATORS,
    ),
    Command("consultations", consultations, N_("consultations: open and closed"), info=True),
    Command(
        "consultation",
        consultation,
        N_("one consultation, its answers and synthesis"),
        args="N",
        info=True,
    ),
    Command("consult_q", add_question, args="N", roles=COORDINATORS),
    Command("consult_drop", drop_question, args="N", roles=COORDINATORS),
    Command("consult_send", send, args="N", roles=COORDINATORS),
    Command("consult_delete", delete, args="N", roles=COORDINATORS),
    Command("consult_answer", answer, args="N", form="consult_answer", form_context=answer_form),
    Command("consult_export", export, args="N.format"),
    Command("consult_need", draft_need, args="N.question"),
)
