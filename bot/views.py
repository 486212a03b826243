"""How domain records read in a chat, in the reader's language."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from bot.i18n import N_, Tr
from bot.text import Text
from core.listings import ListingView
from core.models.enums import Coverage, ListingKind, ListingStatus
from core.vocabularies import Vocabularies

STATUS_LABELS = {
    ListingStatus.open: N_("open"),
    ListingStatus.matched: N_("matched"),
    ListingStatus.fulfilled: N_("fulfilled"),
    ListingStatus.withdrawn: N_("withdrawn"),
    ListingStatus.expired: N_("expired"),
}


def place_of(tr: Tr, view: ListingView) -> str:
    listing = view.listing
    if listing.coverage == Coverage.country:
        return tr.country(listing.country)
    if listing.coverage == Coverage.region:
        return tr.region(listing.region)
    return tr.s(N_("Worldwide"))


def place_name(tr: Tr, code: str | None) -> str:
    """A place code as people read it: a country (ISO alpha-2, "KH" -> "Cambodia"), else a
    region (UN M49); anything else (the "—" of no place) as it is."""
    if code and len(code) == 2 and code.isalpha():
        return tr.country(code.upper())
    if code and code.isdigit():
        return tr.region(code)
    return code or "—"


def amount_of(tr: Tr, view: ListingView) -> str | None:
    listing = view.listing
    if listing.amount is not None and listing.currency:
        left = listing.remaining_amount if listing.remaining_amount is not None else listing.amount
        return tr.money(Decimal(left), listing.currency)
    if listing.quantity is not None:
        return (
            f"{tr.number(Decimal(_left(listing.remaining_quantity, listing.quantity)))} "
            f"{listing.unit}"
        )
    return None


def _left(remaining: Decimal | None, total: Decimal | None) -> Decimal:
    """What is left, which may be nothing: not the total when the rest is zero."""
    return remaining if remaining is not None else (total or Decimal(0))


def listing_card(tr: Tr, vocab: Vocabularies, view: ListingView) -> Text:
    """One listing in two lines: what and where, then how much, until when, its state."""
    listing = view.listing
    kind = tr.s(N_("Need")) if listing.kind == ListingKind.need else tr.s(N_("Offer"))
    areas = ", ".join(tr.term(vocab.thematic_areas.get(a), a) for a in view.areas)
    facts = [
        tr.term(vocab.assistance_types.get(listing.assistance_type), listing.assistance_type),
        areas,
        place_of(tr, view),
    ]
    amount = amount_of(tr, view)
    if amount:
        facts.append(amount)
    if listing.available_until:
        facts.append(tr.s(N_("until {date}"), date=tr.date(listing.available_until)))
    if listing.status != ListingStatus.open:
        facts.append(tr.s(STATUS_LABELS[listing.status]))
    head = tr(N_("{kind} #{id}: **{title}**"), kind=kind, id=listing.id, title=listing.title)
    return head + "\n" + " · ".join(f for f in facts if f)


def reasons_text(tr: Tr, vocab: Vocabularies, reasons: list[dict[str, Any]]) -> str:
    """A match's reasons in plain words: "same area: victim assistance · covers Cambodia ·
    covers 60% of the amount · available from Mar 1, 2027"."""
    parts = []
    for reason in reasons:
        code = reason.get("code")
        if code == "area":
            names = ", ".join(
                _lower_first(tr.term(vocab.thematic_areas.get(a), a)) for a in reason["areas"]
            )
            parts.append(tr.s(N_("same area: {areas}"), areas=names))
        elif code == "place_country":
            parts.append(tr.s(N_("covers {place}"), place=tr.country(reason["country"])))
        elif code == "place_region":
            parts.append(tr.s(N_("covers {place}"), place=tr.region(reason["region"])))
        elif code == "available_from":
            when = tr.date(date.fromisoformat(reason["date"]))
            parts.append(tr.s(REASONS[code], date=when))
        elif code in REASONS:
            parts.append(tr.s(REASONS[code], **{k: v for k, v in reason.items() if k != "code"}))
    return " · ".join(parts)


