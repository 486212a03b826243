"""Linking accounts: a one-time code shown on one platform joins an account on another to
the same person. Guessing is bounded (five wrong codes an hour per account), one code lives
at a time, and the person's other accounts hear of each new link, with a way to undo it."""

from __future__ import annotations

import secrets
from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from core import audit
from core.clock import utcnow
from core.errors import Conflict, InvalidInput, NotFound
from core.models import AuditEvent, ChannelIdentity, LinkCode, Stakeholder
from core.notifications import enqueue
from core.people import Actor

LINK_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
LINK_LIFETIME = timedelta(minutes=10)


LINK_TRIES = 5  # wrong codes an account may type in an hour


def create_link_code(session: Session, stakeholder_id: int) -> str:
    """A one-time code, valid ten minutes, that joins another account to this person; a new
    one voids the one before (one live code per person)."""
    for earlier in session.exec(
        select(LinkCode).where(
            LinkCode.stakeholder_id == stakeholder_id, col(LinkCode.used_at).is_(None)
        )
    ):
        session.delete(earlier)
    code = "".join(secrets.choice(LINK_ALPHABET) for _ in range(6))
    session.add(
        LinkCode(code=code, stakeholder_id=stakeholder_id, expires_at=utcnow() + LINK_LIFETIME)
    )
    session.flush()
    return code


def redeem_link_code(session: Session, identity: ChannelIdentity, code: str) -> Stakeholder:
    """Joins the account to the person who asked for the code. The account must not belong
    to someone already: two people are never merged by a code."""
    if _wrong_tries(session, identity) >= LINK_TRIES:
        raise Conflict("limit.link_tries")
    typed = "".join(code.split()).upper()
    row = session.exec(select(LinkCode).where(LinkCode.code == typed)).first()
    if row is None or row.used_at is not None or row.expires_at < utcnow():
        # Kept, though the answer is an error: six letters are guessed by counting tries.
        audit.record(session, None, "identity.link_failed", "channel_identity", identity.id or 0)
        raise InvalidInput("invalid.link_code", field="code")
    if identity.stakeholder_id not in (None, row.stakeholder_id):
        raise InvalidInput("invalid.link_registered", field="code")
    person = session.get(Stakeholder, row.stakeholder_id)
    if person is None:
        raise InvalidInput("invalid.link_code", field="code")
    row.used_at = utcnow()
    identity.stakeholder_id = person.id
    _tell_other_accounts(session, person, identity)
    audit.record(
        session,
        person.id,
        "identity.link",
        "stakeholder",
        person.id or 0,
        {"platform": identity.platform},
    )
    return person


def _wrong_tries(session: Session, identity: ChannelIdentity) -> int:
    since = utcnow() - timedelta(hours=1)
    query = select(sa.func.count()).where(
        AuditEvent.action == "identity.link_failed",
        AuditEvent.entity_type == "channel_identity",
        AuditEvent.entity_id == (identity.id or 0),
        col(AuditEvent.at) >= since,
    )
    return int(session.exec(query).one())  # type: ignore[call-overload]


def _tell_other_accounts(session: Session, person: Stakeholder, linked: ChannelIdentity) -> None:
    """The person's other accounts hear of the new one, with a way to undo it."""
    others = session.exec(
        select(ChannelIdentity).where(
            ChannelIdentity.stakeholder_id == person.id, col(ChannelIdentity.id) != linked.id
        )
    ).all()
    for other in others:
        enqueue(
            session,
            person.id or 0,
            "account_linked",
            f"linked:{linked.id}:{other.id}:{utcnow().isoformat()}",
            {"to_identity": other.id, "linked_identity": linked.id, "platform": linked.platform},
        )


def unlink_account(
    session: Session, actor: Actor, identity_id: int, *, speaking_from: int | None
) -> ChannelIdentity:
    """ "That was not me": the account linked to the person is theirs no longer."""
    identity = session.get(ChannelIdentity, identity_id)
    if identity is None or identity.stakeholder_id != actor.id:
        raise NotFound("not_found.account")
    if identity.id == speaking_from:  # undone from another account, never from itself
        raise Conflict("conflict.unlink_self")
    identity.stakeholder_id = None
    audit.record(
        session,
        actor.id,
        "identity.unlink",
        "stakeholder",
        actor.id,
        {"platform": identity.platform},
    )
    return identity
