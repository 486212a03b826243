"""Match outcomes: the answer behind the buttons of the question the sweep asks some weeks
after both sides accepted a match ("12.yes", "12.in_progress", "12.no")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.commands.registry import Command, number
from bot.dialogs.engine import Ctx
from bot.dialogs.outcomes import answer_outcome
from bot.i18n import N_
from bot.messages import Reply
from bot.notices import outcome_buttons
from core.errors import NotFound, PermissionDenied
from core.matchmaking import get_match
from core.models import Conversation
from core.models.enums import MatchStatus
from core.models.match_outcome import Outcome

if TYPE_CHECKING:
    from bot.chatbot import ChatBot


def outcome(bot: ChatBot, ctx: Ctx, conv: Conversation | None, args: str) -> list[Reply]:
    head, _, said = args.strip().partition(".")
    match_id = number(head, "not_found.match")
    if said and said not in {answer.value for answer in Outcome}:
        raise NotFound("not_found.match")  # a garbled button
    assert ctx.actor is not None
    view = get_match(ctx.session, match_id)
    if not view.side_of(ctx.actor):
        raise PermissionDenied("denied.not_party")
    if view.match.status != MatchStatus.accepted:
        raise NotFound("not_found.match")
    if not said:  # typed without an answer: the question again, with its buttons
        question = ctx.tr(N_("Did match #{id} lead to cooperation?"), id=match_id)
        return [Reply(question, outcome_buttons(ctx.tr, match_id))]
    if said == Outcome.no:
        return bot.start_dialog(ctx, conv, "match_outcome_no", context={"match_id": match_id})
    return [answer_outcome(ctx, match_id, Outcome(said))]


COMMANDS = (Command("outcome", outcome, args="N.answer"),)
