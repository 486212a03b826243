"""time away: a person's days away and an organisation's holidays

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("holiday_from", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("holiday_until", sa.Date(), nullable=True))

    with op.batch_alter_table("stakeholder", schema=None) as batch_op:
        batch_op.add_column(sa.Column("away_since", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("away_until", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("stakeholder", schema=None) as batch_op:
        batch_op.drop_column("away_until")
        batch_op.drop_column("away_since")

    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_column("holiday_until")
        batch_op.drop_column("holiday_from")
