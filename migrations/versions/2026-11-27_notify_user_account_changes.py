"""notify user account changes

PostgreSQL only: a trigger sends NOTIFY user_account_changed (payload: the user's id, or
empty after a TRUNCATE) whenever a user_account row is inserted, updated or deleted, whoever
does it (the API, the CLI, another worker, psql). PostgreSQL delivers it when the transaction
commits, and not at all when it rolls back. Each app worker listens, and drops the user from
its in-memory cache of who a token belongs to, so a deactivated user is locked out at once.

Revision ID: 8b4f0e3a6c52
Revises: 5d1c2a7e9b31
Create Date: 2026-11-27 11:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "8b4f0e3a6c52"
down_revision: str | None = "5d1c2a7e9b31"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Must match app.auth.cache.CHANNEL.
CHANNEL = "user_account_changed"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        f"""
        CREATE FUNCTION notify_user_account_changed() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'TRUNCATE' THEN
                PERFORM pg_notify('{CHANNEL}', '');
            ELSIF TG_OP = 'DELETE' THEN
                PERFORM pg_notify('{CHANNEL}', OLD.id::text);
            ELSE
                PERFORM pg_notify('{CHANNEL}', NEW.id::text);
            END IF;
            RETURN NULL;
        END;
        $$
        """
    )
    op.execute(
        "CREATE TRIGGER user_account_changed AFTER INSERT OR UPDATE OR DELETE ON user_account "
        "FOR EACH ROW EXECUTE FUNCTION notify_user_account_changed()"
    )
    op.execute(
        "CREATE TRIGGER user_account_truncated AFTER TRUNCATE ON user_account "
        "FOR EACH STATEMENT EXECUTE FUNCTION notify_user_account_changed()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER user_account_truncated ON user_account")
    op.execute("DROP TRIGGER user_account_changed ON user_account")
    op.execute("DROP FUNCTION notify_user_account_changed()")
