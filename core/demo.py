"""A small, invented sample: field contacts of mine-affected states with needs, and donors,
an NGO and a company with offers. Every person can be played in the console with
`partnerbot chat --as <handle>`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Literal

from sqlmodel import Session

from core.clock import utcnow
from core.demo_partnerships import add_demo_partnerships
from core.listings import ListingDraft, create_listing
from core.matching_rules import DEFAULT_THRESHOLD, Weights
from core.matchmaking import propose_matches
from core.models import ChannelIdentity, Stakeholder
from core.models.enums import (
    Coverage,
    ListingKind,
    OrganisationKind,
    Platform,
    Priority,
    Role,
    VerificationStatus,
)
from core.people import (
    Actor,
    create_organisation,
    find_organisation_by_name,
    identity_for,
    load_actor,
    register_stakeholder,
)
from core.vocabularies import Vocabularies

# The names of a demo person that must be free: their organisation's and their console handle.
_Taken = Literal["organisation", "handle"]


@dataclass
class DemoPerson:
    handle: str
    name: str
    organisation: str
    kind: OrganisationKind
    country: str
    role: Role
    language: str = "en"
    timezone: str = "UTC"
    listings: list[ListingDraft] = field(default_factory=list)


def _need(title: str, type_: str, areas: list[str], country: str, **kw: object) -> ListingDraft:
    return ListingDraft(
        kind=ListingKind.need,
        title=title,
        assistance_type=type_,
        areas=areas,
        coverage=Coverage.country,
        country=country,
        **kw,  # type: ignore[arg-type]
    )


def _offer(
    title: str, type_: str, areas: list[str], coverage: Coverage, **kw: object
) -> ListingDraft:
    return ListingDraft(
        kind=ListingKind.offer,
        title=title,
        assistance_type=type_,
        areas=areas,
        coverage=coverage,
        **kw,  # type: ignore[arg-type]
    )


def demo_people() -> list[DemoPerson]:
    today = utcnow().date()
    soon, later = today + timedelta(days=30), today + timedelta(days=540)
    return [
        DemoPerson(
            "sokha",
            "Sokha Chan",
            "Mekong Mine Action Centre",
            OrganisationKind.national_authority,
            "KH",
            Role.field_contact,
            timezone="Asia/Phnom_Penh",
            listings=[
                _need(
                    "Prosthetic workshop equipment for Battambang",
                    "equipment",
                    ["victim_assistance"],
                    "KH",
                    quantity=Decimal(40),
                    unit="kits",
                    priority=Priority.high,
                    available_from=today,
                    available_until=later,
                    description="Prosthetic and orthotic kits for the provincial rehab centre.",
                ),
                _need(
                    "Land release in north-western provinces",
                    "financial",
                    ["survey_clearance"],
                    "KH",
                    amount=Decimal(250000),
                    currency="USD",
                    priority=Priority.high,
                    available_from=soon,
                    available_until=later,
                    description="Survey and clearance of 1.2 km² of suspected hazardous areas.",
                ),
            ],
        ),
        DemoPerson(
            "lucia",
            "Lucía Gómez",
            "Andes Humanitarian Demining Office",
            OrganisationKind.national_authority,
            "CO",
            Role.field_contact,
            language="es",
            timezone="America/Bogota",
            listings=[
                _need(
                    "Educación sobre el riesgo en escuelas rurales",
                    "training",
                    ["risk_education"],
                    "CO",
                    quantity=Decimal(120),
                    unit="teachers",
                    priority=Priority.medium,
                    available_from=today,
                    available_until=later,
                    description="Formar docentes rurales en educación sobre el riesgo de minas.",
                ),
            ],
        ),
        DemoPerson(
            "amina",
            "Amina Mahamat",
            "Sahel Clearance Authority",
            OrganisationKind.national_authority,
            "TD",
            Role.field_contact,
            language="fr",
            timezone="Africa/Ndjamena",
            listings=[
                _need(
                    "Destruction de stocks de mines antipersonnel",
                    "expertise",
                    ["stockpile_destruction"],
                    "TD",
                    priority=Priority.high,
                    available_from=today,
                    available_until=later,
                    description="Expertise technique pour détruire les derniers stocks.",
                ),
            ],
        ),
        DemoPerson(
            "ingrid",
            "Ingrid Berg",
            "Nordic Cooperation Fund",
            OrganisationKind.government,
            "NO",
            Role.donor,
            timezone="Europe/Oslo",
            listings=[
                _offer(
                    "Multi-year funding for clearance and victim assistance",
                    "financial",
                    ["survey_clearance", "victim_assistance"],
                    Coverage.world,
                    amount=Decimal(500000),
                    currency="USD",
                    available_from=today,
                    available_until=later,
                    description="Grants for national mine action programmes.",
                ),
            ],
        ),
        DemoPerson(
            "kenji",
            "Kenji Sato",
            "Pacific Development Bank",
            OrganisationKind.intergovernmental,
            "JP",
            Role.donor,
            timezone="Asia/Tokyo",
            listings=[
                _offer(
                    "Rehabilitation equipment for South-East Asia",
                    "equipment",
                    ["victim_assistance"],
                    Coverage.region,
                    region="035",
                    quantity=Decimal(25),
                    unit="kits",
                    available_from=today,
                    available_until=later,
                    description="Prosthetic and orthotic kits with training of technicians.",
                ),
            ],
        ),
        DemoPerson(
            "tom",
            "Tom Reid",
            "Safe Fields Alliance",
            OrganisationKind.ngo,
            "GB",
            Role.donor,
            timezone="Europe/London",
            listings=[
                _offer(
                    "Risk education trainers",
                    "training",
                    ["risk_education"],
                    Coverage.world,
                    quantity=Decimal(6),
                    unit="trainers",
                    available_from=today,
                    available_until=later,
                    description="Experienced trainers for explosive ordnance risk education.",
                ),
            ],
        ),
        DemoPerson(
            "lena",
            "Lena Vogel",
            "Detect Systems GmbH",
            OrganisationKind.private_sector,
            "DE",
            Role.donor,
            timezone="Europe/Berlin",
            listings=[
                _offer(
                    "Detectors for Sub-Saharan Africa",
                    "equipment",
                    ["survey_clearance"],
                    Coverage.region,
                    region="202",
                    quantity=Decimal(50),
                    unit="detectors",
                    available_from=today,
                    available_until=later,
                    description="Dual-sensor mine detectors at cost price.",
                ),
            ],
        ),
        DemoPerson(
            "claire",
            "Claire Dubois",
            "Implementation Support Unit",
            OrganisationKind.intergovernmental,
            "CH",
            Role.coordinator,
            language="fr",
            timezone="Europe/Zurich",
        ),
    ]


@dataclass(frozen=True)
class Clash:
    """What keeps one demo person out: a name of theirs that someone else already uses."""

    person: DemoPerson
    taken: _Taken


class DemoClash(Exception):
    """The demo cannot be loaded whole; nothing was changed."""

    def __init__(self, clashes: list[Clash]) -> None:
        super().__init__(", ".join(f"{c.taken} of {c.person.handle}" for c in clashes))
        self.clashes = clashes


@dataclass
class DemoLoad:
    """What one load added: people (each with their own organisation), listings, matches
    proposed, and active partnerships (core.demo_partnerships; their matches are accepted)."""

    people: int = 0
    listings: int = 0
    matches: int = 0
    partnerships: int = 0


def load_demo(
    session: Session,
    vocab: Vocabularies,
    people: list[DemoPerson] | None = None,
    *,
    weights: Weights | None = None,
    threshold: float = DEFAULT_THRESHOLD,
) -> DemoLoad:
    """Adds the demo people not yet there, proposes the matches of their listings, and adds
    the demo partnerships whose people are all there now.

    All or nothing: a demo organisation or console handle that belongs to someone else
    raises DemoClash before anything is written, because a demo missing one person leaves
    their partners' listings without the counterpart the sample was built around. A demo
    already loaded adds nothing, and its matches are not proposed again."""
    people = demo_people() if people is None else people
    missing: list[DemoPerson] = []
    clashes: list[Clash] = []
    for person in people:
        taken = _taken(session, person)
        if taken is None:
            continue
        clashes += [Clash(person, name) for name in taken]
        if not taken:
            missing.append(person)
    if clashes:
        raise DemoClash(clashes)
    loaded = DemoLoad()
    listing_ids: list[int] = []
    for person in missing:
        listing_ids += _add_person(session, vocab, person)
        loaded.people += 1
    # Once every listing exists: a need added first must find the offers added after it.
    for listing_id in listing_ids:
        found = propose_matches(session, vocab, listing_id, weights=weights, threshold=threshold)
        loaded.matches += len(found)
    loaded.listings = len(listing_ids)
    if missing:  # a partnership's people may have been completed by this load
        added = add_demo_partnerships(session, vocab, _present(session), weights=weights)
        loaded.partnerships, loaded.listings = added.partnerships, loaded.listings + added.listings
    return loaded


def _present(session: Session) -> dict[str, Actor]:
    """The demo people who are there, by console handle."""
    present = {}
    for person in demo_people():
        identity = identity_for(session, Platform.console, person.handle)
        if identity is not None and _taken(session, person) is None:
            present[person.handle] = load_actor(session, identity.stakeholder_id)
    return present


def _taken(session: Session, person: DemoPerson) -> tuple[_Taken, ...] | None:
    """None when the demo person is there already; otherwise which of their names someone
    else holds (none at all: they can be added)."""
    organisation = find_organisation_by_name(session, person.organisation)
    identity = identity_for(session, Platform.console, person.handle)
    owner = identity.stakeholder_id if identity is not None else None
    member = session.get(Stakeholder, owner) if owner is not None else None
    members_organisation = member.organisation_id if member is not None else None
    if organisation is not None and members_organisation == organisation.id:
        return None
    taken: list[_Taken] = []
    if organisation is not None:
        taken.append("organisation")
    if identity is not None:
        taken.append("handle")
    return tuple(taken)


def _add_person(session: Session, vocab: Vocabularies, person: DemoPerson) -> list[int]:
    """One demo person with their organisation and listings; the listings' ids."""
    organisation = create_organisation(
        session, vocab, name=person.organisation, kind=person.kind, country=person.country
    )
    organisation.verification = VerificationStatus.verified
    stakeholder = register_stakeholder(
        session,
        name=person.name,
        organisation_id=organisation.id,
        roles=[person.role],
        language=person.language,
        timezone=person.timezone,
    )
    stakeholder.verified = True
    session.add(
        ChannelIdentity(
            stakeholder_id=stakeholder.id,
            platform=Platform.console,
            external_user_id=person.handle,
            chat_id=person.handle,
            handle=person.handle,
            display_name=person.name,
        )
    )
    assert stakeholder.id is not None
    actor = load_actor(session, stakeholder.id)
    ids = []
    for draft in person.listings:
        listing_id = create_listing(session, vocab, actor, draft).listing.id
        assert listing_id is not None
        ids.append(listing_id)
    return ids
