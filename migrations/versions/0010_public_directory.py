"""the public web directory: contact points published with consent, and an index for its filters

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PUBLIC_COLUMNS = [
    "kind",
    "visibility",
    "verified",
    "status",
    "coverage",
    "country",
    "region",
    "available_until",
    "organisation_id",
    "assistance_type",
    "modality",
]


def upgrade() -> None:
    with op.batch_alter_table("contact_point") as batch:
        batch.add_column(
            sa.Column("published", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_index("ix_listing_public", "listing", PUBLIC_COLUMNS)


def downgrade() -> None:
    op.drop_index("ix_listing_public", table_name="listing")
    with op.batch_alter_table("contact_point") as batch:
        batch.drop_column("published")
