"""Organisations, stakeholders, their roles and their accounts on the chat platforms."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session, col, select

from core import audit
from core.clock import utcnow
from core.errors import InvalidInput, NotFound, PermissionDenied
from core.models import (
    ChannelIdentity,
    Organisation,
    Partnership,
    Stakeholder,
    StakeholderRole,
)
from core.models.enums import OrganisationKind, Platform, Role
from core.storage import possible_id
from core.validation import check_country, clean_text
from core.vocabularies import Vocabularies

# The six official languages of the United Nations, English first (the fallback).
LANGUAGES = ("en", "fr", "es", "ar", "zh", "ru")


@dataclass(frozen=True)
class Actor:
    """Who is asking, with what they may do."""

    id: int
    organisation_id: int | None
    roles: frozenset[Role]

    @property
    def is_coordinator(self) -> bool:
        return bool(self.roles & {Role.coordinator, Role.admin})

    @property
    def is_admin(self) -> bool:
        return Role.admin in self.roles


def load_actor(session: Session, stakeholder_id: int) -> Actor:
    person = session.get(Stakeholder, stakeholder_id)
    if person is None or person.id is None:
        raise NotFound("not_found.stakeholder")
    return Actor(person.id, person.organisation_id, frozenset(roles_of(session, person.id)))


def roles_of(session: Session, stakeholder_id: int) -> set[Role]:
    rows = session.exec(
        select(StakeholderRole.role).where(StakeholderRole.stakeholder_id == stakeholder_id)
    )
    return {Role(role) for role in rows}


def check_language(code: str) -> str:
    if code not in LANGUAGES:
        raise InvalidInput("invalid.language", field="language", value=code)
    return code


def check_timezone(name: str) -> str:
    name = (name or "").strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput("invalid.timezone", field="timezone", value=name) from None
    return name


def create_organisation(
    session: Session, vocab: Vocabularies, *, name: str, kind: str, country: str | None
) -> Organisation:
    name = clean_text(name, "organisation_name", min_len=2, max_len=200)
    if kind not in OrganisationKind.__members__.values():
        raise InvalidInput("invalid.choice", field="organisation_kind", value=kind)
    code = check_country(vocab, country) if country else None
    if find_organisation_by_name(session, name) is not None:
        raise InvalidInput("invalid.organisation_exists", field="organisation_name", name=name)
    organisation = Organisation(
        name=name,
        name_key=name_key(name),
        kind=OrganisationKind(kind),
        country=code,
        region=vocab.countries[code].subregion if code else None,
    )
    session.add(organisation)
    session.flush()
    return organisation


def name_key(name: str) -> str:
    return " ".join(name.casefold().split())


def find_organisation_by_name(session: Session, name: str) -> Organisation | None:
    return session.exec(select(Organisation).where(Organisation.name_key == name_key(name))).first()


MIN_SEARCH = 3  # fewer characters would list everyone's organisation


def search_organisations(session: Session, text: str, limit: int = 8) -> list[Organisation]:
    """Organisations whose name is close to the typed one: it contains it, with wildcards
    taken literally, and is close enough to be the one meant."""
    key = name_key(text)
    if len(key) < MIN_SEARCH:
        return []
    literal = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    found = session.exec(
        select(Organisation)
        .where(col(Organisation.name_key).like(f"%{literal}%", escape="\\"))
        .order_by(Organisation.name)
        .limit(50)
    ).all()
    return [o for o in found if _close(key, o.name_key)][:limit]


def _close(typed: str, name: str) -> bool:
    """A name that starts with what was typed, has a word that does, or reads alike."""
    if name.startswith(typed) or any(word.startswith(typed) for word in name.split()):
        return True
    return SequenceMatcher(None, typed, name).ratio() >= 0.6


def register_stakeholder(
    session: Session,
    *,
    name: str,
    organisation_id: int | None,
    roles: Iterable[Role],
    language: str = "en",
    timezone: str = "UTC",
) -> Stakeholder:
    person = Stakeholder(
        name=clean_text(name, "name", min_len=2, max_len=120),
        organisation_id=organisation_id,
        language=check_language(language),
        timezone=check_timezone(timezone),
    )
    session.add(person)
    session.flush()
    assert person.id is not None
    for role in set(roles):
        session.add(StakeholderRole(stakeholder_id=person.id, role=role))
    audit.record(session, person.id, "stakeholder.register", "stakeholder", person.id)
    return person


def identity_for(
    session: Session, platform: Platform, external_user_id: str, workspace: str = ""
) -> ChannelIdentity | None:
    return session.exec(
        select(ChannelIdentity).where(
            ChannelIdentity.platform == platform,
            ChannelIdentity.workspace == workspace,
            ChannelIdentity.external_user_id == external_user_id,
        )
    ).first()


def ensure_identity(
    session: Session,
    platform: Platform,
    external_user_id: str,
    *,
    workspace: str = "",
    chat_id: str | None = None,
    handle: str | None = None,
    display_name: str | None = None,
) -> ChannelIdentity:
    """The account that just spoke, created on first contact and kept up to date."""
    return refresh_identity(
        session,
        identity_for(session, platform, external_user_id, workspace),
        platform,
        external_user_id,
        workspace=workspace,
        chat_id=chat_id,
        handle=handle,
        display_name=display_name,
    )


def refresh_identity(
    session: Session,
    identity: ChannelIdentity | None,
    platform: Platform,
    external_user_id: str,
    *,
    workspace: str = "",
    chat_id: str | None = None,
    handle: str | None = None,
    display_name: str | None = None,
) -> ChannelIdentity:
    """`ensure_identity` for an account already looked up (None: not known yet)."""
    if identity is None:
        identity = ChannelIdentity(
            platform=platform, workspace=workspace, external_user_id=external_user_id
        )
        session.add(identity)
    # Written only when something changed: this runs for every message.
    fresh = {
        "chat_id": chat_id or identity.chat_id,
        "handle": handle or identity.handle,
        "display_name": (display_name or identity.display_name or "")[:200] or None,
        "unreachable_at": None,  # they just spoke to us
    }
    for name, value in fresh.items():
        if getattr(identity, name) != value:
            setattr(identity, name, value)
    if identity.id is None:
        session.flush()
    return identity


def grant_role(session: Session, actor: Actor, stakeholder_id: int, role: Role) -> Stakeholder:
    """An admin gives someone a role (once: granting it again changes nothing)."""
    person = _role_holder(session, actor, stakeholder_id)
    if session.get(StakeholderRole, (stakeholder_id, role)) is None:
        session.add(
            StakeholderRole(
                stakeholder_id=stakeholder_id,
                role=role,
                granted_at=utcnow(),
                granted_by_id=actor.id,
            )
        )
        audit.record(session, actor.id, "role.grant", "stakeholder", stakeholder_id, {"role": role})
    return person


def revoke_role(session: Session, actor: Actor, stakeholder_id: int, role: Role) -> Stakeholder:
    """An admin takes a role back; what a coordinator followed goes back to every coordinator."""
    person = _role_holder(session, actor, stakeholder_id)
    row = session.get(StakeholderRole, (stakeholder_id, role))
    if row is not None:
        session.delete(row)
        audit.record(
            session, actor.id, "role.revoke", "stakeholder", stakeholder_id, {"role": role}
        )
    if role == Role.coordinator:
        for partnership in session.exec(
            select(Partnership).where(Partnership.coordinator_id == stakeholder_id)
        ):
            partnership.coordinator_id = None
    return person


def _role_holder(session: Session, actor: Actor, stakeholder_id: int) -> Stakeholder:
    if not actor.is_admin:
        raise PermissionDenied("denied.admin_only")
    person = session.get(Stakeholder, stakeholder_id) if possible_id(stakeholder_id) else None
    if person is None:
        raise NotFound("not_found.stakeholder")
    return person


def make_admin(session: Session, stakeholder_id: int) -> bool:
    """An admin named in the settings is an admin and a coordinator; True if it changed."""
    added = [
        role
        for role in (Role.admin, Role.coordinator)
        if session.get(StakeholderRole, (stakeholder_id, role)) is None
    ]
    for role in added:
        session.add(StakeholderRole(stakeholder_id=stakeholder_id, role=role))
    if added:
        roles = [str(r) for r in added]
        audit.record(
            session,
            stakeholder_id,
            "role.bootstrap",
            "stakeholder",
            stakeholder_id,
            {"roles": roles},
        )
    return bool(added)


def bootstrap_admins(session: Session, identities: Iterable[tuple[str, str, str]]) -> int:
    """The admins of the settings (platform, workspace, user), for people who exist already:
    applied at every start, so naming an admin does not wait for them to sign up again."""
    made = 0
    for platform, workspace, user in identities:
        identity = session.exec(
            select(ChannelIdentity).where(
                ChannelIdentity.platform == platform,
                ChannelIdentity.workspace == workspace,
                ChannelIdentity.external_user_id == user,
            )
        ).first()
        if identity is not None and identity.stakeholder_id is not None:
            made += make_admin(session, identity.stakeholder_id)
    return made


def stakeholders_with_role(session: Session, role: Role) -> list[Stakeholder]:
    return list(
        session.exec(
            select(Stakeholder)
            .join(StakeholderRole, col(StakeholderRole.stakeholder_id) == Stakeholder.id)
            .where(StakeholderRole.role == role)
            .order_by(col(Stakeholder.id))
        )
    )


def platforms_of(session: Session, stakeholder_id: int) -> list[Platform]:
    rows = session.exec(
        select(ChannelIdentity.platform).where(ChannelIdentity.stakeholder_id == stakeholder_id)
    ).all()
    return sorted(set(rows))
