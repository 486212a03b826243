"""A registry with something of everything the public directory must show or hide, written
through the real use cases (and, where only a sweep or time would get there, by setting
the state the sweep would set)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from sqlmodel import Session

from core.clock import utcnow
from core.contacts import save_contact_point
from core.listings import create_listing, withdraw_listing
from core.models import Listing, Organisation, Stakeholder
from core.models.enums import (
    ContactScope,
    Coverage,
    ListingStatus,
    OrganisationKind,
    Role,
    Visibility,
)
from core.people import Actor
from core.verification import reject
from core.vocabularies import Vocabularies
from tests.factories import active_partnership, need, offer, person


@dataclass
class Seeded:
    public: dict[str, int] = field(default_factory=dict)  # title -> id
    private: dict[str, int] = field(default_factory=dict)  # title -> id, why in the title
    secrets: list[str] = field(default_factory=list)  # must never be on a page
    published: list[str] = field(default_factory=list)  # consented contact details
    published_by: int = 0  # the organisation whose contact point they are
    organisations: dict[str, int] = field(default_factory=dict)  # public ones
    rejected_organisation: int = 0
    partnerships: dict[str, int] = field(default_factory=dict)  # title -> id, public ones
    draft_partnership: str = ""


def _named(session: Session, actor: Actor, name: str, email: str, phone: str) -> None:
    """The person behind an actor, with details they agreed to give match partners only."""
    someone = session.get(Stakeholder, actor.id)
    assert someone is not None
    someone.name, someone.contact_email, someone.contact_phone = name, email, phone
    someone.share_contact = True


def _rename(session: Session, actor: Actor, name: str) -> None:
    organisation = session.get(Organisation, actor.organisation_id)
    assert organisation is not None
    organisation.name = name


def _listing(session: Session, vocab: Vocabularies, actor: Actor, draft, **kw) -> int:  # type: ignore[no-untyped-def]
    listing_id = create_listing(session, vocab, actor, draft, **kw).listing.id
    assert listing_id is not None
    return listing_id


def seed(session: Session, vocab: Vocabularies) -> Seeded:
    seeded = Seeded()
    field_contact = person(session, vocab, country="KH")
    donor = person(
        session, vocab, roles=(Role.donor,), country="NO", kind=OrganisationKind.government
    )
    coordinator = person(session, vocab, roles=(Role.coordinator,), country="CH")
    _named(
        session, field_contact, "Sokha Hiddenname", "sokha.private@example.org", "+855 11 222 333"
    )
    _named(session, donor, "Ingrid Concealed", "ingrid.private@example.org", "+47 22 33 44 55")
    seeded.secrets += [
        "Sokha Hiddenname",
        "sokha.private@example.org",
        "+855 11 222 333",
        "Ingrid Concealed",
        "ingrid.private@example.org",
        "+47 22 33 44 55",
    ]
    for actor in (field_contact, donor):
        assert actor.organisation_id is not None
        seeded.organisations[f"org{actor.organisation_id}"] = actor.organisation_id

    def public(title: str, actor: Actor, draft) -> None:  # type: ignore[no-untyped-def]
        seeded.public[title] = _listing(session, vocab, actor, draft)

    def private(title: str, actor: Actor, draft, **kw) -> int:  # type: ignore[no-untyped-def]
        seeded.private[title] = _listing(session, vocab, actor, draft, **kw)
        return seeded.private[title]

    public(
        "Prosthetic kits for Battambang",
        field_contact,
        need(title="Prosthetic kits for Battambang"),
    )
    public(
        "Clearance funding for Cambodia",
        field_contact,
        need(
            title="Clearance funding for Cambodia",
            assistance_type="financial",
            areas=["survey_clearance", "victim_assistance"],
            quantity=None,
            unit=None,
            amount=Decimal(250000),
            currency="USD",
        ),
    )
    public(
        "Funding for victim assistance worldwide",
        donor,
        offer(title="Funding for victim assistance worldwide"),
    )
    public(
        "Deminers trained in Angola",
        donor,
        offer(
            title="Deminers trained in Angola",
            assistance_type="training",
            areas=["survey_clearance"],
            coverage=Coverage.country,
            country="AO",
            amount=None,
            currency=None,
            quantity=Decimal(12),
            unit="trainers",
            modality="south_south",
        ),
    )
    private(
        "Restricted need of a ministry",
        field_contact,
        need(title="Restricted need of a ministry", visibility=Visibility.restricted),
    )
    withdrawn = private(
        "Withdrawn offer of detectors", donor, offer(title="Withdrawn offer of detectors")
    )
    withdraw_listing(session, donor, withdrawn)
    expired = private(
        "Expired need unconfirmed", field_contact, need(title="Expired need unconfirmed")
    )
    fulfilled = private(
        "Fulfilled need of kits", field_contact, need(title="Fulfilled need of kits")
    )
    ended = private("Need whose window ended", field_contact, need(title="Need whose window ended"))
    for listing_id, change in (
        (expired, {"status": ListingStatus.expired}),  # as the staleness sweep leaves it
        (fulfilled, {"status": ListingStatus.fulfilled}),  # as accepted matches leave it
        (
            ended,
            {
                "available_from": utcnow().date() - timedelta(days=60),
                "available_until": utcnow().date() - timedelta(days=1),
            },
        ),
    ):
        listing = session.get(Listing, listing_id)
        assert listing is not None
        for name, value in change.items():
            setattr(listing, name, value)

    # Someone new where verification is required: their listing waits for a coordinator.
    newcomer = person(session, vocab, country="KH")
    _rename(session, newcomer, "Unverified Newcomer Organisation")
    seeded.secrets.append("Unverified Newcomer Organisation")
    private(
        "Unverified offer of vehicles",
        newcomer,
        offer(title="Unverified offer of vehicles"),
        require_verification=True,
    )
    # An organisation a coordinator rejected: nothing of it is public.
    rejected = person(session, vocab, country="KH")
    _rename(session, rejected, "Rejected Front Organisation")
    seeded.secrets.append("Rejected Front Organisation")
    # (verification not required, so only the rejection hides its listing)
    private(
        "Offer of a rejected organisation",
        rejected,
        offer(title="Offer of a rejected organisation"),
    )
    reject(session, coordinator, rejected.id, "Not a real organisation")
    seeded.rejected_organisation = rejected.organisation_id or 0

    # Contact points: given for match partners, which is no consent to publication.
    assert field_contact.organisation_id is not None and donor.organisation_id is not None
    hidden = save_contact_point(
        session,
        vocab,
        field_contact,
        field_contact.organisation_id,
        scope=ContactScope.national,
        name="Unpublished Desk Officer",
        email="desk.unpublished@example.org",
        phone="+855 99 888 777",
        country="KH",
    )
    assert hidden.id is not None
    seeded.secrets += [
        "Unpublished Desk Officer",
        "desk.unpublished@example.org",
        "+855 99 888 777",
    ]
    save_contact_point(
        session,
        vocab,
        donor,
        donor.organisation_id,
        scope=ContactScope.regional,
        name="Published Liaison Office",
        email="liaison.published@example.org",
        phone="+47 10 20 30 40",
        published=True,
    )
    seeded.published += ["Published Liaison Office", "liaison.published@example.org"]
    seeded.published_by = donor.organisation_id

    partnership_id, _, _ = active_partnership(
        session, vocab, first_due=utcnow().date() + timedelta(days=90), coordinator=coordinator
    )
    from core.models import Partnership, PartnershipMember

    active = session.get(Partnership, partnership_id)
    assert active is not None
    active.title = "Clearing the north together"
    seeded.partnerships[active.title] = partnership_id
    # The partnership's partners are organisations of their own: make one of them this
    # donor's, so that its page lists it.
    session.add(
        PartnershipMember(partnership_id=partnership_id, organisation_id=donor.organisation_id)
    )
    draft_id, _, _ = active_partnership(
        session,
        vocab,
        first_due=utcnow().date() + timedelta(days=90),
        coordinator=coordinator,
        confirmed=False,
    )
    draft = session.get(Partnership, draft_id)
    assert draft is not None
    session.add(PartnershipMember(partnership_id=draft_id, organisation_id=donor.organisation_id))
    draft.title = "Draft partnership nobody agreed to"
    seeded.draft_partnership = draft.title
    seeded.secrets.append(draft.title)
    session.flush()
    return seeded
