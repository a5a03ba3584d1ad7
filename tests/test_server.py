"""The server ``crm serve`` runs, over a real socket: request headers are capped and must
arrive in time, and the access log never shows a calendar feed's secret."""

import asyncio
import logging
from collections.abc import AsyncIterator

import httpx
import pytest
import uvicorn

from app.config import get_settings
from app.server import uvicorn_options
from tests.problems import assert_problem

MAX_HEADER_BYTES = 8192


@pytest.fixture
async def server(app, monkeypatch) -> AsyncIterator[tuple[str, int]]:
    monkeypatch.setenv("CRM_SECRET_KEY", app.state.settings.secret_key)
    monkeypatch.setenv("CRM_MAX_HEADER_BYTES", str(MAX_HEADER_BYTES))
    monkeypatch.setenv("CRM_HEADER_TIMEOUT", "0.5")
    get_settings.cache_clear()
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=0,
        lifespan="off",  # the app fixture runs its lifespan already
        log_level="info",
        **uvicorn_options(get_settings()),
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield "127.0.0.1", port
    finally:
        server.should_exit = True
        await task
        get_settings.cache_clear()


async def _exchange(address: tuple[str, int], *chunks: bytes, pause: float = 0.0) -> bytes:
    """Sends ``chunks`` (pausing between them) and returns what the server answered before
    it closed (or 3 s passed)."""
    reader, writer = await asyncio.open_connection(*address)
    answer = bytearray()

    async def read_all() -> None:
        try:
            while chunk := await reader.read(65536):
                answer.extend(chunk)
        except ConnectionError:
            pass  # reset after answering: keep what came

    reading = asyncio.create_task(read_all())
    try:
        for chunk in chunks:
            try:
                writer.write(chunk)
                await writer.drain()
            except ConnectionError:
                break  # the server stopped reading
            await asyncio.sleep(pause)
        await asyncio.wait_for(reading, timeout=3)
        return bytes(answer)
    finally:
        writer.close()


async def test_headers_over_the_limit_get_431_and_a_closed_connection(server, anon):
    ok = await _exchange(
        server, b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    assert ok.startswith(b"HTTP/1.1 200")
    big = b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (MAX_HEADER_BYTES * 2)
    answer = await _exchange(server, big + b"\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 431"), answer[:100]
    assert b"application/problem+json" in answer
    # A header of megabytes is cut off early: the server does not wait to read it all.
    huge = [b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Big: "] + [b"a" * 65536] * 512
    answer = await _exchange(server, *huge)
    assert answer.startswith(b"HTTP/1.1 431"), answer[:100]


async def test_headers_that_arrive_too_slowly_close_the_connection(server, anon):
    started = asyncio.get_running_loop().time()
    answer = await _exchange(
        server, b"GET /api/v1/health HTTP/1.1\r\n", *[b"X-Slow: 1\r\n"] * 20, pause=0.1
    )
    assert answer.startswith(b"HTTP/1.1 408"), answer[:100]
    assert asyncio.get_running_loop().time() - started < 2.5


async def test_the_access_log_does_not_show_the_feed_secret(server, client, caplog):
    token = (await client.post("/api/v1/users/me/calendar-token")).json()["token"]
    caplog.set_level(logging.INFO, logger="uvicorn.access")
    async with httpx.AsyncClient(base_url=f"http://{server[0]}:{server[1]}") as real:
        response = await real.get(f"/api/v1/calendar/{token}.ics")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    logged = [record.getMessage() for record in caplog.records if record.name == "uvicorn.access"]
    assert any("/api/v1/calendar/(redacted).ics" in line for line in logged), logged
    assert not any(token in line for line in logged)


async def test_the_app_itself_refuses_oversized_headers(client):
    limit = client._transport.app.state.settings.max_header_bytes  # type: ignore[attr-defined]
    response = await client.get("/api/v1/cities", headers={"X-Big": "a" * limit})
    body = assert_problem(response, 431)
    assert str(limit) in body["detail"]
    assert (await client.get("/api/v1/cities", headers={"X-Fine": "a" * 1000})).status_code == 200


async def test_api_answers_are_never_stored_by_caches(client, anon):
    city = (
        await client.post("/api/v1/cities", json={"name": "Busan", "country_code": "KR"})
    ).json()
    for response in (
        await client.get("/api/v1/cities"),
        await client.get(f"/api/v1/cities/{city['id']}"),
        await client.get("/api/v1/users/me"),
        await client.get("/api/v1/cities/999999"),  # errors too
        await anon.get("/api/v1/cities"),
        await anon.post("/api/v1/auth/token", data={"username": "x", "password": "y"}),
    ):
        assert response.headers["cache-control"] == "no-store", response.request.url
    for path in ("/api/v1/health", "/openapi.json"):
        assert "no-store" not in (await anon.get(path)).headers.get("cache-control", ""), path
