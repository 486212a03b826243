"""A person changes their own profile: their name, language, time zone, where notices reach
them, and how match partners may reach them. Every change is audited."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from sqlmodel import Session

from core import audit
from core.errors import InvalidInput, NotFound
from core.models import Stakeholder
from core.models.enums import Platform
from core.people import check_language, check_timezone
from core.validation import check_email, check_phone, clean_text


@dataclass(frozen=True)
class Reach:
    """How partners may reach a person once both sides of a match accept: nothing is shared
    unless agreed to."""

    share_contact: bool = False  # their chat handles
    contact_email: str | None = None
    contact_phone: str | None = None

    def checked(self) -> dict[str, Any]:
        """The person's fields, checked."""
        return {name: PROFILE_FIELDS[name](value) for name, value in asdict(self).items()}


def _optional(check: Callable[[str, str], str], value: str | None, field: str) -> str | None:
    return None if value is None else check(value, field)


def _name(value: Any) -> str:
    return clean_text(value, "name", min_len=2, max_len=120)


def _platform(value: Any) -> Platform | None:
    if value is None:
        return None
    if value not in Platform.__members__.values():
        raise InvalidInput("invalid.choice", field="preferred_platform", value=str(value))
    return Platform(value)


def _email(value: Any) -> str | None:
    return _optional(check_email, value, "contact_email")


def _phone(value: Any) -> str | None:
    return _optional(check_phone, value, "contact_phone")


# The fields a person may change themselves, each with its check.
PROFILE_FIELDS: dict[str, Callable[[Any], Any]] = {
    "name": _name,
    "language": check_language,
    "timezone": check_timezone,
    "preferred_platform": _platform,
    "share_contact": bool,
    "contact_email": _email,
    "contact_phone": _phone,
}


def update_profile(session: Session, person_id: int, changes: Mapping[str, Any]) -> dict[str, Any]:
    """Writes the fields that differ from what is held, and the audit of it; returns what
    changed (empty when nothing did)."""
    person = _person(session, person_id)
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise InvalidInput("invalid.choice", field="profile", value=", ".join(sorted(unknown)))
    wanted = {name: PROFILE_FIELDS[name](value) for name, value in changes.items()}
    changed = {name: value for name, value in wanted.items() if getattr(person, name) != value}
    for name, value in changed.items():
        setattr(person, name, value)
    # Audited even when nothing changed: the trail shows the person looked and saved.
    audit.record(session, person_id, "stakeholder.edit", "stakeholder", person_id, changed)
    return changed


def choose_language(session: Session, person_id: int, language: str) -> str:
    """The language the bot writes to the person in from now on."""
    person = _person(session, person_id)
    person.language = check_language(language)
    audit.record(
        session,
        person_id,
        "stakeholder.edit",
        "stakeholder",
        person_id,
        {"language": person.language},
    )
    return person.language


def _person(session: Session, person_id: int) -> Stakeholder:
    person = session.get(Stakeholder, person_id)
    if person is None:
        raise NotFound("not_found.stakeholder")
    return person
