import asyncio
import json

import httpx
import jwt
import pytest
from sqlalchemy import text

from app.config import Settings
from app.main import create_app
from tests.factories import make_city, make_contact
from tests.problems import PROBLEM_JSON, assert_problem

UNREACHABLE_URL = "postgresql+asyncpg://postgres@127.0.0.1:1/nowhere"
SECRET_SQL = "SELECT secret_column FROM no_such_table_xyz"


def _client(app, **kwargs) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://test", **kwargs)


@pytest.fixture
async def broken_app(app):
    """An app on the test database with two extra routes that fail unexpectedly."""
    application = create_app(app.state.settings)

    async def boom() -> dict:
        raise RuntimeError(f"kaboom while running {SECRET_SQL}")

    async def bad_sql() -> dict:
        async with application.state.database.engine.connect() as connection:
            await connection.execute(text(SECRET_SQL))
        return {}

    application.add_api_route("/api/v1/boom", boom, methods=["GET"])
    application.add_api_route("/api/v1/bad-sql", bad_sql, methods=["GET"])
    yield application
    await application.state.database.dispose()


@pytest.fixture
async def unreachable_app():
    settings = Settings(
        database_url=UNREACHABLE_URL,
        secret_key="x" * 40,
        _env_file=None,  # type: ignore[call-arg]
    )
    application = create_app(settings)
    yield application
    await application.state.database.dispose()


async def test_errors_of_every_kind_are_problem_json(client, anon, viewer):
    city = await make_city(client)
    await make_contact(client, email="taken@example.com")
    await client.patch(f"/api/v1/cities/{city['id']}", json={"region": "Texas"})
    cases = [
        (await anon.get("/api/v1/cities"), 401),
        (await viewer.post("/api/v1/cities", json={"name": "A", "country_code": "US"}), 403),
        (await client.get("/api/v1/cities/999999"), 404),
        (await client.get("/api/v1/no-such-thing"), 404),
        (await client.put(f"/api/v1/cities/{city['id']}", json={}), 405),
        (
            await client.post(
                "/api/v1/contacts", json={"full_name": "B", "email": "taken@example.com"}
            ),
            409,
        ),
        (
            await client.patch(
                f"/api/v1/cities/{city['id']}", json={"region": "X"}, headers={"If-Match": '"1"'}
            ),
            412,
        ),
        (await client.post("/api/v1/cities", json={"name": ""}), 422),
        (await client.get("/api/v1/cities", params={"limit": "many"}), 422),
        (await client.get("/api/v1/cities/not-a-number"), 404),  # no such address
        (
            await client.post(
                "/api/v1/cities", content=b"{not json", headers={"Content-Type": "application/json"}
            ),
            400,
        ),
    ]
    for response, status in cases:
        assert_problem(response, status)


async def test_validation_problems_list_each_error(client):
    response = await client.post("/api/v1/contacts", json={"full_name": "", "email": "bad"})
    body = assert_problem(response, 422)
    assert {e["pointer"] for e in body["errors"]} == {"/full_name", "/email"}
    assert all(e["detail"] for e in body["errors"])
    response = await client.get("/api/v1/cities", params={"limit": 0})
    body = assert_problem(response, 422)
    assert any(e.get("parameter") == "limit" for e in body["errors"])


async def test_unknown_ids_are_404(client):
    for collection in ("cities", "partnerships", "organizations", "contacts", "interactions"):
        for method, suffix in (("GET", ""), ("PATCH", ""), ("DELETE", ""), ("POST", "/restore")):
            kwargs = {"json": {}} if method == "PATCH" else {}
            response = await client.request(
                method, f"/api/v1/{collection}/999999{suffix}", **kwargs
            )
            body = assert_problem(response, 404)
            assert "999999" in body["detail"]
    assert_problem(await client.get("/api/v1/cities/999999/timeline"), 404)
    assert_problem(await client.get("/api/v1/contacts/999999/timeline"), 404)


async def test_unknown_routes_are_404_problems(client, anon):
    for api in (client, anon):
        assert_problem(await api.get("/api/v1/nothing-here"), 404)
        assert_problem(await api.post("/api/v1/cities/1/explode"), 404)
        page = await api.get("/not-the-api")  # the web app's: a page
        assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")


async def test_malformed_json_is_400(client):
    for raw in (b"{not json", b'{"name": "Busan",}', b"\xff\xfe"):
        response = await client.post(
            "/api/v1/cities", content=raw, headers={"Content-Type": "application/json"}
        )
        assert_problem(response, 400)
    city = await make_city(client)
    response = await client.patch(
        f"/api/v1/cities/{city['id']}",
        content=b'{"region": ',
        headers={"Content-Type": "application/json"},
    )
    assert_problem(response, 400)
    assert (await client.get("/api/v1/cities")).json()["total"] == 1


