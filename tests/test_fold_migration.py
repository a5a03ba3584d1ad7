"""The migration that folds Chinese scripts recomputes the folded names already stored."""

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from tests.test_migrations import downgrade, fresh_url, upgrade  # noqa: F401  (fixture)

BEFORE = "8b4f0e3a6c52"
FENCE = "\x1f"


async def _execute(url: str, sql: str, **params) -> list:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            result = await connection.execute(text(sql), params)
            return result.all() if result.returns_rows else []
    finally:
        await engine.dispose()


async def test_folded_names_are_recomputed_both_ways(fresh_url):  # noqa: F811
    await upgrade(fresh_url, BEFORE)
    await _execute(
        fresh_url,
        "INSERT INTO city (name, alternate_names, country_code, name_key, search_text, version,"
        " created_at, updated_at) VALUES ('臺中', '[\"Taichung\"]', 'TW', '臺中', :old, 1,"
        " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
        old=f"臺中\ntaichung\n{FENCE}臺中{FENCE}ta{FENCE}",
    )
    await _execute(
        fresh_url,
        "INSERT INTO event (name, name_key, version, created_at, updated_at)"
        " VALUES ('國際論壇', '國際論壇', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
    )
    await upgrade(fresh_url)
    [(name_key, search)] = await _execute(fresh_url, "SELECT name_key, search_text FROM city")
    assert name_key == "台中"
    assert search.split("\n")[:2] == ["台中", "taichung"]
    assert f"{FENCE}台中{FENCE}" in search and "臺" not in search
    assert await _execute(fresh_url, "SELECT name_key FROM event") == [("国际论坛",)]

    await downgrade(fresh_url, BEFORE)
    [(name_key, search)] = await _execute(fresh_url, "SELECT name_key, search_text FROM city")
    assert name_key == "臺中" and search.startswith("臺中\ntaichung\n")
