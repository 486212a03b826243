"""Notices of matches, in words and buttons: proposed, accepted by the other side, declined,
accepted by both (with how to reach the other side), and the introductions a coordinator
makes when nobody shared contact details."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from bot.actions import command_token
from bot.i18n import N_, Tr
from bot.messages import Button, Reply
from bot.text import Text
from bot.views import listing_card, reasons_text
from core.errors import NotFound
from core.listings import get_listing
from core.matchmaking import get_match, matches_for
from core.models import Organisation, Partnership
from core.models.enums import Decision, MatchStatus
from core.people import load_actor
from core.vocabularies import Vocabularies


def _match_facts(
    session: Session, vocab: Vocabularies, tr: Tr, match_id: int, side: str
) -> tuple[Text, Text, str]:
    view = get_match(session, match_id)
    mine, theirs = (view.need, view.offer) if side == "need" else (view.offer, view.need)
    theirs_view = get_listing(session, theirs.id or 0)
    organisation = session.get(Organisation, theirs.organisation_id)
    card = listing_card(tr, vocab, theirs_view)
    return tr(N_("“{title}”"), title=mine.title), card, (organisation.name if organisation else "")


def decision_buttons(tr: Tr, match_id: int) -> tuple[tuple[Button, ...], ...]:
    return (
        (
            Button(tr.s(N_("✔ Accept")), command_token("accept", match_id)),
            Button(tr.s(N_("✖ Decline")), command_token("decline", match_id)),
            Button(tr.s(N_("Details")), command_token("match", match_id)),
        ),
    )


def _proposed(session: Session, vocab: Vocabularies, tr: Tr, p: dict[str, Any]) -> list[Reply]:
    mine, card, organisation = _match_facts(session, vocab, tr, p["match_id"], p["side"])
    view = get_match(session, p["match_id"])
    head = (
        tr(
            N_("**An offer fits your need** {mine}, from {organisation}:"),
            mine=mine,
            organisation=organisation,
        )
        if p["side"] == "need"
        else tr(
            N_("**A need fits your offer** {mine}, from {organisation}:"),
            mine=mine,
            organisation=organisation,
        )
    )
    why = tr(N_("Why: {reasons}"), reasons=reasons_text(tr, vocab, view.match.reasons))
    buttons = (
        decision_buttons(tr, p["match_id"]) if view.match.status == MatchStatus.proposed else ()
    )
    return [Reply(Text.join([head, card, why]), buttons)]


def _accepted_by_other(
    session: Session, vocab: Vocabularies, tr: Tr, p: dict[str, Any]
) -> list[Reply]:
    mine, card, organisation = _match_facts(session, vocab, tr, p["match_id"], p["side"])
    view = get_match(session, p["match_id"])
    head = tr(
        N_("**{organisation} accepted** the match with {mine}. Do you accept too?"),
        organisation=organisation,
        mine=mine,
    )
    buttons = (
        decision_buttons(tr, p["match_id"]) if view.match.status == MatchStatus.proposed else ()
    )
    return [Reply(Text.join([head, card]), buttons)]


def _declined(session: Session, vocab: Vocabularies, tr: Tr, p: dict[str, Any]) -> list[Reply]:
    mine, card, organisation = _match_facts(session, vocab, tr, p["match_id"], p["side"])
    view = get_match(session, p["match_id"])
    lines = [
        tr(
            N_("{organisation} declined the match with {mine}."),
            organisation=organisation,
            mine=mine,
        ),
        card,
    ]
    if view.match.decline_reason:
        lines.append(tr(N_("Their reason: {reason}"), reason=view.match.decline_reason))
    return [Reply(Text.join(lines))]


def _accepted(session: Session, vocab: Vocabularies, tr: Tr, p: dict[str, Any]) -> list[Reply]:
    """Both accepted: how to reach the other side, or, truthfully, who will put them in
    touch."""
    contacts = p.get("contacts", {})
    lines = [
        tr(
            N_(
                "**Both sides accepted.** A draft partnership (#{id}) with {organisation} is ready."
            ),
            id=p.get("partnership_id", ""),
            organisation=contacts.get("organisation", ""),
        )
    ]
    reach = contact_lines(tr, contacts)
    if reach:
        lines.append(tr(N_("How to reach them:")))
        lines += reach
    elif p.get("yours_shared"):
        lines.append(
            tr(
                N_(
                    "They have not shared contact details, but they have yours: expect them "
                    "to write."
                )
            )
        )
    elif p.get("introduction"):
        lines.append(
            tr(N_("Neither side has shared contact details: a coordinator will introduce you."))
        )
    else:
        lines.append(
            tr(
                N_(
                    "Neither side has shared contact details yet. Add yours in /profile, or "
                    "your organisation's contact points with /organisation."
                )
            )
        )
    partnership_id = p.get("partnership_id")
    if not partnership_id:
        return [Reply(Text.join(lines))]
    open_it = Button(
        tr.s(N_("Open the draft partnership")), command_token("partnership", partnership_id)
    )
    return [Reply(Text.join(lines), ((open_it,),))]


def contact_lines(tr: Tr, contacts: dict[str, Any]) -> list[Text]:
    """Contact points, then people, one line each, as they agreed to be reached."""
    lines = []
    for point in contacts.get("points", []):
        details = " · ".join(x for x in (point.get("email"), point.get("phone")) if x)
        lines.append(Text.plain(f"• {point.get('name', '')}: {details}"))
    for person in contacts.get("people", []):
        lines.append(Text.plain(f"• {person.get('name', '')}: {_reachable(person)}"))
    return lines


def _reachable(person: dict[str, Any]) -> str:
    ways = [f"{h['handle']} ({str(h['platform']).title()})" for h in person.get("handles", [])]
    ways += [x for x in (person.get("email"), person.get("phone")) if x]
    return " · ".join(ways)


def _introduction_needed(
    session: Session, vocab: Vocabularies, tr: Tr, p: dict[str, Any]
) -> list[Reply]:
    title = partnership_title(session, p["partnership_id"])
    text = tr(
        N_(
            "**{title}**: the partners accepted a match, but neither shared contact details. "
            "Will you introduce them?"
        ),
        title=title,
    )
    button = Button(tr.s(N_("Introduce them")), command_token("introduce", p["partnership_id"]))
    return [Reply(text, ((button,),))]


def _introduction(session: Session, vocab: Vocabularies, tr: Tr, p: dict[str, Any]) -> list[Reply]:
    title = partnership_title(session, p["partnership_id"])
    via = p.get("coordinator", {})
    lines = [
        tr(
            N_(
                "**An introduction.** For **{title}**, you work with {partners}. The "
                "coordinator {name} puts you in touch: write to them."
            ),
            title=title,
            partners=", ".join(p.get("partners", [])),
            name=via.get("name", ""),
        )
    ]
    reach = _reachable(via)
    if reach:
        lines.append(Text.plain(f"• {via.get('name', '')}: {reach}"))
    return [Reply(Text.join(lines), ((partnership_button(tr, p["partnership_id"]),),))]


def partnership_button(tr: Tr, partnership_id: int) -> Button:
    return Button(tr.s(N_("See the partnership")), command_token("partnership", partnership_id))


def partnership_title(session: Session, partnership_id: int) -> str:
    partnership = session.get(Partnership, partnership_id)
    if partnership is None:
        raise NotFound("not_found.partnership")
    return partnership.title


def _match_digest(session: Session, vocab: Vocabularies, tr: Tr, p: dict[str, Any]) -> list[Reply]:
    """Beyond the day's match notices: one line for all the matches still waiting."""
    actor = load_actor(session, p["recipient_id"])
    waiting = [
        view
        for view in matches_for(session, actor, statuses=(MatchStatus.proposed,))
        if any(
            getattr(view.match, f"{side}_decision") == Decision.pending
            for side in view.side_of(actor)
        )
    ]
    if not waiting:
        return []
    text = tr(N_("**More matches wait for your answer:** {n}. See /matches."), n=len(waiting))
    return [Reply(text, ((Button(tr.s(N_("Matches")), command_token("matches")),),))]


MATCH_RENDERERS = {
    "match_digest": _match_digest,
    "match_proposed": _proposed,
    "match_accepted_by_other": _accepted_by_other,
    "match_declined": _declined,
    "match_accepted": _accepted,
    "introduction_needed": _introduction_needed,
    "introduction": _introduction,
}
