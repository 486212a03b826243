"""visits of the public web platform, counted per day, type of information and filter

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "web_visit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("filter_name", sa.String(length=24), nullable=False),
        sa.Column("filter_value", sa.String(length=48), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("day", "kind", "filter_name", "filter_value", name="uq_web_visit"),
    )
    op.create_index("ix_web_visit_day", "web_visit", ["day"])


def downgrade() -> None:
    op.drop_index("ix_web_visit_day", table_name="web_visit")
    op.drop_table("web_visit")
