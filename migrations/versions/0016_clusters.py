"""clusters, steering groups, calls, treaty deadlines, national counterparts

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import core.types

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "treaty_deadline",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("country", sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
        sa.Column("article", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("country", "article", name="uq_treaty_deadline"),
    )
    op.create_table(
        "cluster",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("area", sa.String(length=48), nullable=True),
        sa.Column("region", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", core.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["stakeholder.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "cluster_call",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=False),
        sa.Column("sent_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", core.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["cluster_id"], ["cluster.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["need_id"], ["listing.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["sent_by_id"], ["stakeholder.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("cluster_id", "need_id", name="uq_cluster_call"),
    )
    with op.batch_alter_table("cluster_call", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cluster_call_cluster_id"), ["cluster_id"], unique=False
        )

    op.create_table(
        "steering_member",
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("stakeholder_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["cluster_id"], ["cluster.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["stakeholder_id"], ["stakeholder.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("cluster_id", "stakeholder_id"),
    )
    with op.batch_alter_table("steering_member", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_steering_member_stakeholder_id"), ["stakeholder_id"], unique=False
        )

    op.create_table(
        "cluster_partnership",
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["cluster_id"], ["cluster.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["partnership_id"], ["partnership.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("cluster_id", "partnership_id"),
    )
    with op.batch_alter_table("cluster_partnership", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cluster_partnership_partnership_id"), ["partnership_id"], unique=False
        )

    with op.batch_alter_table("objective", schema=None) as batch_op:
        batch_op.add_column(sa.Column("treaty_deadline_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_objective_treaty_deadline",
            "treaty_deadline",
            ["treaty_deadline_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("partnership", schema=None) as batch_op:
        batch_op.add_column(sa.Column("national_counterpart_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "national_plan",
                sqlmodel.sql.sqltypes.AutoString(length=300),
                nullable=False,
                server_default="",
            )
        )
        batch_op.add_column(
            sa.Column(
                "national_contribution",
                sqlmodel.sql.sqltypes.AutoString(length=500),
                nullable=False,
                server_default="",
            )
        )
        batch_op.create_foreign_key(
            "fk_partnership_national_counterpart",
            "organisation",
            ["national_counterpart_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("partnership", schema=None) as batch_op:
        batch_op.drop_constraint("fk_partnership_national_counterpart", type_="foreignkey")
        batch_op.drop_column("national_contribution")
        batch_op.drop_column("national_plan")
        batch_op.drop_column("national_counterpart_id")

    with op.batch_alter_table("objective", schema=None) as batch_op:
        batch_op.drop_constraint("fk_objective_treaty_deadline", type_="foreignkey")
        batch_op.drop_column("treaty_deadline_id")

    with op.batch_alter_table("cluster_partnership", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cluster_partnership_partnership_id"))

    op.drop_table("cluster_partnership")
    with op.batch_alter_table("steering_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_steering_member_stakeholder_id"))

    op.drop_table("steering_member")
    with op.batch_alter_table("cluster_call", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cluster_call_cluster_id"))

    op.drop_table("cluster_call")
    op.drop_table("cluster")
    op.drop_table("treaty_deadline")
