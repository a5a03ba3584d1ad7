"""Ending tokens: a password change, deactivation, logout and an admin's sign-out end a
user's existing tokens at once, on this worker and on every other one."""

import asyncio
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from app import cli
from app.config import Settings, get_settings
from app.main import create_app
from tests.factories import make_user
from tests.problems import assert_field_error, assert_problem

USERS = "/api/v1/users"
CITIES = "/api/v1/cities"


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def _token(anon, username: str, password: str = "s3cret-pass") -> str:
    response = await anon.post(
        "/api/v1/auth/token", data={"username": username, "password": password}
    )
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


async def _status(client, token: str) -> int:
    return (await client.get(CITIES, headers=_bearer(token))).status_code


async def test_logout_ends_every_token_of_the_user_and_no_one_elses(admin, anon):
    await make_user(admin, "traveller")
    laptop, phone = await _token(anon, "traveller"), await _token(anon, "traveller")
    other = await _token(anon, "viewer", "correct-horse-battery")
    assert await _status(anon, laptop) == await _status(anon, phone) == 200

    response = await anon.post("/api/v1/auth/logout", headers=_bearer(laptop))
    assert response.status_code == 204, response.text
    for token in (laptop, phone):
        response = await anon.get(CITIES, headers=_bearer(token))
        body = assert_problem(response, 401)
        assert "revoked" in body["detail"]
    assert await _status(anon, other) == 200
    # Logging in again gives a token that works; logging out again needs one.
    assert await _status(anon, await _token(anon, "traveller")) == 200
    assert (await anon.post("/api/v1/auth/logout", headers=_bearer(laptop))).status_code == 401
    assert (await anon.post("/api/v1/auth/logout")).status_code == 401


async def test_an_admin_signs_a_user_out_everywhere(admin, client, anon):
    user = await make_user(admin, "lost-laptop")
    token = await _token(anon, "lost-laptop")
    assert (await client.post(f"{USERS}/{user['id']}/sign-out")).status_code == 403
    assert await _status(anon, token) == 200

    response = await admin.post(f"{USERS}/{user['id']}/sign-out")
    assert response.status_code == 204, response.text
    assert await _status(anon, token) == 401
    assert await _status(anon, await _token(anon, "lost-laptop")) == 200
    assert_problem(await admin.post(f"{USERS}/999999/sign-out"), 404)
    audit = await admin.get("/api/v1/audit", params={"entity": "user", "entity_id": user["id"]})
    assert [entry["actor"] for entry in audit.json()["items"]][:1] == ["admin"]


async def test_a_new_password_from_an_admin_ends_the_users_tokens(admin, anon):
    user = await make_user(admin, "forgetful")
    token = await _token(anon, "forgetful")
    response = await admin.patch(f"{USERS}/{user['id']}", json={"password": "fresh-password-1"})
    assert response.status_code == 200, response.text
    assert await _status(anon, token) == 401
    # A change of role only is no revocation.
    token = await _token(anon, "forgetful", "fresh-password-1")
    response = await admin.patch(f"{USERS}/{user['id']}", json={"role": "viewer"})
    assert response.status_code == 200, response.text
    assert await _status(anon, token) == 200


