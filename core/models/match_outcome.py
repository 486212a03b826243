from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from core.clock import utcnow
from core.models.enums import ListingKind
from core.types import EnumText, UTCDateTime


class Outcome(StrEnum):
    """What an accepted match led to, as one side of it says."""

    yes = "yes"  # it led to cooperation: the match is realised
    in_progress = "in_progress"
    no = "no"


class MatchOutcome(SQLModel, table=True):
    """One side's answer, some weeks after both accepted, to whether the match led to
    cooperation: how the trial counts matches that were realised, not only made. One answer
    per side; answering again changes it."""

    __tablename__ = "match_outcome"
    __table_args__ = (sa.UniqueConstraint("match_id", "side", name="uq_match_outcome_side"),)

    id: int | None = Field(default=None, primary_key=True)
    match_id: int = Field(foreign_key="match.id", ondelete="CASCADE")
    side: ListingKind = Field(sa_type=EnumText(ListingKind, 8))
    outcome: Outcome = Field(sa_type=EnumText(Outcome, 12))
    reason: str | None = Field(default=None, max_length=500)
    # Who answered for the side; the answer stays, the organisation's, when they are forgotten.
    stakeholder_id: int | None = Field(
        default=None, foreign_key="stakeholder.id", ondelete="SET NULL"
    )
    answered_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
