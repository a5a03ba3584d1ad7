"""HTTP semantics every route shares: conditional reads, HEAD, 405 with Allow, gzip, CORS."""

import gzip
import io

import httpx
import openpyxl
import pytest

from app.config import Settings
from app.main import create_app
from tests.factories import make_city, make_contact
from tests.problems import assert_problem


async def test_if_none_match_answers_304_while_the_record_is_unchanged(client) -> None:
    city = await make_city(client)
    url = f"/api/v1/cities/{city['id']}"
    first = await client.get(url)
    etag = first.headers["etag"]

    for held in (etag, f"W/{etag}", f'"999", {etag}', "*"):
        unchanged = await client.get(url, headers={"If-None-Match": held})
        assert unchanged.status_code == 304, held
        assert unchanged.content == b""
        assert unchanged.headers["etag"] == etag
        assert "content-type" not in unchanged.headers

    changed = await client.patch(url, json={"region": "Texas"})
    assert changed.status_code == 200
    fresh = await client.get(url, headers={"If-None-Match": etag})
    assert fresh.status_code == 200 and fresh.json()["region"] == "Texas"
    assert fresh.headers["etag"] != etag
    # A write is never skipped by If-None-Match.
    archived = await client.delete(url, headers={"If-None-Match": fresh.headers["etag"]})
    assert archived.status_code == 200


async def test_if_none_match_on_every_single_record_route(client) -> None:
    contact = await make_contact(client)
    me = await client.get("/api/v1/users/me")
    for url, etag in (
        (
            f"/api/v1/contacts/{contact['id']}",
            (await client.get(f"/api/v1/contacts/{contact['id']}")).headers["etag"],
        ),
        ("/api/v1/users/me", me.headers["etag"]),
    ):
        assert (await client.get(url, headers={"If-None-Match": etag})).status_code == 304


async def test_head_works_wherever_get_does(client) -> None:
    city = await make_city(client)
    for url in (
        f"/api/v1/cities/{city['id']}",
        "/api/v1/cities",
        "/api/v1/health",
        "/openapi.json",
    ):
        got = await client.get(url)
        head = await client.head(url)
        assert head.status_code == 200, url
        assert head.content == b""
        assert head.headers["content-type"] == got.headers["content-type"]
        assert head.headers.get("etag") == got.headers.get("etag")
    missing = await client.head("/api/v1/cities/99999")
    assert missing.status_code == 404 and missing.content == b""


async def test_405_names_every_method_of_the_path(client) -> None:
    city = await make_city(client)
    cases = {
        f"/api/v1/cities/{city['id']}": ("PUT", "GET, HEAD, PATCH, DELETE"),
        "/api/v1/cities": ("DELETE", "GET, HEAD, POST"),
        "/api/v1/contacts/export": ("PATCH", "GET"),
        f"/api/v1/cities/{city['id']}/restore": ("GET", "POST"),
        "/api/v1/users/me": ("PATCH", "GET, HEAD"),
        "/api/v1/events/1/invitations/bulk": ("PATCH", "POST"),
    }
    for url, (method, allowed) in cases.items():
        response = await client.request(method, url)
        body = assert_problem(response, 405)
        assert response.headers["allow"] == allowed, url
        assert method in body["detail"]
    options = await client.options("/api/v1/cities")
    assert options.status_code == 405 and options.headers["allow"] == "GET, HEAD, POST"


async def test_large_json_is_gzipped_small_answers_are_not(client) -> None:
    for n in range(8):
        await make_city(client, name=f"Houston {n}", notes="Sister city since 1961. " * 4)
    big = await client.get("/api/v1/cities", params={"limit": 200})
    assert big.status_code == 200 and len(big.content) > 1024
    assert big.headers["content-encoding"] == "gzip"
    assert len(big.json()["items"]) == 8
    small = await client.get("/api/v1/health")
    assert "content-encoding" not in small.headers
    plain = await client.get("/api/v1/cities", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.json()["total"] == 8


async def test_streamed_exports_survive_compression(client) -> None:
    for n in range(60):
        await make_contact(client, full_name=f"Contact {n:02}", email=f"c{n}@example.org")
    csv = await client.get("/api/v1/contacts/export", params={"format": "csv"})
    assert csv.status_code == 200 and csv.headers["content-encoding"] == "gzip"
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 61 and "Contact 59" in csv.text
    # What travels on the wire is a real gzip stream of that same CSV.
    async with client.stream("GET", "/api/v1/contacts/export", params={"format": "csv"}) as raw:
        wire = b"".join([chunk async for chunk in raw.aiter_raw()])
    assert gzip.decompress(wire) == csv.content
    xlsx = await client.get("/api/v1/contacts/export", params={"format": "xlsx"})
    assert "content-encoding" not in xlsx.headers  # a zip file already
    assert openpyxl.load_workbook(io.BytesIO(xlsx.content)).active.max_row == 61


async def test_cors_is_off_by_default(client) -> None:
    preflight = await client.options(
        "/api/v1/cities",
        headers={"Origin": "https://desk.example.org", "Access-Control-Request-Method": "GET"},
    )
    assert "access-control-allow-origin" not in preflight.headers
    simple = await client.get("/api/v1/cities", headers={"Origin": "https://desk.example.org"})
    assert simple.status_code == 200
    assert "access-control-allow-origin" not in simple.headers


async def test_cors_for_the_configured_origins(database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRM_CORS_ORIGINS", "https://desk.example.org, https://intranet.example/")
    settings = Settings(
        database_url=database.url,
        secret_key="test-secret-key-that-is-long-enough-for-hs256",
        load_demo=False,
        _env_file=None,  # type: ignore[call-arg]
    )
    assert settings.cors_origins == ["https://desk.example.org", "https://intranet.example"]
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as web:
        allowed = await web.options(
            "/api/v1/cities",
            headers={
                "Origin": "https://desk.example.org",
                "Access-Control-Request-Method": "PATCH",
                "Access-Control-Request-Headers": "authorization, if-match",
            },
        )
        assert allowed.status_code == 200
        assert allowed.headers["access-control-allow-origin"] == "https://desk.example.org"
        assert "PATCH" in allowed.headers["access-control-allow-methods"]
        other = await web.options(
            "/api/v1/cities",
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"},
        )
        assert "access-control-allow-origin" not in other.headers
        health = await web.get("/api/v1/health", headers={"Origin": "https://intranet.example"})
        assert health.headers["access-control-allow-origin"] == "https://intranet.example"
        assert "ETag" in health.headers["access-control-expose-headers"]
    await app.state.database.dispose()
