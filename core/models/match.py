from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from core.clock import utcnow
from core.models.enums import Decision, MatchStatus
from core.types import EnumText, UTCDateTime


class Match(SQLModel, table=True):
    """A proposed pairing of a need and an offer, with a score and the reasons for it.
    Reasons are stored as codes and parameters so that each person reads them in their
    own language."""

    __table_args__ = (sa.UniqueConstraint("need_id", "offer_id", name="uq_match_pair"),)

    id: int | None = Field(default=None, primary_key=True)
    need_id: int = Field(foreign_key="listing.id", index=True, ondelete="CASCADE")
    offer_id: int = Field(foreign_key="listing.id", index=True, ondelete="CASCADE")
    score: float
    reasons: list[dict[str, Any]] = Field(default_factory=list, sa_type=sa.JSON)
    status: MatchStatus = Field(
        default=MatchStatus.proposed, sa_type=EnumText(MatchStatus, 12), index=True
    )
    need_decision: Decision = Field(default=Decision.pending, sa_type=EnumText(Decision, 12))
    offer_decision: Decision = Field(default=Decision.pending, sa_type=EnumText(Decision, 12))
    decline_reason: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
