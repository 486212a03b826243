"""Who is speaking: their account, the person behind it, that person's roles and the dialog
they are in. Read in one statement, because it runs for every message: four separate ORM
queries were the largest single cost of handling a message."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from bot.messages import Sender
from core.models import ChannelIdentity, Conversation, Stakeholder, StakeholderRole
from core.models.enums import Role
from core.people import Actor, refresh_identity


@dataclass
class Speaker:
    identity: ChannelIdentity
    person: Stakeholder | None
    actor: Actor | None
    conversation: Conversation | None


def load_speaker(session: Session, sender: Sender) -> Speaker:
    dialect = session.get_bind().dialect.name
    row = session.execute(
        _speaker_statement(dialect),
        {
            "platform": sender.platform,
            "workspace": sender.workspace,
            "user": sender.user_id,
        },
    ).first()
    identity, person, conversation, roles = row if row is not None else (None, None, None, "")
    identity = refresh_identity(
        session,
        identity,
        sender.platform,
        sender.user_id,
        workspace=sender.workspace,
        chat_id=sender.chat_id,
        handle=sender.handle,
        display_name=sender.display_name,
    )
    actor = None
    if person is not None and person.id is not None:
        granted = frozenset(Role(role) for role in (roles or "").split(",") if role)
        actor = Actor(person.id, person.organisation_id, granted)
    return Speaker(identity, person, actor, conversation)


@functools.cache
def _speaker_statement(dialect: str) -> Any:
    # Built once: building and hashing a statement anew costs more than running it.
    role = StakeholderRole.__table__.c  # type: ignore[attr-defined]
    joined = (
        sa.func.string_agg(role.role, ",")
        if dialect == "postgresql"
        else sa.func.group_concat(role.role, ",")
    )
    roles = (
        sa.select(joined)
        .where(role.stakeholder_id == ChannelIdentity.stakeholder_id)
        .scalar_subquery()
    )
    return (
        sa.select(ChannelIdentity, Stakeholder, Conversation, roles)
        .outerjoin(Stakeholder, Stakeholder.id == ChannelIdentity.stakeholder_id)  # type: ignore[arg-type]
        .outerjoin(Conversation, Conversation.identity_id == ChannelIdentity.id)  # type: ignore[arg-type]
        .where(
            ChannelIdentity.platform == sa.bindparam("platform"),  # type: ignore[arg-type]
            ChannelIdentity.workspace == sa.bindparam("workspace"),  # type: ignore[arg-type]
            ChannelIdentity.external_user_id == sa.bindparam("user"),  # type: ignore[arg-type]
        )
    )
