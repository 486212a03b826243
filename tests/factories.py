"""Builders for test data, written through the real use cases."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlmodel import Session

from core.clock import utcnow
from core.listings import ListingDraft
from core.models.enums import Coverage, ListingKind, OrganisationKind, Role
from core.people import Actor, create_organisation, load_actor, register_stakeholder
from core.vocabularies import Vocabularies

_counter = itertools.count(1)


def person(
    session: Session,
    vocab: Vocabularies,
    *,
    roles: tuple[Role, ...] = (Role.field_contact,),
    country: str = "KH",
    organisation_id: int | None = None,
    kind: OrganisationKind = OrganisationKind.national_authority,
) -> Actor:
    if organisation_id is None:
        organisation = create_organisation(
            session, vocab, name=f"Organisation {next(_counter)}", kind=kind, country=country
        )
        organisation_id = organisation.id
    someone = register_stakeholder(
        session, name=f"Person {next(_counter)}", organisation_id=organisation_id, roles=roles
    )
    assert someone.id is not None
    return load_actor(session, someone.id)


def in_a_year() -> date:
    return utcnow().date() + timedelta(days=365)


def need(**changes: Any) -> ListingDraft:
    values: dict[str, Any] = dict(
        kind=ListingKind.need,
        title="Prosthetic kits",
        assistance_type="equipment",
        areas=["victim_assistance"],
        coverage=Coverage.country,
        country="KH",
        quantity=Decimal(40),
        unit="kits",
        available_from=utcnow().date(),
        available_until=in_a_year(),
    )
    return ListingDraft(**{**values, **changes})


def offer(**changes: Any) -> ListingDraft:
    values: dict[str, Any] = dict(
        kind=ListingKind.offer,
        title="Funding for victim assistance",
        assistance_type="financial",
        areas=["victim_assistance"],
        coverage=Coverage.world,
        amount=Decimal(100000),
        currency="USD",
        available_from=utcnow().date(),
        available_until=in_a_year(),
    )
    return ListingDraft(**{**values, **changes})
