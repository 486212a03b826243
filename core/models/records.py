from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from core.clock import utcnow
from core.models.enums import NotificationStatus, Platform
from core.types import EnumText, UTCDateTime, code_column


class Notification(SQLModel, table=True):
    """The outbox. A row is written in the same transaction as the change that causes it;
    the idempotency key makes a second write of the same notice a no-op."""

    __table_args__ = (sa.Index("ix_notification_due", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    idempotency_key: str = Field(max_length=200, unique=True)
    stakeholder_id: int = Field(foreign_key="stakeholder.id", index=True, ondelete="CASCADE")
    kind: str = Field(sa_type=code_column(48))
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    platform: Platform | None = Field(default=None, sa_type=EnumText(Platform, 16))
    status: NotificationStatus = Field(
        default=NotificationStatus.pending, sa_type=EnumText(NotificationStatus, 12)
    )
    attempts: int = Field(default=0)
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_error: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class AuditEvent(SQLModel, table=True):
    """Who changed what, and when."""

    __tablename__ = "audit_event"
    __table_args__ = (sa.Index("ix_audit_entity", "entity_type", "entity_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    actor_id: int | None = Field(default=None, foreign_key="stakeholder.id", ondelete="SET NULL")
    action: str = Field(sa_type=code_column(48))
    entity_type: str = Field(sa_type=code_column(32))
    entity_id: int
    changes: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)


class UsageEvent(SQLModel, table=True):
    """What was used (a command, a dialog, a type of information), never what was said:
    the trial is evaluated by visits and the types of information accessed."""

    __tablename__ = "usage_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    stakeholder_id: int | None = Field(
        default=None, foreign_key="stakeholder.id", index=True, ondelete="SET NULL"
    )
    platform: Platform | None = Field(default=None, sa_type=EnumText(Platform, 16))
    category: str = Field(sa_type=code_column(16))  # command, dialog, info
    name: str = Field(sa_type=code_column(48), index=True)


class InboundReceipt(SQLModel, table=True):
    """A platform delivery already handled (a Telegram update_id, a Slack event_id), recorded
    in the transaction of its effects, so a retried or duplicated delivery has none."""

    __tablename__ = "inbound_receipt"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=200, unique=True)
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
