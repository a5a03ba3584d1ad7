"""A database that restarts, or drops the app's connections, gets answers of 503 (with
Retry-After) or 200 while it comes back: never a 500."""

import asyncio

import asyncpg
import httpx
import pytest

from app.config import Settings
from app.main import create_app
from tests.conftest import _asyncpg_dsn, _authed

TERMINATE = (
    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
)


async def _terminate_connections(database) -> int:
    """Ends every connection of the app to its database, as a server restart would."""
    connection = await asyncpg.connect(_asyncpg_dsn(database.url))
    try:
        return await connection.fetchval(TERMINATE)
    finally:
        await connection.close()


def _check(response, allowed=(200, 201)) -> None:
    assert response.status_code in (*allowed, 503), (response.status_code, response.text)
    if response.status_code == 503:
        if response.request.url.path != "/api/v1/health":  # which says so in its own words
            assert response.headers["content-type"] == "application/problem+json"
        assert int(response.headers["retry-after"]) >= 1


async def test_dropped_connections_answer_503_or_200_never_500(client, database, backend):
    if backend != "postgresql":
        pytest.skip("SQLite has no connections to drop")
    city = (
        await client.post("/api/v1/cities", json={"name": "Busan", "country_code": "KR"})
    ).json()
    for round_ in range(3):
        # Every pooled connection has been used, then all of them die at once.
        await asyncio.gather(*(client.get("/api/v1/cities") for _ in range(10)))
        assert await _terminate_connections(database) >= 1
        responses = await asyncio.gather(
            client.get("/api/v1/cities"),
            client.get(f"/api/v1/cities/{city['id']}"),
            client.get("/api/v1/search", params={"q": "busan"}),
            client.patch(f"/api/v1/cities/{city['id']}", json={"notes": f"round {round_}"}),
            client.post("/api/v1/cities", json={"name": f"Town {round_}", "country_code": "KR"}),
            client.get("/api/v1/users/me"),
            client.get("/api/v1/health"),
        )
        for response in responses:
            _check(response)
        # And it recovers by itself.
        for path in ("/api/v1/cities", f"/api/v1/cities/{city['id']}", "/api/v1/health"):
            assert (await client.get(path)).status_code == 200, path


async def test_connections_dropped_mid_request_answer_503_or_200_never_500(
    app, tokens, anon, database, backend
):
    if backend != "postgresql":
        pytest.skip("SQLite has no connections to drop")
    # The server answers (503) and then reports the error to whoever runs it: here, the test.
    async with _authed(app, tokens["editor"], raise_app_exceptions=False) as client:
        await _drop_connections_under_load(client, database)


async def _drop_connections_under_load(client, database) -> None:
    city = (
        await client.post("/api/v1/cities", json={"name": "Busan", "country_code": "KR"})
    ).json()
    statuses = []
    for round_ in range(5):
        requests = [
            *(client.get("/api/v1/cities") for _ in range(8)),
            *(client.get(f"/api/v1/cities/{city['id']}") for _ in range(8)),
            *(
                client.post("/api/v1/cities", json={"name": f"T{round_}-{i}", "country_code": "KR"})
                for i in range(4)
            ),
            client.get("/api/v1/contacts/export", params={"format": "csv"}),
        ]
        responses, _ = await asyncio.gather(
            asyncio.gather(*requests), _terminate_after(database, 0.005 * round_)
        )
        for response in responses:
            _check(response)
        statuses += [response.status_code for response in responses]
    assert 503 in statuses  # connections really were lost under the requests
    for path in ("/api/v1/cities", f"/api/v1/cities/{city['id']}", "/api/v1/health"):
        assert (await client.get(path)).status_code == 200, path


async def _terminate_after(database, seconds: float) -> None:
    await asyncio.sleep(seconds)
    await _terminate_connections(database)


async def test_health_says_when_to_ask_again_while_the_database_is_down():
    settings = Settings(
        database_url="postgresql+asyncpg://nobody@127.0.0.1:1/none",
        secret_key="x" * 40,
        _env_file=None,  # type: ignore[call-arg]
    )
    app = create_app(settings)
    # The server answers (503) and then reports the error to whoever runs it.
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            response = await client.get("/api/v1/health")
            login = await client.post("/api/v1/auth/token", data={"username": "a", "password": "b"})
    finally:
        await app.state.database.dispose()
    assert response.status_code == 503 and response.headers["retry-after"] == "5"
    # Login counts its attempts in the database: unavailable too, not a 500.
    assert login.status_code == 503 and login.headers["retry-after"] == "5"
