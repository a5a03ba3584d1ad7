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


# The head before interaction_city carried its city's country.
BEFORE_LINK_COUNTRY = "4e8a2c6b9d17"


async def test_interaction_links_get_their_citys_country_and_keep_their_rows(fresh_url):  # noqa: F811
    await upgrade(fresh_url, BEFORE_LINK_COUNTRY)
    record = f"1, '{NOW}', '{NOW}'"
    await _execute(
        fresh_url,
        "INSERT INTO city (id, version, created_at, updated_at, name, alternate_names, "
        f"country_code, name_key, search_text) VALUES (1, {record}, 'Busan', '[]', 'KR', "
        f"'busan', 'busan'), (2, {record}, 'Atlantis', '[]', NULL, 'atlantis', 'atlantis')",
        "INSERT INTO interaction (id, version, created_at, updated_at, kind, occurred_on, title, "
        f"tags, contact_ids, city_ids, organization_ids, search_text) VALUES (1, {record}, "
        "'meeting', '2024-01-05', 'Port talks', '[]', '[]', '[1, 2]', '[]', 'port talks')",
        "INSERT INTO interaction_city (interaction_id, city_id, occurred_on, direct) VALUES "
        "(1, 1, '2024-01-05', true), (1, 2, '2024-01-05', true)",
    )

    await upgrade(fresh_url)
    assert await _execute(
        fresh_url, "SELECT city_id, country_code FROM interaction_city ORDER BY city_id"
    ) == [(1, "KR"), (2, None)]

    await downgrade(fresh_url, BEFORE_LINK_COUNTRY)
    assert await _execute(
        fresh_url, "SELECT interaction_id, city_id FROM interaction_city ORDER BY city_id"
    ) == [(1, 1), (1, 2)]
