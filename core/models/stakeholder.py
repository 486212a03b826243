from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from core.clock import utcnow
from core.models.enums import Platform, Role
from core.types import EnumText, UTCDateTime


class Stakeholder(SQLModel, table=True):
    """One person, member of an organisation, reachable on one or more channels."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    organisation_id: int | None = Field(
        default=None, foreign_key="organisation.id", index=True, ondelete="SET NULL"
    )
    language: str = Field(default="en", max_length=8)
    timezone: str = Field(default="UTC", max_length=64)
    # Shared with a match partner only once both sides accept, and only what the person
    # agreed to: their handles (share_contact), an e-mail, a phone.
    share_contact: bool = Field(default=False)
    contact_email: str | None = Field(default=None, max_length=254)
    contact_phone: str | None = Field(default=None, max_length=40)
    preferred_platform: Platform | None = Field(default=None, sa_type=EnumText(Platform, 16))
    verified: bool = Field(default=False)
    # Where verification is required, joining an existing organisation waits for a
    # coordinator: until then the person cannot act for it.
    requested_organisation_id: int | None = Field(
        default=None, foreign_key="organisation.id", ondelete="SET NULL"
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_seen_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Time away (/away): the first and last days. Meanwhile no reminders, freshness prompts
    # or outcome questions, and no escalation of a report due in it; on return, a summary.
    away_since: date | None = Field(default=None)
    away_until: date | None = Field(default=None)


class StakeholderRole(SQLModel, table=True):
    __tablename__ = "stakeholder_role"
    __table_args__ = (sa.Index("ix_stakeholder_role_role", "role"),)

    stakeholder_id: int = Field(foreign_key="stakeholder.id", primary_key=True, ondelete="CASCADE")
    role: Role = Field(sa_type=EnumText(Role, 16), primary_key=True)
    granted_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    granted_by_id: int | None = Field(
        default=None, foreign_key="stakeholder.id", ondelete="SET NULL"
    )


class ChannelIdentity(SQLModel, table=True):
    """A stakeholder's account on one platform. `workspace` is the Slack team id, and empty on
    platforms without workspaces, so that the unique key never holds a NULL."""

    __tablename__ = "channel_identity"
    __table_args__ = (
        sa.UniqueConstraint(
            "platform", "workspace", "external_user_id", name="uq_channel_identity"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    stakeholder_id: int | None = Field(
        default=None, foreign_key="stakeholder.id", index=True, ondelete="CASCADE"
    )
    platform: Platform = Field(sa_type=EnumText(Platform, 16))
    workspace: str = Field(default="", max_length=32)
    external_user_id: str = Field(max_length=64)
    chat_id: str | None = Field(default=None, max_length=64)
    handle: str | None = Field(default=None, max_length=64)
    display_name: str | None = Field(default=None, max_length=200)
    # Set when the platform says the person blocked the bot or no longer exists.
    unreachable_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class LinkCode(SQLModel, table=True):
    """A short one-time code shown on one platform and typed on another, to join a second
    account (Slack, say) to the person behind the first (Telegram)."""

    __tablename__ = "link_code"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=12, unique=True)
    stakeholder_id: int = Field(foreign_key="stakeholder.id", index=True, ondelete="CASCADE")
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
