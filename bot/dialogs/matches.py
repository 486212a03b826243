"""Matches in chat: the list, the details, accepting, and declining with a reason."""

from __future__ import annotations

from bot.actions import command_token
from bot.dialogs.steps import Ctx, Dialog, Kind, Step
from bot.i18n import N_, Tr
from bot.messages import Button, Reply
from bot.notices import decision_buttons
from bot.text import Text
from bot.views import listing_card, reasons_text
from core.errors import PermissionDenied
from core.listings import get_listing
from core.matchmaking import MatchView, can_see_match, decide, get_match, matches_for
from core.models.enums import Decision, MatchStatus
from core.people import Actor
from core.vocabularies import Vocabularies

STATUS_LABELS = {
    MatchStatus.proposed: N_("waiting for answers"),
    MatchStatus.accepted: N_("accepted by both"),
    MatchStatus.declined: N_("declined"),
    MatchStatus.expired: N_("expired"),
}


def match_summary(tr: Tr, vocab: Vocabularies, view: MatchView) -> Text:
    match = view.match
    return Text.join(
        [
            tr(
                N_("**Match #{id}** — {status} — score {score}%"),
                id=match.id,
                status=tr(STATUS_LABELS[MatchStatus(match.status)]),
                score=round(match.score * 100),
            ),
            tr(N_("Need: {title}"), title=view.need.title),
            tr(N_("Offer: {title}"), title=view.offer.title),
            tr(N_("Why: {reasons}"), reasons=reasons_text(tr, vocab, match.reasons)),
        ]
    )


def pending_for(actor: Actor, view: MatchView) -> bool:
    """Whether the actor still has to answer this match."""
    if view.match.status != MatchStatus.proposed:
        return False
    return any(
        getattr(view.match, f"{side}_decision") == Decision.pending for side in view.side_of(actor)
    )


def list_matches(ctx: Ctx) -> list[Reply]:
    assert ctx.actor is not None
    views = matches_for(ctx.session, ctx.actor)
    if not views:
        return [Reply(ctx.tr(N_("No matches yet. I will tell you as soon as one comes up.")))]
    replies = [Reply(ctx.tr(N_("**Matches** (newest first)")))]
    for view in views[:10]:
        buttons = (
            decision_buttons(ctx.tr, view.match.id or 0)
            if pending_for(ctx.actor, view)
            else ((Button(ctx.tr.s(N_("Details")), command_token("match", view.match.id or 0)),),)
        )
        summary = match_summary(ctx.tr, ctx.vocab, view)
        if pending_for(ctx.actor, view) and accepted_by_other(ctx.actor, view):
            summary = summary + "\n" + ctx.tr(N_("The other side has already accepted."))
        replies.append(Reply(summary, buttons))
    return replies


def accepted_by_other(actor: Actor, view: MatchView) -> bool:
    mine = set(view.side_of(actor))
    return any(
        getattr(view.match, f"{side}_decision") == Decision.accepted
        for side in {"need", "offer"} - mine
    )


def match_details(ctx: Ctx, match_id: int) -> list[Reply]:
    view = _visible(ctx, match_id)
    cards = [
        listing_card(ctx.tr, ctx.vocab, get_listing(ctx.session, view.need.id or 0)),
        listing_card(ctx.tr, ctx.vocab, get_listing(ctx.session, view.offer.id or 0)),
    ]
    assert ctx.actor is not None
    buttons = decision_buttons(ctx.tr, match_id) if pending_for(ctx.actor, view) else ()
    text = Text.join([match_summary(ctx.tr, ctx.vocab, view), *cards], "\n\n")
    return [Reply(text, buttons)]


def accept(ctx: Ctx, match_id: int) -> list[Reply]:
    assert ctx.actor is not None
    view = decide(ctx.session, ctx.actor, match_id, accept=True)
    if view.match.status == MatchStatus.accepted:
        return [
            Reply(
                ctx.tr(
                    N_(
                        "Accepted by both sides: a draft partnership is ready. A message "
                        "follows with how you are put in touch."
                    )
                )
            )
        ]
    return [Reply(ctx.tr(N_("Accepted. I will tell you when the other side answers.")))]


def _visible(ctx: Ctx, match_id: int) -> MatchView:
    view = get_match(ctx.session, match_id)
    if ctx.actor is None or not can_see_match(ctx.actor, view):
        raise PermissionDenied("denied.not_party")
    return view


def _save_decline(ctx: Ctx) -> list[Reply]:
    assert ctx.actor is not None
    decide(
        ctx.session,
        ctx.actor,
        int(ctx.context["match_id"]),
        accept=False,
        reason=ctx.answer("reason"),
    )
    return [
        Reply(ctx.tr(N_("Declined. Thank you for saying why: it helps the other side.")))
        if ctx.answer("reason")
        else Reply(ctx.tr(N_("Declined.")))
    ]


def match_dialogs() -> list[Dialog]:
    reason = Step(
        "reason",
        N_("Why do you decline? A few words help the other side (or tap **Skip**)."),
        Kind.text,
        optional=True,
        max_len=500,
    )
    return [Dialog("decline", N_("Decline a match"), (reason,), _save_decline, confirm=False)]
