"""engagement report indexes

The engagement report reads a period from indexes alone: ``interaction_city`` and
``interaction_organization`` by (occurred_on, city or organization, interaction), so a year's
links are one index-only range each (the few archived interactions are left out by their own
partial index), and the live interactions by (occurred_on, kind, id), so the counts per kind,
per month and of organization meetings never read the interaction table (archived_at, null
throughout, is in it so that SQLite sees it covering and prefers it to the plain date index).

Revision ID: 4e8a2c6b9d17
Revises: 9d3b6f2a1c85
Create Date: 2026-12-02 06:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "4e8a2c6b9d17"
down_revision: str | None = "9d3b6f2a1c85"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_interaction_city_period",
        "interaction_city",
        ["occurred_on", "city_id", "interaction_id"],
        unique=False,
    )
    op.create_index(
        "ix_interaction_organization_period",
        "interaction_organization",
        ["occurred_on", "organization_id", "interaction_id"],
        unique=False,
    )
    op.create_index(
        "ix_interaction_occurred_on_live",
        "interaction",
        ["occurred_on", "kind", "id", "archived_at"],
        unique=False,
        sqlite_where=sa.text("archived_at IS NULL"),
        postgresql_where=sa.text("archived_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index(
        "ix_interaction_occurred_on_live",
        table_name="interaction",
        sqlite_where=sa.text("archived_at IS NULL"),
        postgresql_where=sa.text("archived_at IS NULL"),
    )
    op.drop_index("ix_interaction_organization_period", table_name="interaction_organization")
    op.drop_index("ix_interaction_city_period", table_name="interaction_city")
