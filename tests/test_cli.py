"""The ``crm`` command against a temporary SQLite file, checked through the API it serves.

These tests are synchronous on purpose: the commands run their own event loop."""

import asyncio
import sqlite3
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner, Result

from app import cli
from app.config import Settings, get_settings
from app.main import create_app

SECRET = "cli-test-secret-key-long-enough-for-hs256"


class CliDatabase:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.url = f"sqlite+aiosqlite:///{path}"
        self.runner = CliRunner()

    def run(self, *args: str, input: str | None = None) -> Result:
        get_settings.cache_clear()
        try:
            return self.runner.invoke(
                cli.app,
                list(args),
                input=input,
                env={"CRM_DATABASE_URL": self.url, "CRM_SECRET_KEY": SECRET},
                catch_exceptions=False,
            )
        finally:
            get_settings.cache_clear()

    def api(self, check: Callable[[httpx.AsyncClient], Awaitable[Any]]) -> Any:
        """Run ``check`` with a client of the API served from this database."""

        async def main() -> Any:
            settings = Settings(
                database_url=self.url,
                secret_key=SECRET,
                load_demo=False,
                _env_file=None,  # type: ignore[call-arg]
            )
            app = create_app(settings)
            transport = httpx.ASGITransport(app=app)
            try:
                async with httpx.AsyncClient(transport=transport, base_url="http://test") as api:
                    return await check(api)
            finally:
                await app.state.database.dispose()

        return asyncio.run(main())

    def tables(self) -> set[str]:
        connection = sqlite3.connect(self.path)
        try:
            rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            return {name for (name,) in rows if not name.startswith("sqlite_")}
        finally:
            connection.close()


@pytest.fixture
def crm(tmp_path: Path) -> Iterator[CliDatabase]:
    get_settings.cache_clear()
    yield CliDatabase(tmp_path / "crm.db")
    get_settings.cache_clear()


async def _login(api: httpx.AsyncClient, username: str, password: str) -> httpx.Response:
    return await api.post("/api/v1/auth/token", data={"username": username, "password": password})


async def _headers(api: httpx.AsyncClient, username: str, password: str) -> dict[str, str]:
    response = await _login(api, username, password)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_db_upgrade_creates_a_working_database(crm):
    result = crm.run("db", "upgrade")
    assert result.exit_code == 0, result.output
    assert {"user_account", "city", "contact", "interaction", "audit_entry"} <= crm.tables()

    async def check(api):
        assert (await api.get("/api/v1/health")).json() == {"status": "ok", "database": "ok"}
        # No users yet: nobody can log in.
        assert (await _login(api, "admin", "whatever-password")).status_code == 401

    crm.api(check)
    # Upgrading again is harmless.
    assert crm.run("db", "upgrade").exit_code == 0


def test_users_create_reads_the_password_from_stdin(crm):
    assert crm.run("db", "upgrade").exit_code == 0
    result = crm.run("users", "create", "Alice", "--role", "editor", input="alice-password-1\n")
    assert result.exit_code == 0, result.output
    assert "alice" in result.output and "editor" in result.output
    assert "alice-password-1" not in result.output

    async def check(api):
        headers = await _headers(api, "alice", "alice-password-1")
        me = (await api.get("/api/v1/users/me", headers=headers)).json()
        assert me["username"] == "alice" and me["role"] == "editor"
        # An editor can write.
        response = await api.post(
            "/api/v1/cities", json={"name": "Busan", "country_code": "KR"}, headers=headers
        )
        assert response.status_code == 201, response.text
        assert (await _login(api, "alice", "wrong-password")).status_code == 401

    crm.api(check)


def test_users_create_refuses_bad_input_and_duplicates(crm):
    assert crm.run("db", "upgrade").exit_code == 0
    assert crm.run("users", "create", "bob", input="short\n").exit_code != 0
    result = crm.run("users", "create", "bob", "--role", "wizard", input="long-enough-pw\n")
    assert result.exit_code != 0
    assert crm.run("users", "create", "bob", input="long-enough-pw\n").exit_code == 0
    result = crm.run("users", "create", "BOB", "--role", "admin", input="another-password\n")
    assert result.exit_code != 0

    async def check(api):
        headers = await _headers(api, "bob", "long-enough-pw")
        me = (await api.get("/api/v1/users/me", headers=headers)).json()
        assert me["role"] == "viewer"  # the default role, and the duplicate changed nothing
        assert (await _login(api, "bob", "another-password")).status_code == 401

    crm.api(check)


def test_demo_loads_once_and_refuses_a_second_time(crm):
    assert crm.run("db", "upgrade").exit_code == 0
    assert crm.run("users", "create", "reader", input="reader-password\n").exit_code == 0

    result = crm.run("demo")
    assert result.exit_code == 0, result.output

    async def counts(api):
        headers = await _headers(api, "reader", "reader-password")
        cities = (await api.get("/api/v1/cities", params={"limit": 200}, headers=headers)).json()
        contacts = (await api.get("/api/v1/contacts", headers=headers)).json()
        interactions = (await api.get("/api/v1/interactions", headers=headers)).json()
        names = {c["name"] for c in cities["items"]}
        return names, cities["total"], contacts["total"], interactions["total"]

    names, cities, contacts, interactions = crm.api(counts)
    assert {"Taipei", "Houston", "Johannesburg", "Busan"} <= names
    assert contacts > 0 and interactions > 0

    result = crm.run("demo")
    assert result.exit_code != 0
    assert "empty" in result.output
    assert crm.api(counts) == (names, cities, contacts, interactions)


def test_db_downgrade_base_removes_everything(crm):
    assert crm.run("db", "upgrade").exit_code == 0
    assert crm.run("users", "create", "carol", input="carol-password\n").exit_code == 0
    assert crm.run("demo").exit_code == 0

    result = crm.run("db", "downgrade", "base")
    assert result.exit_code == 0, result.output
    assert crm.tables() <= {"alembic_version"}

    # Back up to head: an empty database again, so the old user is gone and the demo loads.
    assert crm.run("db", "upgrade").exit_code == 0

    async def check(api):
        assert (await _login(api, "carol", "carol-password")).status_code == 401

    crm.api(check)
    assert crm.run("demo").exit_code == 0


def test_serve_prints_the_web_app_s_address(crm: CliDatabase, monkeypatch) -> None:
    served: dict[str, Any] = {}
    monkeypatch.setattr(cli.uvicorn, "run", lambda *args, **kwargs: served.update(kwargs))
    result = crm.run("serve", "--port", "8123")
    assert result.exit_code == 0, result.output
    assert "Web app:  http://127.0.0.1:8123/" in result.output
    assert "API docs: http://127.0.0.1:8123/docs" in result.output
    assert served["port"] == 8123


def test_the_browser_address_of_a_host() -> None:
    assert cli.browser_address("0.0.0.0", 8000) == "http://127.0.0.1:8000"
    assert cli.browser_address("::1", 8000) == "http://[::1]:8000"
    assert cli.browser_address("crm.local", 80) == "http://crm.local:80"
