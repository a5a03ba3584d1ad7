"""The login throttle counts in the database: per username and address, and per address;
every worker shares the count, a username locked out from one address still logs in from
another, and the table never holds more than a minute of small rows. (Every test takes
``anon``: its teardown deletes the stored attempts.)"""

import asyncio
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import func, select

from app.auth.models import LoginAttempt
from app.db import utcnow
from app.main import create_app
from tests.conftest import PASSWORD
from tests.problems import assert_field_error, assert_problem

TOKEN = "/api/v1/auth/token"


def _from(app, address: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://test")


async def _login(client, username: str, password: str) -> httpx.Response:
    return await client.post(TOKEN, data={"username": username, "password": password})


async def _stored(app) -> tuple[int, int]:
    """How many attempts are stored, and the longest username among them."""
    async with app.state.database.engine.connect() as connection:
        row = await connection.execute(
            select(func.count(), func.coalesce(func.max(func.length(LoginAttempt.username)), 0))
        )
        count, longest = row.one()
    return count, longest


async def test_a_locked_out_username_still_logs_in_from_another_address(app, anon):
    async with _from(app, "203.0.113.7") as attacker, _from(app, "198.51.100.2") as office:
        for attempt in range(10):
            assert (await _login(attacker, "viewer", f"guess-{attempt}")).status_code == 401
        refused = await _login(attacker, "viewer", PASSWORD)  # even the right password
        assert_problem(refused, 429)
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        assert (await _login(office, "viewer", PASSWORD)).status_code == 200
        # The attacker's address may still try other usernames (up to its own limit).
        assert (await _login(attacker, "editor", PASSWORD)).status_code == 200


async def test_one_address_is_limited_across_usernames(app, anon):
    limit = 15  # the default is higher; each guess costs a password hash
    settings = app.state.settings.model_copy(
        update={"login_attempts_per_address_per_minute": limit}
    )
    worker = create_app(settings)
    try:
        async with _from(worker, "203.0.113.8") as sprayer, _from(worker, "198.51.100.3") as office:
            for attempt in range(limit):
                response = await _login(sprayer, f"user-{attempt}", "password-spray")
                assert response.status_code == 401, attempt
            assert_problem(await _login(sprayer, "someone-new", "password-spray"), 429)
            assert_problem(await _login(sprayer, "editor", PASSWORD), 429)
            assert (await _login(office, "editor", PASSWORD)).status_code == 200
    finally:
        await worker.state.database.dispose()
    assert (await _stored(app))[0] == limit


async def test_parallel_guesses_get_no_more_than_the_limit(app, anon):
    async with _from(app, "203.0.113.9") as attacker:
        responses = await asyncio.gather(
            *(_login(attacker, "admin", f"guess-{i}") for i in range(25))
        )
    statuses = [response.status_code for response in responses]
    assert set(statuses) <= {401, 429}
    assert statuses.count(401) <= app.state.settings.login_attempts_per_minute, statuses


@pytest.fixture
async def other_worker(app):
    """Another worker (or host) on the same database."""
    worker = create_app(app.state.settings)
    try:
        async with _from(worker, "203.0.113.10") as client:
            yield client
    finally:
        await worker.state.database.dispose()


async def test_every_worker_counts_the_same_attempts(app, anon, other_worker):
    async with _from(app, "203.0.113.10") as here:
        for attempt in range(5):
            assert (await _login(here, "viewer", f"guess-{attempt}")).status_code == 401
            assert (await _login(other_worker, "viewer", f"other-{attempt}")).status_code == 401
        assert_problem(await _login(here, "viewer", "guess-again"), 429)
        assert_problem(await _login(other_worker, "viewer", "guess-again"), 429)


async def test_a_success_clears_the_pairs_count(app, anon):
    async with _from(app, "203.0.113.11") as client:
        for attempt in range(9):
            assert (await _login(client, "viewer", f"typo-{attempt}")).status_code == 401
        assert (await _login(client, "viewer", PASSWORD)).status_code == 200
        for attempt in range(9):
            assert (await _login(client, "viewer", f"typo-{attempt}")).status_code == 401
        assert (await _login(client, "viewer", PASSWORD)).status_code == 200
    assert (await _stored(app))[0] == 0


async def test_huge_usernames_are_refused_before_anything_is_stored(app, anon):
    huge = "a" * 512 * 1024
    for attempt in range(200):
        response = await _login(anon, f"{huge}{attempt}", "whatever-password")
        assert response.status_code == 422, attempt
    assert "100 characters" in assert_field_error(response, "username")["detail"]
    assert await _stored(app) == (0, 0)
    # The longest username a user can have is still counted (and stored at its length).
    response = await _login(anon, "b" * 100, "whatever-password")
    assert response.status_code == 401
    assert await _stored(app) == (1, 100)


async def test_attempts_older_than_a_minute_are_deleted(app, anon):
    old = utcnow() - timedelta(minutes=2)
    async with app.state.database.write_sessionmaker() as session, session.begin():
        session.add_all(
            LoginAttempt(username=f"old-{i}", address="192.0.2.1", attempted_at=old)
            for i in range(500)
        )
    assert (await _stored(app))[0] == 500
    assert (await _login(anon, "viewer", "one-more-wrong")).status_code == 401
    assert (await _stored(app))[0] == 1
    # Old attempts never count against anyone.
    async with _from(app, "192.0.2.1") as client:
        assert (await _login(client, "viewer", PASSWORD)).status_code == 200


async def test_guessing_through_the_password_change_is_throttled_too(app, admin):
    response = await admin.post(
        "/api/v1/users", json={"username": "stolen", "password": "real-password-1"}
    )
    assert response.status_code == 201, response.text
    login = await _login(admin, "stolen", "real-password-1")
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    for attempt in range(10):
        response = await admin.post(
            "/api/v1/users/me/password",
            json={"old_password": f"guess-{attempt}", "new_password": "taken-over-1"},
            headers=headers,
        )
        assert response.status_code == 422, attempt
    response = await admin.post(
        "/api/v1/users/me/password",
        json={"old_password": "real-password-1", "new_password": "taken-over-1"},
        headers=headers,
    )
    assert_problem(response, 429)
