from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from core.clock import utcnow
from core.models.enums import ReportStatus
from core.models.listing import MONEY
from core.types import EnumText, UTCDateTime


class ProgressReport(SQLModel, table=True):
    """One partnership's report for one reporting period."""

    __tablename__ = "progress_report"
    __table_args__ = (
        sa.UniqueConstraint("partnership_id", "period_end", name="uq_report_period"),
        sa.Index("ix_progress_report_due", "status", "due_date"),
    )

    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnership.id", index=True, ondelete="CASCADE")
    period_start: date
    period_end: date
    due_date: date
    status: ReportStatus = Field(default=ReportStatus.draft, sa_type=EnumText(ReportStatus, 12))
    narrative: str = Field(default="", max_length=4000)
    challenges: str = Field(default="", max_length=4000)
    help_needed: str = Field(default="", max_length=4000)
    submitted_by_id: int | None = Field(
        default=None, foreign_key="stakeholder.id", ondelete="SET NULL"
    )
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    late: bool = Field(default=False)
    review_comment: str | None = Field(default=None, max_length=2000)
    reviewed_by_id: int | None = Field(
        default=None, foreign_key="stakeholder.id", ondelete="SET NULL"
    )
    reviewed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class IndicatorValue(SQLModel, table=True):
    """A reported value; `sex` and `age_group` are empty for a total, so that the unique key
    never holds a NULL."""

    __tablename__ = "indicator_value"
    __table_args__ = (
        sa.UniqueConstraint(
            "report_id", "indicator_id", "sex", "age_group", name="uq_indicator_value"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="progress_report.id", index=True, ondelete="CASCADE")
    indicator_id: int = Field(foreign_key="indicator.id", index=True, ondelete="CASCADE")
    sex: str = Field(default="", max_length=8)  # "", "female", "male", "other"
    age_group: str = Field(default="", max_length=16)  # "", "0-17", "18-59", "60+"
    value: Decimal = Field(sa_type=MONEY)
