"""Notifications (outbox rows) in words and buttons, in the recipient's language. Rendered
when delivered, from the current state of the records, so a notice never shows stale facts."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from bot.i18n import N_, Tr
from bot.messages import Button, Reply
from bot.text import Text
from bot.views import listing_card, reasons_text
from core.errors import NotFound
from core.listings import get_listing
from core.matchmaking import get_match
from core.models import Notification, Organisation
from core.models.enums import MatchStatus
from core.vocabularies import Vocabularies


def render_notice(
    session: Session, vocab: Vocabularies, tr: Tr, notice: Notification
) -> list[Reply]:
    render = _RENDERERS.get(notice.kind)
    if render is None:
        return [Reply(tr(N_("You have a new notification.")))]
    try:
        return render(session, vocab, tr, notice.payload)
    except NotFound:
        return [Reply(tr(N_("You have a new notification.")))]


def _role_request(session: Session, vocab: Vocabularies, tr: Tr, p: dict[str, Any]) -> list[Reply]:
    return [Reply(tr(N_("**{name}** asks for the coordinator role."), name=p.get("name", "")))]


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
            Button(tr.s(N_("✔ Accept")), f"c:accept:{match_id}"),
            Button(tr.s(N_("✖ Decline")), f"c:decline:{match_id}"),
            Button(tr.s(N_("Details")), f"c:match:{match_id}"),
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
    contacts = p.get("contacts", {})
    lines = [
        tr(
            N_(
                "**Both sides accepted.** A draft partnership (#{id}) is ready; here is how "
                "to reach {organisation}:"
            ),
            id=p.get("partnership_id", ""),
            organisation=contacts.get("organisation", ""),
        )
    ]
    for point in contacts.get("points", []):
        details = " · ".join(x for x in (point.get("email"), point.get("phone")) if x)
        lines.append(Text.plain(f"• {point.get('name', '')}: {details}"))
    for person in contacts.get("people", []):
        handles = ", ".join(f"{h['handle']} ({h['platform']})" for h in person.get("handles", []))
        lines.append(Text.plain(f"• {person.get('name', '')}: {handles}"))
    if len(lines) == 1:
        lines.append(
            tr(N_("They have not shared contact details yet; a coordinator can put you in touch."))
        )
    return [Reply(Text.join(lines))]


_RENDERERS = {
    "role_request": _role_request,
    "match_proposed": _proposed,
    "match_accepted_by_other": _accepted_by_other,
    "match_declined": _declined,
    "match_accepted": _accepted,
}