async def test_users_change_their_own_password(admin, anon):
    await make_user(admin, "careful", password="old-password-1")
    token = await _token(anon, "careful", "old-password-1")
    other_device = await _token(anon, "careful", "old-password-1")
    path = f"{USERS}/me/password"
    headers = _bearer(token)

    wrong = await anon.post(
        path,
        json={"old_password": "not-it-at-all", "new_password": "new-password-1"},
        headers=headers,
    )
    assert "not your current password" in assert_field_error(wrong, "old_password")["detail"]
    same = await anon.post(
        path,
        json={"old_password": "old-password-1", "new_password": "old-password-1"},
        headers=headers,
    )
    assert "differ" in assert_field_error(same, "new_password")["detail"]
    missing = await anon.post(path, json={"new_password": "new-password-1"}, headers=headers)
    assert_field_error(missing, "old_password")
    short = await anon.post(
        path, json={"old_password": "old-password-1", "new_password": "short"}, headers=headers
    )
    assert_field_error(short, "new_password")
    assert (
        await anon.post(path, json={"old_password": "x", "new_password": "y" * 9})
    ).status_code == 401
    assert await _status(anon, token) == 200  # nothing was refused into a change

    response = await anon.post(
        path,
        json={"old_password": "old-password-1", "new_password": "new-password-1"},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    fresh = response.json()["access_token"]
    assert await _status(anon, fresh) == 200
    assert await _status(anon, token) == await _status(anon, other_device) == 401
    refused = await anon.post(
        "/api/v1/auth/token", data={"username": "careful", "password": "old-password-1"}
    )
    assert refused.status_code == 401
    assert await _status(anon, await _token(anon, "careful", "new-password-1")) == 200
    audit = (await admin.get("/api/v1/audit", params={"entity": "user"})).text
    assert "new-password-1" not in audit and "$argon2" not in audit


@pytest.fixture
async def other_worker(app):
    """A second worker process's app on the same database, with caches of its own."""
    settings: Settings = app.state.settings
    worker = create_app(settings)
    async with worker.router.lifespan_context(worker):
        transport = httpx.ASGITransport(app=worker)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client


async def _status_within(client, token: str, expected: int, seconds: float) -> None:
    started = time.monotonic()
    while (status := await _status(client, token)) != expected:
        assert time.monotonic() - started < seconds, f"still {status}"
        await asyncio.sleep(0.01)


async def test_tokens_ended_on_one_worker_stop_on_the_others_at_once(admin, anon, other_worker):
    user = await make_user(admin, "roaming")
    token = await _token(anon, "roaming")
    for _ in range(3):  # known to the other worker, and cached there where it caches users
        assert await _status(other_worker, token) == 200
    assert (await anon.post("/api/v1/auth/logout", headers=_bearer(token))).status_code == 204
    await _status_within(other_worker, token, 401, seconds=1.0)

    token = await _token(other_worker, "roaming")
    assert await _status(other_worker, token) == 200
    response = await admin.patch(f"{USERS}/{user['id']}", json={"password": "moved-password-1"})
    assert response.status_code == 200, response.text
    await _status_within(other_worker, token, 401, seconds=1.0)


def test_the_cli_sets_a_lost_password_and_ends_the_users_tokens(tmp_path: Path, monkeypatch):
    url = f"sqlite+aiosqlite:///{tmp_path}/crm.db"
    secret = "set-password-test-key-long-enough-for-hs256"
    monkeypatch.setenv("CRM_DATABASE_URL", url)
    monkeypatch.setenv("CRM_SECRET_KEY", secret)
    runner = CliRunner()

    def crm(*args: str, input: str | None = None):
        get_settings.cache_clear()
        try:
            return runner.invoke(cli.app, list(args), input=input, catch_exceptions=False)
        finally:
            get_settings.cache_clear()

    assert crm("db", "upgrade").exit_code == 0
    assert (
        crm("users", "create", "root", "--role", "admin", input="first-password\n").exit_code == 0
    )

    async def api(check):
        settings = Settings(database_url=url, secret_key=secret, _env_file=None)  # type: ignore[call-arg]
        application = create_app(settings)
        transport = httpx.ASGITransport(app=application)
        try:
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                return await check(client)
        finally:
            await application.state.database.dispose()

    token = asyncio.run(api(lambda client: _token(client, "root", "first-password")))
    result = crm("users", "set-password", "ROOT", "--password-stdin", input="second-password\n")
    assert result.exit_code == 0, result.output
    assert "second-password" not in result.output

    async def check(client):
        assert await _status(client, token) == 401
        login = await client.post(
            "/api/v1/auth/token", data={"username": "root", "password": "first-password"}
        )
        assert login.status_code == 401
        assert await _status(client, await _token(client, "root", "second-password")) == 200

    asyncio.run(api(check))
    result = crm("users", "set-password", "nobody", "--password-stdin", input="second-password\n")
    assert result.exit_code == 1 and "no user 'nobody'" in result.output
    result = crm("users", "set-password", "root", "--password-stdin", input="short\n")
    assert result.exit_code == 2
