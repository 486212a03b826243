"""Builders for test data, written through the real use cases."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
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


def daytime_zone(now: datetime | None = None) -> tuple[str, date]:
    """A time zone where it is early afternoon at `now` (the wall clock by default), and the
    date there. Tests that run the real sweeps in real processes put people there, so that no
    notice is held by quiet hours whatever hour the suite runs at."""
    now = now or utcnow()
    offset = 13 - now.hour  # -10 .. +13 hours, all within the Etc/GMT zones
    # The POSIX sign is inverted: Etc/GMT-5 is five hours ahead of UTC.
    name = "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"
    return name, (now + timedelta(hours=offset)).date()


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


def active_partnership(
    session: Session,
    vocab: Vocabularies,
    *,
    first_due: date,
    frequency: str = "quarterly",
    timezones: tuple[str, str] = ("UTC", "UTC"),
    coordinator: Actor | None = None,
    confirmed: bool = True,
) -> tuple[int, Actor, Actor]:
    """Two partners, one objective with its indicator, a schedule, both confirmed (or, with
    confirmed=False, a complete draft)."""
    from core.models import Stakeholder
    from core.models.enums import Frequency
    from core.partnerships import (
        add_objective,
        confirm,
        create_partnership,
        set_responsibilities,
        set_schedule,
    )

    field_contact = person(session, vocab, country="KH")
    donor = person(session, vocab, roles=(Role.donor,), country="NO")
    for actor, zone in zip((field_contact, donor), timezones, strict=True):
        someone = session.get(Stakeholder, actor.id)
        assert someone is not None
        someone.timezone = zone
    boss = coordinator or person(session, vocab, roles=(Role.coordinator,), country="CH")
    partnership = create_partnership(
        session,
        boss,
        title=f"Partnership {next(_counter)}",
        organisation_ids=[field_contact.organisation_id, donor.organisation_id],
    )
    assert partnership.id is not None
    for actor in (field_contact, donor):
        set_responsibilities(session, actor, partnership.id, "Our part of the work")
    add_objective(
        session,
        field_contact,
        partnership.id,
        title="Clear the north",
        deadline=first_due + timedelta(days=400),
        target="1.2 km²",
        indicator="Area released",
        unit="km²",
        baseline="0",
        indicator_target="1.2",
    )
    set_schedule(
        session,
        field_contact,
        partnership.id,
        frequency=Frequency(frequency),
        first_due=first_due,
        coordinator_id=boss.id,
    )
    if confirmed:
        confirm(session, field_contact, partnership.id)
        confirm(session, donor, partnership.id)
    return partnership.id, field_contact, donor


def matched(
    session: Session,
    vocab: Vocabularies,
    need_owner: Actor,
    offer_owner: Actor,
    *,
    accepted_by: tuple[Actor, ...] = (),
) -> int:
    """A need and an equipment offer that fits it, matched, and accepted by these actors."""
    from core.listings import create_listing
    from core.matchmaking import decide, propose_matches

    need_id = create_listing(session, vocab, need_owner, need()).listing.id
    create_listing(session, vocab, offer_owner, offer(assistance_type="equipment"))
    [match] = propose_matches(session, vocab, need_id, threshold=0)
    for actor in accepted_by:
        decide(session, actor, match.id, accept=True)
    assert match.id is not None
    return match.id


def bot_settings(**values: Any) -> Any:
    """The bot's own typed settings, as the environment gives them (no .env file), with
    these values; matching proposes every pair unless told otherwise."""
    from bot.settings import Settings

    return Settings(_env_file=None, **{"match_threshold": 0.0, **values})  # type: ignore[call-arg]
