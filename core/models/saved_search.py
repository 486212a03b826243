from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from core.clock import utcnow
from core.models.enums import ListingKind
from core.types import EnumText, UTCDateTime, code_column


class SavedSearch(SQLModel, table=True):
    """A search someone asked to hear about again: every new or reopened listing that fits
    it becomes a notice to them, at once or held for the next morning (`daily`). An empty
    filter means any, as in the search it was saved from."""

    __tablename__ = "saved_search"

    id: int | None = Field(default=None, primary_key=True)
    stakeholder_id: int = Field(foreign_key="stakeholder.id", index=True, ondelete="CASCADE")
    kind: ListingKind = Field(sa_type=EnumText(ListingKind, 8))
    assistance_type: str | None = Field(default=None, sa_type=code_column(32))
    area: str | None = Field(default=None, sa_type=code_column(48))
    country: str | None = Field(default=None, max_length=2)  # ISO 3166-1 alpha-2
    paused: bool = Field(default=False)
    daily: bool = Field(default=False)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