async def test_body_over_the_limit_is_413(client):
    limit = 1_048_576
    filler = "x" * limit
    body = json.dumps({"name": "Busan", "country_code": "KR", "notes": filler}).encode()
    response = await client.post(
        "/api/v1/cities", content=body, headers={"Content-Type": "application/json"}
    )
    assert_problem(response, 413)
    assert response.headers.get("x-request-id")

    async def stream():  # no Content-Length: the limit is enforced as the body arrives
        for start in range(0, len(body), 64 * 1024):
            yield body[start : start + 64 * 1024]

    response = await client.post(
        "/api/v1/cities", content=stream(), headers={"Content-Type": "application/json"}
    )
    assert_problem(response, 413)
    assert (await client.get("/api/v1/cities")).json()["total"] == 0

    # A body of exactly the limit (here padded with JSON whitespace) is processed normally.
    head = b'{"name": "Busan", "country_code": "KR"'
    padded = head + b" " * (limit - len(head) - 1) + b"}"
    assert len(padded) == limit
    response = await client.post(
        "/api/v1/cities", content=padded, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 201, response.text
    assert (await client.get("/api/v1/cities")).json()["total"] == 1


async def test_body_limit_follows_the_setting(app):
    settings = app.state.settings.model_copy(update={"max_body_bytes": 100})
    small_app = create_app(settings)
    try:
        async with _client(small_app) as api:
            response = await api.post("/api/v1/auth/token", data={"username": "u" * 200})
            assert_problem(response, 413)
            response = await api.post(
                "/api/v1/auth/token", data={"username": "nobody", "password": "x"}
            )
            assert response.status_code == 401
    finally:
        await small_app.state.database.dispose()


async def test_unexpected_exception_is_500_problem_without_internals(broken_app):
    async with _client(broken_app) as api:
        for path in ("/api/v1/boom", "/api/v1/bad-sql"):
            response = await api.get(path, headers={"X-Request-ID": "trace-me-123"})
            body = assert_problem(response, 500)
            assert body["request_id"] == "trace-me-123"
            assert response.headers["x-request-id"] == "trace-me-123"
            assert "trace-me-123" in body["detail"]
            for leak in ("Traceback", "kaboom", "no_such_table_xyz", "secret_column", "SELECT"):
                assert leak not in response.text, (path, leak)

            response = await api.get(path)
            body = assert_problem(response, 500)
            assert body["request_id"]
            assert response.headers["x-request-id"] == body["request_id"]


async def test_responses_carry_a_request_id(client, anon):
    seen = set()
    for response in (
        await anon.get("/api/v1/health"),
        await anon.get("/api/v1/cities"),
        await client.get("/api/v1/cities"),
        await client.get("/api/v1/cities/999999"),
        await client.get("/api/v1/nope"),
        await client.post("/api/v1/cities", json={}),
    ):
        request_id = response.headers.get("x-request-id")
        assert request_id, response.request.url
        seen.add(request_id)
    assert len(seen) == 6  # a fresh id for each request

    response = await client.get("/api/v1/cities", headers={"X-Request-ID": "abc-123"})
    assert response.headers["x-request-id"] == "abc-123"
    response = await client.get("/api/v1/cities", headers={"X-Request-ID": "z" * 500})
    assert response.headers["x-request-id"] not in ("", "z" * 500)


async def test_health_is_ok_without_a_token(anon):
    response = await anon.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


async def test_health_reports_an_unreachable_database(unreachable_app):
    async with _client(unreachable_app) as api:
        response = await api.get("/api/v1/health")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"
    assert response.json()["status"] != "ok"


async def test_unreachable_database_gives_503_problem_with_request_id(unreachable_app):
    token = jwt.encode({"sub": "1", "exp": 4_102_444_800}, "x" * 40, algorithm="HS256")
    async with _client(unreachable_app) as api:
        responses = [
            await api.get("/api/v1/cities", headers={"Authorization": f"Bearer {token}"}),
            await api.post("/api/v1/auth/token", data={"username": "a", "password": "b"}),
        ]
    for response in responses:
        body = assert_problem(response, 503)
        assert "127.0.0.1" not in response.text and "nowhere" not in response.text
        assert body["request_id"]
        assert response.headers.get("x-request-id") == body["request_id"]


async def test_concurrent_patches_with_the_same_etag_never_both_win(client):
    for round_ in range(3):
        contact = await make_contact(client, full_name=f"Race {round_}")
        path = f"/api/v1/contacts/{contact['id']}"
        etag = (await client.get(path)).headers["etag"]
        first, second = await asyncio.gather(
            client.patch(path, json={"position": "First"}, headers={"If-Match": etag}),
            client.patch(path, json={"position": "Second"}, headers={"If-Match": etag}),
        )
        statuses = sorted([first.status_code, second.status_code])
        assert statuses in ([200, 409], [200, 412]), (first.text, second.text)
        loser = first if first.status_code != 200 else second
        assert loser.headers["content-type"] == PROBLEM_JSON
        winner = first if first.status_code == 200 else second
        read = (await client.get(path)).json()
        assert read["version"] == 2
        assert read["position"] == winner.json()["position"]


async def test_no_free_connection_gives_503_problem_not_500(app, database, backend):
    """A worker with every pooled connection busy answers 503 (try again) once its wait for
    one runs out."""
    if backend != "postgresql":
        pytest.skip("the pool settings are PostgreSQL's")
    settings = Settings(
        database_url=database.url,
        secret_key="x" * 40,
        database_pool_size=1,
        database_pool_timeout=0.2,
        _env_file=None,  # type: ignore[call-arg]
    )
    application = create_app(settings)
    token = jwt.encode({"sub": "1", "exp": 4_102_444_800}, "x" * 40, algorithm="HS256")
    try:
        async with application.state.database.engine.connect() as busy:
            await busy.execute(text("SELECT 1"))  # holds the only connection
            async with _client(application) as api:
                response = await api.get(
                    "/api/v1/cities", headers={"Authorization": f"Bearer {token}"}
                )
        body = assert_problem(response, 503)
        assert response.headers["retry-after"] == "5"
        assert "busy" in body["detail"] and "QueuePool" not in response.text
        async with _client(application) as api:  # and serves again once one is free
            response = await api.get("/api/v1/cities", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200, response.text
    finally:
        await application.state.database.dispose()
