"""Notifications (outbox rows) in words and buttons, in the recipient's language. Rendered
when delivered, from the current state of the records, so a notice never shows stale facts."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session

from bot.i18n import N_, Tr
from bot.messages import Button, Reply
from bot.text import Text
from bot.views import listing_card, reasons_text
from core.errors import NotFound
from core.listings import get_listing
from core.matchmaking import get_match
from core.models import Notification, Organisation, Partnership, ProgressReport, Stakeholder
from core.models.enums import MatchStatus, ReportStatus
from core.reminders import digest_rows
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
    partnership_id = p.get("partnership_id")
    if not partnership_id:
        return [Reply(Text.join(lines))]
    open_it = Button(tr.s(N_("Open the draft partnership")), f"c:partnership:{partnership_id}")
    return [Reply(Text.join(lines), ((open_it,),))]


def _partnership_title(session: Session, partnership_id: int) -> str:
    partnership = session.get(Partnership, partnership_id)
    if partnership is None:
        raise NotFound("not_found.partnership")
    return partnership.title


def _reminder(session: Session, vocab: Vocabularies, tr: Tr, p: dict[str, Any]) -> list[Reply]:
    title = _partnership_title(session, p["partnership_id"])
    due = tr.date(date.fromisoformat(p["due"]))
    if p["stage"] == "due":
        text = tr(
            N_("**Your progress report on {title} is due today ({due}).** It takes a few minutes."),
            title=title,
            due=due,
        )
    else:
        text = tr(
            N_("**Reminder:** your progress report on {title} is due on {due}."),
            title=title,
            due=due,
        )
    return [Reply(text, ((Button(tr.s(N_("Report now")), f"c:report:{p['partnership_id']}"),),))]


def _escalation(session: Session, vocab: Vocabularies, tr: Tr, p: dict[str, Any]) -> list[Reply]:
    title = _partnership_title(session, p["partnership_id"])
    text = tr(
        N_("**Overdue:** the report on {title}, due {due}, is {days} days late."),
        title=title,
        due=tr.date(date.fromisoformat(p["due"])),
        days=p["days"],
    )
    return [
        Reply(
            text,
            ((Button(tr.s(N_("See the partnership")), f"c:partnership:{p['partnership_id']}"),),),
        )
    ]


def _digest(session: Session, vocab: Vocabularies, tr: Tr, p: dict[str, Any]) -> list[Reply]:
    rows = digest_rows(session, p.get("coordinator_id"))
    lines = [tr(N_("**Weekly digest** ({week})"), week=p["week"])]
    if not rows:
        lines.append(tr(N_("No active partnerships to follow.")))
    for title, due, light in rows:
        lines.append(
            Text.plain(f"{LIGHTS[light]} {title} — ")
            + tr(N_("next report {date}"), date=tr.date(due))
        )
    return [Reply(Text.join(lines))]


LIGHTS = {"green": "🟢", "amber": "🟠", "red": "🔴"}


def _stale(session: Session, vocab: Vocabularies, tr: Tr, p: dict[str, Any]) -> list[Reply]:
    view = get_listing(session, p["listing_id"])
    lid = p["listing_id"]
    text = tr(
        N_("**Is this still current?** It was last confirmed on {date}."),
        date=tr.date(date.fromisoformat(p["since"])),
    )
    buttons = (
        (
            Button(tr.s(N_("✔ Still current")), f"c:keep:{lid}"),
            Button(tr.s(N_("✎ Edit")), f"c:edit:{lid}"),
            Button(tr.s(N_("✖ Close it")), f"c:withdraw:{lid}"),
        ),
    )
    return [Reply(Text.join([text, listing_card(tr, vocab, view)]), buttons)]


def _expired(session: Session, vocab: Vocabularies, tr: Tr, p: dict[str, Any]) -> list[Reply]:
    view = get_listing(session, p["listing_id"])
    text = tr(
        N_(
            "Nobody confirmed this listing for 120 days, so it has expired. If it is "
            "still current, tap the button to bring it back."
        )
    )
    return [
        Reply(
            Text.join([text, listing_card(tr, vocab, view)]),
            ((Button(tr.s(N_("✔ Still current")), f"c:keep:{p['listing_id']}"),),),
        )
    ]


def _partnership_event(template: str):
    def render(session: Session, vocab: Vocabularies, tr: Tr, p: dict[str, Any]) -> list[Reply]:
        title = _partnership_title(session, p["partnership_id"])
        return [
            Reply(
                tr(template, title=title),
                (
                    (
                        Button(
                            tr.s(N_("See the partnership")), f"c:partnership:{p['partnership_id']}"
                        ),
                    ),
                ),
            )
        ]

    return render


def _report_submitted(
    session: Session, vocab: Vocabularies, tr: Tr, p: dict[str, Any]
) -> list[Reply]:
    report = session.get(ProgressReport, p["report_id"])
    if report is None:
        raise NotFound("not_found.report")
    title = _partnership_title(session, report.partnership_id)
    lines = [
        tr(
            N_("**New progress report** on {title}, period to {due}:"),
            title=title,
            due=tr.date(report.period_end),
        )
    ]
    if report.late:
        lines.append(tr(N_("(sent late)")))
    lines.append(Text.plain(report.narrative))
    if report.challenges:
        lines.append(tr(N_("Challenges: {text}"), text=report.challenges))
    if report.help_needed:
        lines.append(tr(N_("Help needed: {text}"), text=report.help_needed))
    buttons = ()
    if report.status == ReportStatus.submitted:
        buttons = (
            (
                Button(tr.s(N_("✔ Approve")), f"c:approve:{report.id}"),
                Button(tr.s(N_("↩ Return for revision")), f"c:return:{report.id}"),
            ),
        )
    return [Reply(Text.join(lines), buttons)]


def _report_reviewed(template: str, revise: bool):
    def render(session: Session, vocab: Vocabularies, tr: Tr, p: dict[str, Any]) -> list[Reply]:
        report = session.get(ProgressReport, p["report_id"])
        if report is None:
            raise NotFound("not_found.report")
        title = _partnership_title(session, report.partnership_id)
        text = tr(template, title=title, comment=report.review_comment or "")
        buttons = ((Button(tr.s(N_("Revise the report")), f"c:report:{report.partnership_id}"),),)
        return [Reply(text, buttons if revise else ())]

    return render


def _verify_request(
    session: Session, vocab: Vocabularies, tr: Tr, p: dict[str, Any]
) -> list[Reply]:
    person = session.get(Stakeholder, p["stakeholder_id"])
    if person is None:
        raise NotFound("not_found.stakeholder")
    organisation = session.get(Organisation, person.organisation_id or 0)
    text = tr(
        N_(
            "**Please verify** {name} of {organisation} ({country}) before others see "
            "their listings."
        ),
        name=person.name,
        organisation=organisation.name if organisation else "—",
        country=tr.country(organisation.country) if organisation else "—",
    )
    sid = p["stakeholder_id"]
    return [
        Reply(
            text,
            (
                (
                    Button(tr.s(N_("✔ Verify")), f"c:verify_ok:{sid}"),
                    Button(tr.s(N_("✖ Reject")), f"c:verify_no:{sid}"),
                ),
            ),
        )
    ]


def _verification_result(
    session: Session, vocab: Vocabularies, tr: Tr, p: dict[str, Any]
) -> list[Reply]:
    if p.get("approved"):
        return [
            Reply(
                tr(
                    N_(
                        "**You are verified.** Your listings are now visible to everyone "
                        "registered."
                    )
                )
            )
        ]
    return [
        Reply(
            tr(
                N_("A coordinator could not verify your registration: {reason}"),
                reason=p.get("reason", ""),
            )
        )
    ]


_RENDERERS = {
    "role_request": _role_request,
    "match_proposed": _proposed,
    "match_accepted_by_other": _accepted_by_other,
    "match_declined": _declined,
    "match_accepted": _accepted,
    "report_reminder": _reminder,
    "report_escalation": _escalation,
    "digest": _digest,
    "listing_stale": _stale,
    "listing_expired": _expired,
    "partnership_active": _partnership_event(
        N_("**{title}** is now active: every partner confirmed. Reports follow the schedule.")
    ),
    "partnership_confirm": _partnership_event(
        N_("A partner confirmed **{title}**; your confirmation is awaited.")
    ),
    "report_submitted": _report_submitted,
    "verify_request": _verify_request,
    "verification_result": _verification_result,
    "report_approved": _report_reviewed(N_("Your report on **{title}** was approved."), False),
    "report_returned": _report_reviewed(
        N_("Your report on **{title}** was returned for revision: {comment}"), True
    ),
}
