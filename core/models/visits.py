from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from core.types import code_column


class WebVisit(SQLModel, table=True):
    """Page views of the public web platform, counted per day, by type of information (offers,
    a listing, gaps, a feed, the API) and by filter (type, area, country), for the trial's
    evaluation. No address, cookie or any identifier of the visitor is ever stored."""

    __tablename__ = "web_visit"
    __table_args__ = (
        sa.UniqueConstraint("day", "kind", "filter_name", "filter_value", name="uq_web_visit"),
    )

    id: int | None = Field(default=None, primary_key=True)
    day: date = Field(index=True)
    kind: str = Field(sa_type=code_column(16))  # home, offers, needs, listing, ..., feed, api
    filter_name: str = Field(default="", sa_type=code_column(24))  # "" for the page itself
    filter_value: str = Field(default="", sa_type=code_column(48))
    count: int = Field(default=0)
