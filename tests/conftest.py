"""The API suite runs twice: once on SQLite and once on a real PostgreSQL server.

Each database is created empty and migrated with Alembic (never ``create_all``); after every
test all rows but the three standing users are deleted, so tests never share state.
PostgreSQL comes from CRM_TEST_POSTGRES_URL (default: the local server); when it cannot be
reached that half is skipped, or fails when CRM_TEST_REQUIRE_POSTGRES=1 (CI)."""

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from app import migrate
from app.auth import service as auth_service
from app.auth.models import Role
from app.auth.schemas import UserCreate
from app.config import Settings
from app.db import metadata
from app.main import create_app

DEFAULT_POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
POSTGRES_URL = os.environ.get("CRM_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
REQUIRE_POSTGRES = os.environ.get("CRM_TEST_REQUIRE_POSTGRES") == "1"
PASSWORD = "correct-horse-battery"
STANDING_USERS = {"admin": Role.admin, "editor": Role.editor, "viewer": Role.viewer}


def _asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _postgres_reachable(url: str) -> str | None:
    try:
        connection = await asyncpg.connect(_asyncpg_dsn(url), timeout=3)
    except Exception as exc:  # any failure means "not reachable"
        return f"{type(exc).__name__}: {exc}"
    await connection.close()
    return None


_POSTGRES_SKIPPED: list[str] = []


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _POSTGRES_SKIPPED:
        terminalreporter.write_line(_POSTGRES_SKIPPED[0], yellow=True, bold=True)


@dataclass
class TestDatabase:
    backend: str
    url: str


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
async def database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """An empty database of each kind, migrated to head."""
    if request.param == "sqlite":
        path = Path(tmp_path_factory.mktemp("sqlite")) / "crm-test.db"
        db = TestDatabase("sqlite", f"sqlite+aiosqlite:///{path}")
        await asyncio.to_thread(migrate.upgrade, db.url)
        yield db
        return

    problem = await _postgres_reachable(POSTGRES_URL)
    if problem is not None:
        message = (
            f"PostgreSQL tests skipped: cannot reach {make_url(POSTGRES_URL)!r} ({problem}). "
            "Set CRM_TEST_POSTGRES_URL=postgresql+asyncpg://user@host:5432/postgres to run them."
        )
        if REQUIRE_POSTGRES:
            pytest.fail(message, pytrace=False)
        _POSTGRES_SKIPPED.append(message)
        pytest.skip("PostgreSQL unreachable (see the note at the end)")
    name = f"crm_test_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(_asyncpg_dsn(POSTGRES_URL))
    await admin.execute(f'CREATE DATABASE "{name}"')
    db = TestDatabase(
        "postgresql",
        make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False),
    )
    try:
        await asyncio.to_thread(migrate.upgrade, db.url)
        yield db
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@pytest.fixture(scope="session")
async def app(database: TestDatabase):
    settings = Settings(
        database_url=database.url,
        secret_key="test-secret-key-that-is-long-enough-for-hs256",
        load_demo=False,
        _env_file=None,  # type: ignore[call-arg]
    )
    application = create_app(settings)
    # Started as a server starts it: on PostgreSQL the app then listens for user changes.
    async with application.router.lifespan_context(application):
        async with application.state.database.write_sessionmaker() as session, session.begin():
            for username, role in STANDING_USERS.items():
                await auth_service.create_user(
                    session,
                    UserCreate(username=username, password=PASSWORD, role=role),
                    actor="tests",
                )
        yield application


@pytest.fixture(scope="session")
async def tokens(app) -> dict[str, str]:
    async with _client(app) as client:
        result = {}
        for username in STANDING_USERS:
            response = await client.post(
                "/api/v1/auth/token", data={"username": username, "password": PASSWORD}
            )
            assert response.status_code == 200, response.text
            result[username] = response.json()["access_token"]
        return result


def _client(app, **kwargs) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, **kwargs)
    return httpx.AsyncClient(transport=transport, base_url="http://test")


async def _clean(app) -> None:
    """Delete every row the test made; the standing users (ids 1-3) stay."""
    database = app.state.database
    async with database.write_engine.begin() as connection:
        tables = [t for t in reversed(metadata.sorted_tables)]
        if connection.dialect.name == "postgresql":
            others = ", ".join(f'"{t.name}"' for t in tables if t.name != "user_account")
            await connection.execute(text(f"TRUNCATE {others} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                if table.name != "user_account":
                    await connection.execute(table.delete())
        await connection.execute(text("DELETE FROM user_account WHERE id > 3"))
        await connection.execute(
            text(
                "UPDATE user_account SET is_active = true, archived_at = NULL, "
                "calendar_token_hash = NULL, token_generation = 0"
            )
        )


@pytest.fixture
async def anon(app) -> AsyncIterator[httpx.AsyncClient]:
    """A client without a token."""
    async with _client(app) as client:
        yield client
    await _clean(app)


def _authed(app, token: str, **kwargs) -> httpx.AsyncClient:
    client = _client(app, **kwargs)
    client.headers["Authorization"] = f"Bearer {token}"
    return client


@pytest.fixture
async def client(app, tokens, anon) -> AsyncIterator[httpx.AsyncClient]:
    """An editor's client: reads and writes records."""
    async with _authed(app, tokens["editor"]) as c:
        yield c


@pytest.fixture
async def admin(app, tokens, anon) -> AsyncIterator[httpx.AsyncClient]:
    async with _authed(app, tokens["admin"]) as c:
        yield c


@pytest.fixture
async def viewer(app, tokens, anon) -> AsyncIterator[httpx.AsyncClient]:
    async with _authed(app, tokens["viewer"]) as c:
        yield c


@pytest.fixture
def backend(database: TestDatabase) -> str:
    return database.backend
