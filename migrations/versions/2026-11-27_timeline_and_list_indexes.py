"""timeline and list indexes

Revision ID: c2d81736fd79
Revises: b4769e87c11a
Create Date: 2026-11-27 09:10:48.422600
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c2d81736fd79"
down_revision: str | None = "b4769e87c11a"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.create_index(
            "ix_contact_city_id_live",
            ["city_id"],
            unique=False,
            sqlite_where=sa.text("archived_at IS NULL"),
            postgresql_where=sa.text("archived_at IS NULL"),
        )

    with op.batch_alter_table("interaction", schema=None) as batch_op:
        batch_op.create_index(
            "ix_interaction_archived",
            ["id"],
            unique=False,
            sqlite_where=sa.text("archived_at IS NOT NULL"),
            postgresql_where=sa.text("archived_at IS NOT NULL"),
        )

    with op.batch_alter_table("interaction_city", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_interaction_city_city_id_occurred_on"))
        batch_op.create_index(
            "ix_interaction_city_timeline",
            ["city_id", "occurred_on", "interaction_id"],
            unique=False,
        )

    with op.batch_alter_table("interaction_contact", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_interaction_contact_contact_id_occurred_on"))
        batch_op.create_index(
            "ix_interaction_contact_timeline",
            ["contact_id", "occurred_on", "interaction_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("interaction_contact", schema=None) as batch_op:
        batch_op.drop_index("ix_interaction_contact_timeline")
        batch_op.create_index(
            batch_op.f("ix_interaction_contact_contact_id_occurred_on"),
            ["contact_id", "occurred_on"],
            unique=False,
        )

    with op.batch_alter_table("interaction_city", schema=None) as batch_op:
        batch_op.drop_index("ix_interaction_city_timeline")
        batch_op.create_index(
            batch_op.f("ix_interaction_city_city_id_occurred_on"),
            ["city_id", "occurred_on"],
            unique=False,
        )

    with op.batch_alter_table("interaction", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_interaction_archived",
            sqlite_where=sa.text("archived_at IS NOT NULL"),
            postgresql_where=sa.text("archived_at IS NOT NULL"),
        )

    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_contact_city_id_live",
            sqlite_where=sa.text("archived_at IS NULL"),
            postgresql_where=sa.text("archived_at IS NULL"),
        )
