"""A desk upgrades a database that holds its records: migrations that rebuild a table on
SQLite (batch mode) must not trip over the rows that point at it, up or down."""

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from tests.test_migrations import downgrade, fresh_url, upgrade  # noqa: F401  (fixture)

# The head before the token-revocation migration rebuilt user_account.
BEFORE_USER_REBUILD = "3a7f1c9d2e64"
NOW = "2026-11-30 09:00:00+00:00"


async def _execute(url: str, *statements: str) -> list[tuple]:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            result = None
            for statement in statements:
                result = await connection.execute(text(statement))
            return list(result.all()) if result is not None and result.returns_rows else []
    finally:
        await engine.dispose()


async def test_upgrade_and_downgrade_keep_the_rows_that_reference_users(fresh_url):  # noqa: F811
    await upgrade(fresh_url, BEFORE_USER_REBUILD)
    await _execute(
        fresh_url,
        "INSERT INTO user_account (id, version, created_at, updated_at, username, role, "
        f"is_active, password_hash, calendar_token) VALUES (1, 1, '{NOW}', '{NOW}', 'officer', "
        "'editor', true, 'x', 'feed-secret')",
        "INSERT INTO follow_up (id, version, created_at, updated_at, title, due_on, status, "
        f"assignee_id) VALUES (1, 1, '{NOW}', '{NOW}', 'Call Johannesburg', '2026-12-15', "
        "'open', 1)",
    )

    await upgrade(fresh_url)
    assert await _execute(
        fresh_url,
        "SELECT f.title, u.username, u.token_generation FROM follow_up f "
        "JOIN user_account u ON u.id = f.assignee_id",
    ) == [("Call Johannesburg", "officer", 0)]

    await downgrade(fresh_url, BEFORE_USER_REBUILD)
    assert await _execute(
        fresh_url,
        "SELECT f.title, u.username FROM follow_up f JOIN user_account u ON u.id = f.assignee_id",
    ) == [("Call Johannesburg", "officer")]
