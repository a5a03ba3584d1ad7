"""interaction city country

An interaction's city links keep the city's country (``interaction_city.country_code``, kept
in step by the services, as ``contact.country_code`` is), and the period index carries it:
``(occurred_on, country_code, interaction_id, city_id)``. A period's interactions per country
are then one index-only range in which the links of one interaction to one country are
neighbours (they share its date), counted without a join to ``city`` or a sort; the cities
reached are read from the same range. Backfilled from the links' cities.

Revision ID: 7b1d4e9c3a58
Revises: 4e8a2c6b9d17
Create Date: 2026-12-02 10:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7b1d4e9c3a58"
down_revision: str | None = "4e8a2c6b9d17"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The period index is rebuilt anyway: dropped first, the backfill does not maintain it.
    op.drop_index("ix_interaction_city_period", table_name="interaction_city")
    op.add_column("interaction_city", sa.Column("country_code", sa.String(length=2), nullable=True))
    op.execute(
        "UPDATE interaction_city SET country_code = "
        "(SELECT city.country_code FROM city WHERE city.id = interaction_city.city_id) "
        "WHERE city_id IN (SELECT id FROM city WHERE country_code IS NOT NULL)"
    )
    op.create_index(
        "ix_interaction_city_period",
        "interaction_city",
        ["occurred_on", "country_code", "interaction_id", "city_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_interaction_city_period", table_name="interaction_city")
    with op.batch_alter_table("interaction_city", schema=None) as batch_op:
        batch_op.drop_column("country_code")
    op.create_index(
        "ix_interaction_city_period",
        "interaction_city",
        ["occurred_on", "city_id", "interaction_id"],
        unique=False,
    )
