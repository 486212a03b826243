from __future__ import annotations

import pytest

from core.listings import can_edit
from core.models import Listing
from core.models.enums import Coverage, ListingKind, Role
from core.people import Actor


def listing_of(organisation_id: int) -> Listing:
    return Listing(
        kind=ListingKind.need,
        organisation_id=organisation_id,
        title="Kits",
        assistance_type="equipment",
        coverage=Coverage.country,
        country="KH",
    )


@pytest.mark.parametrize(
    ("organisation_id", "roles", "allowed"),
    [
        (1, {Role.field_contact}, True),  # same organisation
        (2, {Role.field_contact}, False),  # another organisation
        (2, {Role.donor}, False),
        (None, set(), False),  # not yet in an organisation
        (2, {Role.coordinator}, True),
        (None, {Role.admin}, True),
    ],
)
def test_only_the_owner_organisation_or_a_coordinator_edits(organisation_id, roles, allowed):
    actor = Actor(id=7, organisation_id=organisation_id, roles=frozenset(roles))
    assert can_edit(actor, listing_of(1)) is allowed
