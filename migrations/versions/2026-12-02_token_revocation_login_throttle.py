"""token revocation, login throttle, hashed calendar tokens

- ``user_account.token_generation``: carried in every token; raising it ends the user's
  earlier tokens (password change, deactivation, logout, an admin's sign-out).
- ``login_attempt``: the login throttle's count, in the database so every worker and host
  shares it; rows live a minute.
- ``user_account.calendar_token`` becomes ``calendar_token_hash`` (SHA-256, hex): existing
  feed addresses keep working, but can no longer be shown again.

Revision ID: 6c2e9d1f4a70
Revises: 3a7f1c9d2e64
Create Date: 2026-12-02 01:30:00
"""

import hashlib
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "6c2e9d1f4a70"
down_revision: str | None = "3a7f1c9d2e64"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

users = sa.table(
    "user_account",
    sa.column("id", sa.Integer()),
    sa.column("calendar_token", sa.String()),
    sa.column("calendar_token_hash", sa.String()),
)


def upgrade() -> None:
    op.create_table(
        "login_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("address", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_attempt")),
    )
    with op.batch_alter_table("login_attempt", schema=None) as batch_op:
        batch_op.create_index(
            "ix_login_attempt_address_attempted_at", ["address", "attempted_at"], unique=False
        )
        batch_op.create_index("ix_login_attempt_attempted_at", ["attempted_at"], unique=False)

    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("token_generation", sa.Integer(), server_default=sa.text("0"), nullable=False)
        )
        batch_op.add_column(
            sa.Column(
                "calendar_token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True
            )
        )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(users.c.id, users.c.calendar_token).where(users.c.calendar_token.is_not(None))
    ).all()
    for user_id, token in rows:
        connection.execute(
            users.update()
            .where(users.c.id == user_id)
            .values(calendar_token_hash=hashlib.sha256(token.encode()).hexdigest())
        )
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_constraint("uq_user_account_calendar_token", type_="unique")
        batch_op.drop_column("calendar_token")
        batch_op.create_unique_constraint(
            "uq_user_account_calendar_token_hash", ["calendar_token_hash"]
        )


def downgrade() -> None:
    # A hash cannot be turned back into its secret: the feeds must be made again.
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_constraint("uq_user_account_calendar_token_hash", type_="unique")
        batch_op.drop_column("calendar_token_hash")
        batch_op.add_column(
            sa.Column("calendar_token", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
        batch_op.create_unique_constraint("uq_user_account_calendar_token", ["calendar_token"])
        batch_op.drop_column("token_generation")

    with op.batch_alter_table("login_attempt", schema=None) as batch_op:
        batch_op.drop_index("ix_login_attempt_attempted_at")
        batch_op.drop_index("ix_login_attempt_address_attempted_at")
    op.drop_table("login_attempt")
