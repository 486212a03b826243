"""Match outcomes in chat: the answer to "did it lead to cooperation?", recorded at once for
yes and in progress; a no asks, once, what stood in the way."""

from __future__ import annotations

from bot.dialogs.steps import Ctx, Dialog, Kind, Step
from bot.i18n import N_
from bot.messages import Reply
from core.match_outcomes import record_outcome
from core.models.match_outcome import Outcome

THANKS = {
    Outcome.yes: N_("Thank you! Glad to hear it led to cooperation."),
    Outcome.in_progress: N_("Thank you. Noted: the cooperation is under way."),
    Outcome.no: N_("Thank you for telling us."),
}


def answer_outcome(ctx: Ctx, match_id: int, answer: Outcome, reason: str | None = None) -> Reply:
    assert ctx.actor is not None
    record_outcome(ctx.session, ctx.actor, match_id, answer, reason, now=ctx.now())
    if answer == Outcome.no and reason:
        return Reply(
            ctx.tr(
                N_(
                    "Thank you for saying what stood in the way: it helps coordinators "
                    "propose better matches."
                )
            )
        )
    return Reply(ctx.tr(THANKS[answer]))


def _save_no(ctx: Ctx) -> list[Reply]:
    match_id = int(ctx.context["match_id"])
    return [answer_outcome(ctx, match_id, Outcome.no, ctx.answer("reason"))]


def outcome_dialogs() -> list[Dialog]:
    reason = Step(
        "reason",
        N_("What stood in the way? Tap **Skip** to leave it."),
        Kind.text,
        optional=True,
        max_len=500,
    )
    return [Dialog("match_outcome_no", N_("Match outcome"), (reason,), _save_no, confirm=False)]
