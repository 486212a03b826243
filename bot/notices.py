"""Notifications (outbox rows) in words and buttons, in the recipient's language. Rendered
when delivered, from the current state of the records, so a notice never shows stale facts."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session

from bot.actions import command_token
from bot.away_notice import AWAY_RENDERERS
from bot.cluster_notices import CLUSTER_RENDERERS
from bot.consultation_notices import CONSULTATION_RENDERERS
from bot.i18n import N_, NP_, Tr
from bot.listing_buttons import own_listing_buttons
from bot.match_notices import MATCH_RENDERERS, partnership_button, partnership_title
from bot.match_notices import decision_buttons as decision_buttons  # home screens use it
from bot.messages import Button, Reply
from bot.report_views import report_lines, review_buttons
from bot.text import Text
from bot.views import listing_card
from core.away import HELD_BACK, is_away
from core.clusters import suggestions
from core.errors import NotFound
from core.interest import public_listing_row
from core.listings import get_listing
from core.match_outcomes import outcome_of
from core.matchmaking import get_match
from core.models import Notification, Organisation, ProgressReport, SavedSearch, Stakeholder
from core.models.enums import MatchStatus
from core.national import without_counterpart
from core.reminders import Policy, digest_rows
from core.reporting import figures_of, reported
from core.vocabularies import Vocabularies

# How long a listing may go unconfirmed before it expires, as the reminder policy says: for
# the expiry notices whose payload does not say it.
_POLICY = Policy(quiet=None)
_UNCONFIRMED_DAYS = (_POLICY.stale_after + _POLICY.expire_after).days


def render_notice(
    session: Session, vocab: Vocabularies, tr: Tr, notice: Notification
) -> list[Reply]:
    render = _RENDERERS.get(notice.kind)
    if notice.kind in HELD_BACK and is_away(session, notice.stakeholder_id):
        return []  # written before they left, held by their night: it would nag them now
    if render is None:
        return [Reply(tr(N_("You have a new notification.")))]
    try:
        # Who it is for, for notices written before their payload named them.
        return render(session, vocab, tr, {"recipient_id": notice.stakeholder_id, **notice.payload})
    except NotFound:
        return [Reply(tr(N_("You have a new notification.")))]


def _role_request(session: Session, vocab: Vocabularies, tr: Tr, p: dict[str, Any]) -> list[Reply]:
    return [Reply(tr(N_("**{name}** asks for the coordinator role."), name=p.get("name", "")))]


def _reminder(session: Session, vocab: Vocabularies, tr: Tr, p: dict[str, Any]) -> list[Reply]:
    """Nothing, once the period is reported: a reminder held by quiet hours that would come
    after the report is dropped."""
    if reported(session, p["partnership_id"], date.fromisoformat(p["due"])):
        return []
    title = partnership_title(session, p["partnership_id"])
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
    token = command_token("report", f"{p['partnership_id']}@{p['due']}")  # this period's
    return [Reply(text, ((Button(tr.s(N_("Report now")), token),),))]


def _escalation(session: Session, vocab: Vocabularies, tr: Tr, p: dict[str, Any]) -> list[Reply]:
    title = partnership_title(session, p["partnership_id"])
    text = tr(
        N_("**Overdue:** the report on {title}, due {due}, is {days} days late."),
        title=title,
        due=tr.date(date.fromisoformat(p["due"])),
        days=p["days"],
    )
    return [
        Reply(
            text,
            ((partnership_button(tr, p["partnership_id"]),),),
        )
    ]


def _digest(session: Session, vocab: Vocabularies, tr: Tr, p: dict[str, Any]) -> list[Reply]:
    rows = digest_rows(session, p.get("coordinator_id") or p.get("recipient_id"))
    lines = [tr(N_("**Weekly digest** ({week})"), week=p["week"])]
    if not rows:
        lines.append(tr(N_("No active partnerships to follow.")))
    for title, due, light, away in rows:
        line = Text.plain(f"{LIGHTS[light]} {title} — ") + tr(
            N_("next report {date}"), date=tr.date(due)
        )
        if away is not None:
            line = line + Text.plain(" · ") + tr(N_("away until {date}"), date=tr.date(away))
        lines.append(line)
    missing = without_counterpart(session)
    if missing:
        lines.append(tr.plural(*NO_COUNTERPART, missing))
    suggested = len(suggestions(session, vocab))
    if suggested:
        lines.append(tr.plural(*SUGGESTED_CLUSTERS, suggested))
    return [Reply(Text.join(lines))]


NO_COUNTERPART = NP_(
    "{n} active partnership has no national counterpart.",
    "{n} active partnerships have no national counterpart.",
)
SUGGESTED_CLUSTERS = NP_(
    "{n} cluster of partnerships is suggested: see /clusters.",
    "{n} clusters of partnerships are suggested: see /clusters.",
)


LIGHTS = {"green": "🟢", "amber": "🟠", "red": "🔴"}


def _stale(session: Session, vocab: Vocabularies, tr: Tr, p: dict[str, Any]) -> list[Reply]:
    view = get_listing(session, p["listing_id"])
    text = tr(
        N_("**Is this still current?** It was last confirmed on {date}."),
        date=tr.date(date.fromisoformat(p["since"])),
    )
    buttons = own_listing_buttons(tr, view.listing, keep_first=True)
    return [Reply(Text.join([text, listing_card(tr, vocab, view)]), buttons)]


def _expired(session: Session, vocab: Vocabularies, tr: Tr, p: dict[str, Any]) -> list[Reply]:
    view = get_listing(session, p["listing_id"])
    text = tr(
        N_(
            "Nobody confirmed this listing for {days} days, so it has expired. If it is "
            "still current, tap the button to bring it back."
        ),
        days=p.get("days", _UNCONFIRMED_DAYS),
    )
    return [
        Reply(
            Text.join([text, listing_card(tr, vocab, view)]), own_listing_buttons(tr, view.listing)
        )
    ]


def _partnership_event(template: str):
    def render(session: Session, vocab: Vocabularies, tr: Tr, p: dict[str, Any]) -> list[Reply]:
        title = partnership_title(session, p["partnership_id"])
        return [Reply(tr(template, title=title), ((partnership_button(tr, p["partnership_id"]),),))]

    return render


def _report_submitted(
    session: Session, vocab: Vocabularies, tr: Tr, p: dict[str, Any]
) -> list[Reply]:
    report = session.get(ProgressReport, p["report_id"])
    if report is None:
        raise NotFound("not_found.report")
    title = partnership_title(session, report.partnership_id)
    lines = [tr(N_("**New progress report** on {title}:"), title=title)]
    if report.late:
        lines.append(tr(N_("(sent late)")))
    lines += report_lines(tr, report, figures_of(session, report))
    return [Reply(Text.join(lines), review_buttons(tr, report))]


def _report_reviewed(template: str, revise: bool):
    def render(session: Session, vocab: Vocabularies, tr: Tr, p: dict[str, Any]) -> list[Reply]:
        report = session.get(ProgressReport, p["report_id"])
        if report is None:
            raise NotFound("not_found.report")
        title = partnership_title(session, report.partnership_id)
        text = tr(template, title=title, comment=report.review_comment or "")
        revise_it = Button(
            tr.s(N_("Revise the report")), command_token("report", report.partnership_id)
        )
        return [Reply(text, ((revise_it,),) if revise else ())]

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
                    Button(tr.s(N_("✔ Verify")), command_token("verify_ok", sid)),
                    Button(tr.s(N_("✖ Reject")), command_token("verify_no", sid)),
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


def _membership_request(
    session: Session, vocab: Vocabularies, tr: Tr, p: dict[str, Any]
) -> list[Reply]:
    person = session.get(Stakeholder, p["stakeholder_id"])
    organisation = session.get(Organisation, p["organisation_id"])
    if person is None or organisation is None or person.requested_organisation_id is None:
        return []  # decided, or forgotten, before its time came
    text = tr(
        N_("**{name}** asks to join {organisation}. Do they belong to it?"),
        name=person.name,
        organisation=organisation.name,
    )
    buttons = (
        (
            Button(tr.s(N_("✔ Yes, let them in")), command_token("member_ok", person.id or 0)),
            Button(tr.s(N_("✖ No")), command_token("member_no", person.id or 0)),
        ),
    )
    return [Reply(text, buttons)]


def _membership_result(
    session: Session, vocab: Vocabularies, tr: Tr, p: dict[str, Any]
) -> list[Reply]:
    organisation = session.get(Organisation, p["organisation_id"])
    name = organisation.name if organisation else ""
    if p.get("approved"):
        return [Reply(tr(N_("You are now a member of {organisation}."), organisation=name))]
    return [
        Reply(tr(N_("{organisation} did not confirm that you belong to it."), organisation=name))
    ]


def _account_linked(
    session: Session, vocab: Vocabularies, tr: Tr, p: dict[str, Any]
) -> list[Reply]:
    text = tr(
        N_(
            "**A {platform} account was just linked to your profile.** If that was not you, "
            "undo it now."
        ),
        platform=str(p.get("platform", "")).title(),
    )
    undo = Button(tr.s(N_("That was not me")), command_token("unlink", p["linked_identity"]))
    return [Reply(text, ((undo,),))]


def _match_outcome(session: Session, vocab: Vocabularies, tr: Tr, p: dict[str, Any]) -> list[Reply]:
    """Nothing once the side has answered (a colleague may have, meanwhile)."""
    view = get_match(session, p["match_id"])
    if view.match.status != MatchStatus.accepted or outcome_of(session, p["match_id"], p["side"]):
        return []
    mine, theirs = (view.need, view.offer) if p["side"] == "need" else (view.offer, view.need)
    organisation = session.get(Organisation, theirs.organisation_id)
    decided = view.match.decided_at
    text = tr(
        N_(
            "**Did it lead to cooperation?** On {date}, you and {organisation} both accepted "
            "the match on “{title}”. How did it go? Your answer helps coordinators see which "
            "matches work."
        ),
        date=tr.date(decided.date() if decided else None),
        organisation=organisation.name if organisation else "—",
        title=mine.title,
    )
    return [Reply(text, outcome_buttons(tr, p["match_id"]))]


def _alert(session: Session, vocab: Vocabularies, tr: Tr, p: dict[str, Any]) -> list[Reply]:
    """Nothing once the listing is out of sight or the alert paused or deleted: a daily
    one waits for the morning, and things change meanwhile."""
    from bot.commands.alerts import describe  # the commands import the notices

    alert = session.get(SavedSearch, p["alert_id"])
    if alert is None or alert.paused or public_listing_row(session, p["listing_id"]) is None:
        return []
    text = tr(N_("🔔 **New, for your alert:** {search}"), search=describe(tr, vocab, alert))
    button = Button(tr.s(N_("Open it")), command_token("interested", p["listing_id"]))
    card = listing_card(tr, vocab, get_listing(session, p["listing_id"]))
    return [Reply(Text.join([text, card]), ((button,),))]


def _alert_digest(session: Session, vocab: Vocabularies, tr: Tr, p: dict[str, Any]) -> list[Reply]:
    """The day's alerts in one message: each listing still in sight, with a button."""
    shown = [i for i in p.get("listings", []) if public_listing_row(session, i) is not None]
    if not shown:
        return []
    cards = [listing_card(tr, vocab, get_listing(session, i)) for i in shown[:DIGESTED]]
    head = tr.plural(*DIGEST, len(shown))
    more = (
        [tr(N_("… and {n} more: /search"), n=len(shown) - DIGESTED)]
        if len(shown) > DIGESTED
        else []
    )
    rows = tuple((Button(f"#{i}", command_token("interested", i)),) for i in shown[:DIGESTED])
    return [Reply(Text.join([head, *cards, *more]), rows)]


DIGESTED = 10
DIGEST = NP_(
    "🔔 **Your daily alerts:** {n} new listing", "🔔 **Your daily alerts:** {n} new listings"
)


def outcome_buttons(tr: Tr, match_id: int) -> tuple[tuple[Button, ...], ...]:
    answers = (("yes", N_("Yes")), ("in_progress", N_("In progress")), ("no", N_("No")))
    return (
        tuple(
            Button(tr.s(label), command_token("outcome", f"{match_id}.{answer}"))
            for answer, label in answers
        ),
    )


_RENDERERS = {
    "role_request": _role_request,
    **MATCH_RENDERERS,
    **CONSULTATION_RENDERERS,
    **AWAY_RENDERERS,
    **CLUSTER_RENDERERS,
    "membership_request": _membership_request,
    "account_linked": _account_linked,
    "membership_result": _membership_result,
    "report_reminder": _reminder,
    "report_escalation": _escalation,
    "digest": _digest,
    "listing_stale": _stale,
    "listing_expired": _expired,
    "match_outcome": _match_outcome,
    "alert": _alert,
    "alert_digest": _alert_digest,
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
