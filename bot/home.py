"""A person's home screen (Slack's App Home): their organisation's open listings and the
matches waiting for their answer, with buttons, and the main actions."""

from __future__ import annotations

from bot.dialogs.engine import Ctx
from bot.dialogs.matches import match_summary, pending_for
from bot.i18n import N_
from bot.messages import Button, Reply
from bot.notices import decision_buttons
from bot.views import listing_card
from core.listings import list_mine
from core.matchmaking import matches_for
from core.models.enums import MatchStatus


def home_view(ctx: Ctx) -> list[Reply]:
    tr = ctx.tr
    actions = (
        (
            Button(tr.s(N_("New need")), "c:need:"),
            Button(tr.s(N_("New offer")), "c:offer:"),
            Button(tr.s(N_("Search")), "c:search:"),
            Button(tr.s(N_("Matches")), "c:matches:"),
        ),
    )
    if ctx.person is None or ctx.actor is None:
        return [
            Reply(
                tr(
                    N_(
                        "**Welcome to Partnerbot.** Introduce yourself to register needs and "
                        "offers of assistance."
                    )
                ),
                ((Button(tr.s(N_("Introduce myself")), "c:start:"),),),
            )
        ]
    replies = [Reply(tr(N_("**Hello, {name}.**"), name=ctx.person.name), actions)]
    waiting = [
        view
        for view in matches_for(ctx.session, ctx.actor, statuses=(MatchStatus.proposed,))
        if pending_for(ctx.actor, view)
    ]
    replies.append(Reply(tr(N_("**Matches waiting for your answer:** {n}"), n=len(waiting))))
    for view in waiting[:5]:
        replies.append(
            Reply(match_summary(tr, ctx.vocab, view), decision_buttons(tr, view.match.id or 0))
        )
    listings = list_mine(ctx.session, ctx.actor)
    replies.append(Reply(tr(N_("**Your organisation's open listings:** {n}"), n=len(listings))))
    for view in listings[:8]:
        replies.append(
            Reply(
                listing_card(tr, ctx.vocab, view),
                (
                    (
                        Button(tr.s(N_("✎ Edit")), f"c:edit:{view.listing.id}"),
                        Button(tr.s(N_("✔ Still current")), f"c:keep:{view.listing.id}"),
                    ),
                ),
            )
        )
    return replies
