"""Clusters of partnerships on similar issues (by default a thematic area in a region), their
steering groups and the calls they send; and the States' treaty deadlines that objectives
may be linked to."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from core.clock import utcnow
from core.types import UTCDateTime, code_column


class Cluster(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    area: str | None = Field(default=None, sa_type=code_column(48))  # a thematic area
    region: str | None = Field(default=None, max_length=3)  # UN M49
    created_by_id: int | None = Field(
        default=None, foreign_key="stakeholder.id", ondelete="SET NULL"
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ClusterPartnership(SQLModel, table=True):
    __tablename__ = "cluster_partnership"

    cluster_id: int = Field(foreign_key="cluster.id", primary_key=True, ondelete="CASCADE")
    partnership_id: int = Field(
        foreign_key="partnership.id", primary_key=True, index=True, ondelete="CASCADE"
    )


class SteeringMember(SQLModel, table=True):
    """A representative of one of the cluster's partnerships in its steering group."""

    __tablename__ = "steering_member"

    cluster_id: int = Field(foreign_key="cluster.id", primary_key=True, ondelete="CASCADE")
    stakeholder_id: int = Field(
        foreign_key="stakeholder.id", primary_key=True, index=True, ondelete="CASCADE"
    )


class ClusterCall(SQLModel, table=True):
    """A gap of the cluster (a need unmatched too long) broadcast to the owners of offers
    that fit it; their "I can help" becomes a match proposal."""

    __tablename__ = "cluster_call"
    __table_args__ = (sa.UniqueConstraint("cluster_id", "need_id", name="uq_cluster_call"),)

    id: int | None = Field(default=None, primary_key=True)
    cluster_id: int = Field(foreign_key="cluster.id", index=True, ondelete="CASCADE")
    need_id: int = Field(foreign_key="listing.id", ondelete="CASCADE")
    sent_by_id: int | None = Field(default=None, foreign_key="stakeholder.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class TreatyDeadline(SQLModel, table=True):
    """A State's deadline under the Convention, e.g. its Article 5 clearance deadline."""

    __tablename__ = "treaty_deadline"
    __table_args__ = (sa.UniqueConstraint("country", "article", name="uq_treaty_deadline"),)

    id: int | None = Field(default=None, primary_key=True)
    country: str = Field(max_length=2)
    article: str = Field(default="5", max_length=16)
    deadline: date
