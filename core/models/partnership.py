from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from core.clock import utcnow
from core.models.enums import CommitmentKind, Disaggregation, Frequency, PartnershipStatus
from core.models.listing import MONEY
from core.types import EnumText, UTCDateTime, code_column


class Partnership(SQLModel, table=True):
    """A partnership for completion: partners with responsibilities, time-bound objectives,
    commitments and a reporting schedule, followed up by a coordinator."""

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    status: PartnershipStatus = Field(
        default=PartnershipStatus.draft, sa_type=EnumText(PartnershipStatus, 12), index=True
    )
    match_id: int | None = Field(default=None, foreign_key="match.id", ondelete="SET NULL")
    coordinator_id: int | None = Field(
        default=None, foreign_key="stakeholder.id", index=True, ondelete="SET NULL"
    )
    modality: str | None = Field(default=None, sa_type=code_column(32))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    activated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # National ownership: the national authority (or focal point organisation) of the
    # partnership's country, told of what happens in it; the national plan it serves, and
    # what the State itself contributes.
    national_counterpart_id: int | None = Field(
        default=None, foreign_key="organisation.id", ondelete="SET NULL"
    )
    national_plan: str = Field(default="", max_length=300)
    national_contribution: str = Field(default="", max_length=500)


class PartnershipMember(SQLModel, table=True):
    """One partner organisation, the person who speaks for it, and its responsibilities.
    The partnership becomes active when every member has confirmed."""

    __tablename__ = "partnership_member"
    __table_args__ = (
        sa.UniqueConstraint("partnership_id", "organisation_id", name="uq_partnership_member"),
    )

    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnership.id", index=True, ondelete="CASCADE")
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    stakeholder_id: int | None = Field(
        default=None, foreign_key="stakeholder.id", index=True, ondelete="SET NULL"
    )
    responsibilities: str = Field(default="", max_length=2000)
    confirmed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Objective(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnership.id", index=True, ondelete="CASCADE")
    title: str = Field(max_length=200)
    target: str = Field(default="", max_length=1000)
    deadline: date
    # Linked to a State's treaty deadline: its indicator then measures the work remaining
    # (or done), and the bot projects when it will be complete.
    treaty_deadline_id: int | None = Field(
        default=None, foreign_key="treaty_deadline.id", ondelete="SET NULL"
    )


class Indicator(SQLModel, table=True):
    """A measure of an objective. It may be disaggregated by sex and age group, so that
    reporting is age- and gender-sensitive."""

    id: int | None = Field(default=None, primary_key=True)
    objective_id: int = Field(foreign_key="objective.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=200)
    unit: str = Field(max_length=32)
    baseline: Decimal = Field(default=Decimal(0), sa_type=MONEY)
    target: Decimal = Field(sa_type=MONEY)
    disaggregation: Disaggregation = Field(
        default=Disaggregation.none, sa_type=EnumText(Disaggregation, 8)
    )


class Commitment(SQLModel, table=True):
    """What a partner commits: money (possibly over several years) or something in kind."""

    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnership.id", index=True, ondelete="CASCADE")
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    kind: CommitmentKind = Field(sa_type=EnumText(CommitmentKind, 12))
    amount: Decimal | None = Field(default=None, sa_type=MONEY)
    currency: str | None = Field(default=None, max_length=3)
    description: str = Field(default="", max_length=1000)
    start_year: int | None = None
    end_year: int | None = None


class ReportingSchedule(SQLModel, table=True):
    __tablename__ = "reporting_schedule"

    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnership.id", unique=True, ondelete="CASCADE")
    frequency: Frequency = Field(sa_type=EnumText(Frequency, 12))
    first_due: date
    # The next period's due date, kept here so that a sweep finds what is due by index.
    next_due: date = Field(index=True)