def _lower_first(label: str) -> str:
    """'Victim assistance' reads 'victim assistance' inside a sentence."""
    return label[:1].lower() + label[1:]


REASONS = {
    "type_compatible": N_("a related kind of assistance"),
    "place_world": N_("available worldwide"),
    "amount": N_("covers {percent}% of the amount"),
    "quantity": N_("covers {percent}% of the quantity"),
    "available_now": N_("available now"),
    "available_from": N_("available from {date}"),
    "text": N_("similar description"),
    "modality": N_("same way of cooperating"),
    "south_south": N_("South-South cooperation"),
    "interest": N_("asked for from the public directory"),
    "cluster_call": N_("answered a call of a cluster's steering group"),
}


# What the usage records name (commands, saved dialogs, information looked at), as people
# read it: mostly the titles the dialogs already show, so most labels are translated once.
USAGE_CATEGORIES = {
    "command": N_("Commands"),
    "dialog": N_("Forms saved"),
    "info": N_("Information viewed"),
}
USAGE_NAMES = {
    "start": N_("About you"),
    "outcome": N_("Match outcome"),
    "match_outcome_no": N_("Match outcome"),
    "interested": N_("Interest from the directory"),
    "visits": N_("Web visits"),
    "need": N_("New need"),
    "offer": N_("New offer"),
    "edit_need": N_("Your need"),
    "edit_offer": N_("Your offer"),
    "mine": N_("Your listings"),
    "search": N_("Search"),
    "alert": N_("Alerts"),
    "edit": N_("Edit a listing"),
    "keep": N_("Listing still current"),
    "withdraw": N_("Withdraw a listing"),
    "withdraw_yes": N_("Withdraw a listing"),
    "matches": N_("Matches"),
    "match": N_("One match"),
    "accept": N_("Accept a match"),
    "decline": N_("Decline a match"),
    "partnerships": N_("Partnerships"),
    "partnership": N_("One partnership"),
    "partnership_new": N_("New partnership"),
    "pship_resp": N_("Responsibilities"),
    "responsibilities": N_("Responsibilities"),
    "pship_obj": N_("New objective"),
    "objective": N_("New objective"),
    "pship_commit": N_("New commitment"),
    "commitment": N_("New commitment"),
    "pship_sched": N_("Reporting schedule"),
    "schedule": N_("Reporting schedule"),
    "pship_confirm": N_("Confirm a partnership"),
    "report": N_("Progress report"),
    "approve": N_("Approve a report"),
    "return": N_("Return a report"),
    "return_report": N_("Return a report"),
    "profile": N_("Your profile"),
    "language": N_("Language"),
    "link": N_("Link Telegram and Slack"),
    "mydata": N_("Your data"),
    "forgetme": N_("Forget me"),
    "gaps": N_("Gaps"),
    "stats": N_("Figures"),
    "export": N_("Export"),
    "grant": N_("Grant a role"),
    "revoke": N_("Revoke a role"),
    "history": N_("History"),
    "verify_ok": N_("Verify a person"),
    "verify_no": N_("Reject a person"),
    "reject_person": N_("Reject a person"),
    "help": N_("Help"),
    "cancel": N_("Cancel"),
    "unknown": N_("Unknown command"),
}


def category_label(tr: Tr, category: str) -> str:
    return tr.s(USAGE_CATEGORIES[category]) if category in USAGE_CATEGORIES else category


def usage_label(tr: Tr, key: str) -> str:
    """'dialog:pship_resp' -> 'Responsibilities'. A name not in the table (a command added
    since) reads as its summary in /help, else as its name in words."""
    name = key.partition(":")[2] or key
    if name in USAGE_NAMES:
        return tr.s(USAGE_NAMES[name])
    # Imported here: the registry imports the dialogs, which import this module.
    from bot.commands import REGISTRY

    command = REGISTRY.get(name)
    if command is not None and command.summary:
        summary = tr.s(command.summary)
        return summary[:1].upper() + summary[1:]
    return name.replace("_", " ")
