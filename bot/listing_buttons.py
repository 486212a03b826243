"""The buttons under one of one's own listings, built here only, so that a listing offers the
same actions wherever it is shown: /mine, the home screen, and the notices that ask whether
it is still current or say that it expired. They follow the listing's status when shown."""

from __future__ import annotations

from bot.actions import command_token
from bot.i18n import N_, Tr
from bot.messages import Button
from core.listings import LIVE_STATUSES
from core.models import Listing
from core.models.enums import ListingStatus


def own_listing_buttons(
    tr: Tr, listing: Listing, *, withdraw: bool = True, keep_first: bool = False
) -> tuple[tuple[Button, ...], ...]:
    """Edit, keep (still current) and withdraw a live listing; only keep for an expired one,
    which it brings back; none for one withdrawn or fulfilled. `keep_first` where the
    question is whether it is still current."""
    listing_id = listing.id or 0
    keep = Button(tr.s(N_("✔ Still current")), command_token("keep", listing_id))
    if listing.status == ListingStatus.expired:
        return ((keep,),)
    if listing.status not in LIVE_STATUSES:
        return ()
    edit = Button(tr.s(N_("✎ Edit")), command_token("edit", listing_id))
    row = [keep, edit] if keep_first else [edit, keep]
    if withdraw:
        row.append(Button(tr.s(N_("✖ Withdraw")), command_token("withdraw", listing_id)))
    return (tuple(row),)
