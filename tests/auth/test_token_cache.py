"""Every request checks its token's user, so a change to a user takes effect at once, whoever
makes it: this worker's API, another worker, the CLI, or someone in psql. On PostgreSQL the
users are kept in memory and the database says when one changes (NOTIFY); while that channel
is down nothing is kept. SQLite reads the user on every request."""

import asyncio
import time

import httpx
import jwt
import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import text

from app.auth.cache import LISTENER_NAME, Principal, Principals, VerifiedTokens
from app.auth.models import Role
from tests.conftest import PASSWORD

CITIES = "/api/v1/cities"


async def _token(anon: httpx.AsyncClient, username: str) -> str:
    response = await anon.post(
        "/api/v1/auth/token", data={"username": username, "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def _change_in_database(app, statement: str) -> None:
    """Straight in the database, as the CLI, another worker or psql would: not through the
    API of the worker under test."""
    async with app.state.database.write_engine.begin() as connection:
        await connection.execute(text(statement))


async def _status_within(client, token: str, expected: int, seconds: float) -> float:
    """Asks until the answer is ``expected``; returns how long that took."""
    started = time.monotonic()
    while True:
        status = (await client.get(CITIES, headers=_bearer(token))).status_code
        elapsed = time.monotonic() - started
        if status == expected:
            return elapsed
        assert elapsed < seconds, f"still {status} after {elapsed:.2f} s"
        await asyncio.sleep(0.01)


async def _until(condition, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def test_user_deactivated_outside_this_worker_is_locked_out_at_once(app, anon):
    token = await _token(anon, "editor")
    for _ in range(3):  # known to this worker (and, on PostgreSQL, kept in memory)
        assert (await anon.get(CITIES, headers=_bearer(token))).status_code == 200

    await _change_in_database(app, "UPDATE user_account SET is_active = false WHERE id = 2")
    assert await _status_within(anon, token, 401, seconds=1.0) < 0.5

    await _change_in_database(app, "UPDATE user_account SET is_active = true WHERE id = 2")
    await _status_within(anon, token, 200, seconds=1.0)


async def test_role_changed_outside_this_worker_applies_at_once(app, anon):
    token = await _token(anon, "editor")
    body = {"name": "Austin", "country_code": "US"}
    assert (await anon.get(CITIES, headers=_bearer(token))).status_code == 200

    await _change_in_database(app, "UPDATE user_account SET role = 'viewer' WHERE id = 2")
    started = time.monotonic()
    while (await anon.post(CITIES, json=body, headers=_bearer(token))).status_code != 403:
        assert time.monotonic() - started < 0.5
        await asyncio.sleep(0.01)
    await _change_in_database(app, "UPDATE user_account SET role = 'editor' WHERE id = 2")


async def test_user_deleted_in_the_database_is_locked_out(app, admin, anon):
    response = await admin.post(
        "/api/v1/users", json={"username": "temp", "password": PASSWORD, "role": "editor"}
    )
    assert response.status_code == 201
    token = await _token(anon, "temp")
    assert (await anon.get(CITIES, headers=_bearer(token))).status_code == 200
    await _change_in_database(app, f"DELETE FROM user_account WHERE id = {response.json()['id']}")
    await _status_within(anon, token, 401, seconds=0.5)


async def test_postgres_reads_a_tokens_user_once_sqlite_every_time(app, anon, backend):
    """The point of the cache: on PostgreSQL a busy token costs no query for its user."""
    token = await _token(anon, "viewer")
    assert (await anon.get(CITIES, headers=_bearer(token))).status_code == 200
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    engine = app.state.database.engine.sync_engine
    sa_event.listen(engine, "before_cursor_execute", record)
    try:
        for _ in range(5):
            assert (await anon.get(CITIES, headers=_bearer(token))).status_code == 200
    finally:
        sa_event.remove(engine, "before_cursor_execute", record)
    user_reads = [s for s in statements if "FROM user_account" in s]
    assert len(user_reads) == (0 if backend == "postgresql" else 5)


async def test_without_its_listening_connection_postgres_reads_every_time(app, anon, backend):
    """When the connection that hears of changes drops, nothing is served from memory until
    it is back; changes made meanwhile still apply at once."""
    if backend != "postgresql":
        pytest.skip("SQLite has no listening connection: it reads the user every time")
    principals = app.state.principals
    token = await _token(anon, "editor")
    assert (await anon.get(CITIES, headers=_bearer(token))).status_code == 200
    await _change_in_database(
        app,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        f"WHERE application_name = '{LISTENER_NAME}' AND datname = current_database()",
    )
    await _until(lambda: not principals.listening, seconds=2.0)

    await _change_in_database(app, "UPDATE user_account SET is_active = false WHERE id = 2")
    assert (await anon.get(CITIES, headers=_bearer(token))).status_code == 401
    await _change_in_database(app, "UPDATE user_account SET is_active = true WHERE id = 2")
    assert (await anon.get(CITIES, headers=_bearer(token))).status_code == 200

    await _until(lambda: principals.listening, seconds=10.0)  # it reconnects by itself
    assert (await anon.get(CITIES, headers=_bearer(token))).status_code == 200
    await _change_in_database(app, "UPDATE user_account SET is_active = false WHERE id = 2")
    await _status_within(anon, token, 401, seconds=0.5)
    await _change_in_database(app, "UPDATE user_account SET is_active = true WHERE id = 2")


async def test_a_token_stops_working_when_it_expires_even_after_use(app, anon):
    secret = app.state.settings.secret_key
    token = jwt.encode({"sub": "2", "exp": int(time.time()) + 2}, secret, algorithm="HS256")
    assert (await anon.get(CITIES, headers=_bearer(token))).status_code == 200
    expires_at = jwt.decode(token, secret, algorithms=["HS256"])["exp"]
    await asyncio.sleep(max(0.0, expires_at - time.time()))
    response = await anon.get(CITIES, headers=_bearer(token))
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


async def test_a_token_without_expiry_or_subject_is_refused(app, anon):
    secret = app.state.settings.secret_key
    for claims in ({"sub": "2"}, {"exp": int(time.time()) + 60}, {"sub": "x", "exp": 2e9}):
        token = jwt.encode(claims, secret, algorithm="HS256")
        assert (await anon.get(CITIES, headers=_bearer(token))).status_code == 401, claims


def test_verified_tokens_forget_expired_ones_and_stay_bounded():
    tokens = VerifiedTokens(max_entries=3)
    tokens.remember("a", 1, 4, time.time() + 60)
    tokens.remember("b", 2, 0, time.time() - 1)
    assert tokens.claims("a") == (1, 4)
    assert tokens.claims("b") is None
    assert tokens.claims("unknown") is None
    for i in range(10):
        tokens.remember(f"t{i}", i, 0, time.time() + 60)
    assert len(tokens) <= 3
    assert tokens.claims("t9") == (9, 0)


async def test_without_the_notifying_trigger_postgres_reads_every_time(app, anon, backend):
    """A worker caches users only once it has seen the trigger that tells it of changes."""
    if backend != "postgresql":
        pytest.skip("SQLite has no notifying trigger: it reads the user every time")
    principals = app.state.principals
    token = await _token(anon, "editor")
    kill_listener = (
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        f"WHERE application_name = '{LISTENER_NAME}' AND datname = current_database()"
    )
    await _change_in_database(app, "ALTER TABLE user_account DISABLE TRIGGER user_account_changed")
    try:
        await _change_in_database(app, kill_listener)
        await _until(lambda: not principals.listening, seconds=2.0)
        await asyncio.sleep(1.0)  # it has tried again by now, and found the trigger disabled
        assert not principals.listening
        assert (await anon.get(CITIES, headers=_bearer(token))).status_code == 200
        await _change_in_database(app, "UPDATE user_account SET is_active = false WHERE id = 2")
        assert (await anon.get(CITIES, headers=_bearer(token))).status_code == 401
        await _change_in_database(app, "UPDATE user_account SET is_active = true WHERE id = 2")
    finally:
        await _change_in_database(
            app, "ALTER TABLE user_account ENABLE TRIGGER user_account_changed"
        )
    await _until(lambda: principals.listening, seconds=35.0)


def test_cached_users_expire():
    principals = Principals()
    principals.MAX_AGE = 0.05
    principals._listening = True  # as if its listener were connected
    principals.remember(
        Principal(id=7, username="kadri", role=Role.editor, token_generation=0),
        principals.generation,
    )
    assert principals.get(7) is not None
    time.sleep(0.06)
    assert principals.get(7) is None


def test_a_change_heard_during_a_lookup_keeps_its_result_out():
    principals = Principals()
    principals._listening = True
    generation = principals.generation  # a lookup starts, reads the row...
    principals.forget(7)  # ...and meanwhile the user changes
    principals.remember(
        Principal(id=7, username="kadri", role=Role.editor, token_generation=0), generation
    )
    assert principals.get(7) is None
