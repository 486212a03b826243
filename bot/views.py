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
}
