"""Onboarding: the person behind a chat account says who they are and for whom they work.

A new organisation is theirs at once (checked by a coordinator where verification is
required); an existing one lets them in only once a member, or a coordinator, confirms them
(core.membership). Nobody gives themselves the coordinator's role: an admin is asked."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from core import audit
from core.errors import InvalidInput, NotFound
from core.membership import request_membership
from core.models import ChannelIdentity, Organisation, Stakeholder
from core.models.enums import Role
from core.notifications import notify_role
from core.people import create_organisation, make_admin, register_stakeholder
from core.profile import Reach
from core.storage import possible_id
from core.verification import request_verification
from core.vocabularies import Vocabularies

# Roles people may not take by saying so: someone who holds them grants them.
GRANTED_ONLY = frozenset({Role.coordinator, Role.admin})


@dataclass(frozen=True)
class NewOrganisation:
    """An organisation nobody has registered yet."""

    name: str
    kind: str
    country: str | None = None


@dataclass(frozen=True)
class Onboarded:
    person_id: int
    name: str  # as kept (trimmed, normalised)
    member: bool  # False: the organisation has yet to confirm them
    organisation_name: str
    coordinator_requested: bool  # an admin is asked to confirm the role
    already_registered: bool = False  # the account was linked to a person meanwhile


def onboard(
    session: Session,
    vocab: Vocabularies,
    *,
    identity_id: int,
    name: str,
    organisation: int | NewOrganisation,
    role: Role | str,
    language: str,
    timezone: str = "UTC",
    reach: Reach | None = None,  # None: partners may not reach them (a coordinator introduces)
    require_verification: bool = False,
    is_configured_admin: bool = False,
) -> Onboarded:
    """Registers the person of a chat account for an organisation (an existing one by its
    id, or a new one), with the role they mean to have."""
    identity = session.get(ChannelIdentity, identity_id)
    if identity is None:
        raise NotFound("not_found.account")
    if identity.stakeholder_id is not None:  # linked meanwhile with /link: nothing to add
        return _already_registered(session, identity.stakeholder_id)
    role = _role(role)
    created = isinstance(organisation, NewOrganisation)
    organisation_id = _organisation_id(session, vocab, organisation)
    person = register_stakeholder(
        session,
        name=name,
        organisation_id=organisation_id,
        roles={role} - GRANTED_ONLY,
        language=language,
        timezone=timezone or "UTC",
    )
    assert person.id is not None
    for field, value in (reach or Reach()).checked().items():
        setattr(person, field, value)
    identity.stakeholder_id = person.id
    _join(session, person, organisation_id, created=created, verify=require_verification)
    coordinator_requested = _roles_beyond_the_chosen(
        session, person, role, is_configured_admin=is_configured_admin
    )
    return Onboarded(
        person_id=person.id,
        name=person.name,
        member=created,
        organisation_name=_organisation_name(session, organisation_id),
        coordinator_requested=coordinator_requested,
    )


def _role(role: str) -> Role:
    if role not in Role.__members__.values():
        raise InvalidInput("invalid.choice", field="role", value=str(role))
    return Role(role)


def _organisation_id(
    session: Session, vocab: Vocabularies, organisation: int | NewOrganisation
) -> int:
    if not isinstance(organisation, NewOrganisation):
        if not possible_id(organisation) or session.get(Organisation, organisation) is None:
            raise NotFound("not_found.organisation")
        return organisation
    made = create_organisation(
        session,
        vocab,
        name=organisation.name,
        kind=organisation.kind,
        country=organisation.country,
    )
    assert made.id is not None
    return made.id


def _join(
    session: Session, person: Stakeholder, organisation_id: int, *, created: bool, verify: bool
) -> None:
    """A new organisation is checked by a coordinator where that is required; joining an
    existing one waits for its members (or a coordinator) to confirm."""
    assert person.id is not None
    if not created:
        request_membership(session, person, organisation_id)
    elif verify:
        request_verification(session, person.id)


def _roles_beyond_the_chosen(
    session: Session, person: Stakeholder, role: Role, *, is_configured_admin: bool
) -> bool:
    """An admin named in the settings becomes one; someone who asks to coordinate has an
    admin asked. True when an admin was asked."""
    assert person.id is not None
    if is_configured_admin:
        make_admin(session, person.id)
        return False
    if role is not Role.coordinator:
        return False
    audit.record(
        session, person.id, "role.request", "stakeholder", person.id, {"role": Role.coordinator}
    )
    notify_role(
        session,
        Role.admin,
        "role_request",
        f"role_request:{person.id}",
        {"stakeholder_id": person.id, "name": person.name, "role": "coordinator"},
    )
    return True


def _already_registered(session: Session, person_id: int) -> Onboarded:
    person = session.get(Stakeholder, person_id)
    if person is None:
        raise NotFound("not_found.stakeholder")
    return Onboarded(
        person_id=person_id,
        name=person.name,
        member=person.organisation_id is not None,
        organisation_name=_organisation_name(session, person.organisation_id),
        coordinator_requested=False,
        already_registered=True,
    )


def _organisation_name(session: Session, organisation_id: int | None) -> str:
    found = session.get(Organisation, organisation_id) if organisation_id else None
    return found.name if found else ""
