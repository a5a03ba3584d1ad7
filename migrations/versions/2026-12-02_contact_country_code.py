"""contact country code

A contact keeps its city's country (``contact.country_code``, kept in step by the services),
with an index of live contacts by country in name order: a country's contacts list is one
index range instead of a walk of the whole name index. Backfilled from the contacts' cities.

Revision ID: 9d3b6f2a1c85
Revises: 6c2e9d1f4a70
Create Date: 2026-12-02 04:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9d3b6f2a1c85"
down_revision: str | None = "6c2e9d1f4a70"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("contact", sa.Column("country_code", sa.String(length=2), nullable=True))
    op.execute(
        "UPDATE contact SET country_code = "
        "(SELECT city.country_code FROM city WHERE city.id = contact.city_id) "
        "WHERE city_id IS NOT NULL"
    )
    op.create_index(
        "ix_contact_country_code_name_key_live",
        "contact",
        ["country_code", "name_key", "id"],
        unique=False,
        sqlite_where=sa.text("archived_at IS NULL"),
        postgresql_where=sa.text("archived_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index(
        "ix_contact_country_code_name_key_live",
        table_name="contact",
        sqlite_where=sa.text("archived_at IS NULL"),
        postgresql_where=sa.text("archived_at IS NULL"),
    )
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.drop_column("country_code")
