"""Domain error keys in words people read. Core raises a key with parameters; this table
turns the key into a translatable sentence. A test checks that every key core raises is here."""

from __future__ import annotations

import logging

from bot.i18n import N_, Tr
from bot.text import Text
from core.errors import DomainError

log = logging.getLogger(__name__)

MESSAGES: dict[str, str] = {
    "invalid.required": N_("This one cannot be left empty."),
    "invalid.too_short": N_("That is a little short: please write at least {min} characters."),
    "invalid.too_long": N_("That is too long ({length} characters): please keep it under {max}."),
    "invalid.choice": N_("“{value}” is not one of the choices."),
    "invalid.choice_text": N_(
        "I did not recognise that choice: please tap a button or type its number."
    ),
    "invalid.pick_one": N_("Please pick at least one, then tap **Done**."),
    "invalid.country": N_(
        "I do not know the country “{value}”. Type its name, like Cambodia, "
        "or its two-letter code, like KH."
    ),
    "invalid.region": N_(
        "I do not know the region “{value}”. Type a name like West Africa or "
        "South America, or a UN M49 code like 202."
    ),
    "invalid.currency": N_(
        "I do not know the currency “{value}”. Use a code like USD, EUR or XOF."
    ),
    "invalid.currency_required": N_("Please add the currency, for example 50000 USD."),
    "invalid.amount_required": N_("A currency needs an amount, for example 50000 USD."),
    "invalid.amount": N_(
        "Please type an amount with its currency (50000 USD) or a quantity with its unit (40 kits)."
    ),
    "invalid.amount_unit": N_("Please add a currency (50000 USD) or a unit (40 kits)."),
    "invalid.number": N_("“{value}” is not a number I can read. Type digits, like 1500."),
    "invalid.not_positive": N_("Please give a number greater than zero."),
    "invalid.too_large": N_("That number is too large."),
    "invalid.date": N_("I cannot read “{value}” as a date. Type it like 2027-06-30."),
    "invalid.window_order": N_("The end date comes before the start date."),
    "invalid.window_past": N_("That date has already passed: please give a date in the future."),
    "invalid.need_global": N_("A need is always in a country or a region, not worldwide."),
    "invalid.offer_restricted": N_(
        "Only needs can be restricted; offers are visible to everyone registered."
    ),
    "invalid.organisation_exists": N_(
        "An organisation called “{name}” already exists: pick it instead of creating it again."
    ),
    "invalid.language": N_("That language is not available yet."),
    "invalid.timezone": N_(
        "I do not know the time zone “{value}”. Type it like Africa/Nairobi, or skip."
    ),
    "invalid.link_code": N_(
        "That code is not valid or has expired: send /link on your other platform to get a new one."
    ),
    "invalid.link_registered": N_(
        "This account already belongs to someone registered. Send "
        "/link here, and type the code on the other platform."
    ),
    "invalid.yes_no": N_("Please answer yes or no."),
    "denied.no_organisation": N_("You need to belong to an organisation first: see /profile."),
    "denied.membership_pending": N_(
        "A coordinator has not yet confirmed that you belong to "
        "your organisation; you will be told."
    ),
    "denied.not_owner": N_("Only your organisation or a coordinator can change this listing."),
    "denied.admin_only": N_("Only an admin can do that."),
    "denied.coordinator_only": N_("Only coordinators can do that."),
    "denied.onboarding": N_("Please introduce yourself first with /start."),
    "denied.not_party": N_("Only the two organisations of a match can answer it."),
    "not_found.match": N_("I could not find that match."),
    "conflict.match_closed": N_("This match has already been answered."),
    "denied.not_partner": N_(
        "Only the partners of this partnership and its coordinator can do that."
    ),
    "not_found.partnership": N_("I could not find that partnership."),
    "not_found.report": N_("I could not find that report."),
    "not_found.organisation": N_("I could not find that organisation."),
    "not_found.contact_point": N_("I could not find that contact point."),
    "conflict.partnership_closed": N_("This partnership is closed."),
    "conflict.partnership_not_draft": N_("This partnership is already confirmed."),
    "conflict.partnership_incomplete": N_(
        "Before confirming, add at least one objective with "
        "its indicator, and the reporting schedule."
    ),
    "conflict.partnership_not_active": N_(
        "This partnership is not active yet: every partner must confirm it first."
    ),
    "conflict.report_period": N_("That reporting period is not open."),
    "conflict.report_sent": N_("This report was already sent."),
    "conflict.report_reviewed": N_("This report was already reviewed."),
    "limit.link_tries": N_(
        "Too many wrong codes from this account: wait an hour, then ask for a new code."
    ),
    "not_found.account": N_("I could not find that account."),
    "conflict.unlink_self": N_("This is the account you are using: undo it from your other one."),
    "limit.listings": N_(
        "You have registered {limit} listings in the last 24 hours, the most a day allows: "
        "please come back tomorrow, or ask a coordinator."
    ),
    "conflict.membership_decided": N_("Someone has already answered this request."),
    "conflict.coordinated": N_("Another coordinator already follows this partnership."),
    "denied.not_member": N_("Only members of the organisation, or a coordinator, can do that."),
    "invalid.email": N_("That does not look like an e-mail address, like name@example.org."),
    "invalid.phone": N_("That does not look like a phone number: digits, with + and spaces."),
    "invalid.two_partners": N_("A partnership needs at least two different organisations."),
    "invalid.organisation_unknown": N_(
        "I do not know the organisation “{name}”: check the "
        "spelling, or ask them to register first."
    ),
    "invalid.years": N_("Please give a year like 2027, or two like 2027-2029."),
    "invalid.breakdown": N_(
        "I could not read “{value}”: write it like “women 12, men 8” or “0-17 5, 18-59 9, 60+ 2”."
    ),
    "invalid.person": N_(
        "I found nobody, or several people, called “{value}”: type more of the name."
    ),
    "denied.history": N_(
        "Only the owners of this record and the coordinators can see its history."
    ),
    "not_found.history": N_("Nothing is recorded for this yet."),
    "not_found.stakeholder": N_("I could not find that person."),
    "not_found.listing": N_("I could not find that listing: it may have been removed."),
    "not_found.alert": N_("I could not find that alert."),
    "limit.alerts": N_(
        "You have {limit} alerts, the most one may keep: delete one in /alerts first."
    ),
    "conflict.listing_closed": N_("This listing is closed, so it cannot be changed."),
    "invalid.away_too_long": N_("Time away is at most a year: please give an earlier date."),
    "not_found.cluster": N_("I could not find that cluster."),
    "not_found.gap": N_(
        "That need is no longer a gap of the cluster: matched, closed or too recent."
    ),
    "not_found.call": N_("I could not find that call."),
    "not_found.objective": N_("I could not find that objective."),
    "call.sent": N_("A call for this need was sent already."),
    "denied.steering_only": N_(
        "Only the cluster's steering group and the coordinators can do that."
    ),
    "denied.not_counterpart": N_("Only the national counterpart of this partnership can comment."),
    "invalid.steering_size": N_("A steering group has {min} to {max} members."),
    "invalid.steering_member": N_(
        "The steering group's members come from the cluster's partnerships."
    ),
    "invalid.steering_balance": N_(
        "Please include at least one member from an affected State and one from a provider."
    ),
    "invalid.deadline": N_("I could not find that deadline."),
    "invalid.country_code": N_("Which country? Type its code after the command, like /country KH."),
    "not_found.consultation": N_("I could not find that consultation."),
    "not_found.question": N_("I could not find that question."),
    "limit.questions": N_("A consultation has at most {limit} questions."),
    "invalid.choices_count": N_(
        "Please give two to {max} choices, separated by “;”, like “Training; Equipment”."
    ),
    "invalid.no_questions": N_("Add at least one question before sending."),
    "invalid.empty_audience": N_(
        "Nobody I can reach is in this audience: change the audience before sending."
    ),
    "invalid.no_answer": N_("Please answer at least one question (the others you may skip)."),
    "invalid.partnerships": N_("I could not find one of those partnerships."),
    "consultation.closed": N_("This consultation has closed: answers are no longer taken."),
    "consultation.sent": N_("This consultation has been sent: it can no longer be changed."),
}

GENERIC = N_(
    "Something went wrong on our side. Your answers so far are kept: please try again in a moment."
)
# Said when the database refuses to write (read-only, or its disk full): the last answer was
# not kept, and the person should know it.
UNSAVED = N_(
    "I could not save your last answer: my storage is not accepting changes right now. "
    "Please send it again later."
)


def error_text(tr: Tr, error: DomainError) -> Text:
    msgid = MESSAGES.get(error.key)
    if msgid is None:
        log.warning("no message for domain error %s", error.key)
        return tr(GENERIC)
    params = {k: v for k, v in error.params.items() if k != "suggestions"}
    try:
        return tr(msgid, **params)
    except (KeyError, IndexError):
        log.warning("message for %s lacks parameters %s", error.key, sorted(params))
        return tr(msgid.split("{")[0])
