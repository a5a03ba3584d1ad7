"""The Alembic migrations, on a fresh database of each kind: they build the schema the models
describe, and they can be undone and redone."""

import asyncio
import re
import uuid
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import asyncpg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

import app.models  # noqa: F401  (registers every table on the metadata)
from app import migrate
from app.db import metadata

VERSIONS = Path(migrate.PROJECT_ROOT) / "migrations" / "versions"
FILE_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})_([a-z0-9]+(?:_[a-z0-9]+)*)\.py$")
MODEL_TABLES = {table.name for table in metadata.sorted_tables}


def _asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture
async def fresh_url(database, tmp_path) -> AsyncIterator[str]:
    """An empty database (no tables at all) on the same kind of server as ``database``."""
    if database.backend == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}"
        return
    name = f"crm_migrations_{uuid.uuid4().hex[:12]}"
    server = await asyncpg.connect(_asyncpg_dsn(database.url))
    try:
        await server.execute(f'CREATE DATABASE "{name}"')
        try:
            yield make_url(database.url).set(database=name).render_as_string(hide_password=False)
        finally:
            await server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await server.close()


async def upgrade(url: str, revision: str = "head") -> None:
    # migrations/env.py runs its own event loop, so Alembic runs on a worker thread.
    await asyncio.to_thread(migrate.upgrade, url, revision)


async def downgrade(url: str, revision: str) -> None:
    await asyncio.to_thread(migrate.downgrade, url, revision)


def head_revision() -> str:
    script = ScriptDirectory.from_config(migrate.alembic_config("sqlite://"))
    heads = script.get_heads()
    assert len(heads) == 1, f"the migrations have several heads: {heads}"
    return heads[0]


async def schema_state(url: str) -> tuple[set[str], list[str]]:
    """The tables in the database, and the revisions alembic_version records."""
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            tables = set(await connection.run_sync(lambda c: inspect(c).get_table_names()))
            revisions = []
            if "alembic_version" in tables:
                result = await connection.execute(text("SELECT version_num FROM alembic_version"))
                revisions = [row[0] for row in result]
    finally:
        await engine.dispose()
    return tables, revisions


async def differences_from_models(url: str) -> list:
    def compare(connection):
        context = MigrationContext.configure(
            connection,
            opts={
                "target_metadata": metadata,
                "compare_type": True,
                "compare_server_default": True,
            },
        )
        return compare_metadata(context, metadata)

    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(compare)
    finally:
        await engine.dispose()


async def test_upgrade_from_empty_to_head(fresh_url):
    tables, _ = await schema_state(fresh_url)
    assert tables == set()

    await upgrade(fresh_url)
    tables, revisions = await schema_state(fresh_url)
    assert tables == MODEL_TABLES | {"alembic_version"}
    assert revisions == [head_revision()]

    # Upgrading a database already at head changes nothing.
    await upgrade(fresh_url)
    assert await schema_state(fresh_url) == (tables, revisions)


async def test_downgrade_to_base_and_upgrade_again(fresh_url):
    await upgrade(fresh_url)
    await downgrade(fresh_url, "base")
    tables, revisions = await schema_state(fresh_url)
    assert tables - {"alembic_version"} == set(), "downgrade left tables behind"
    assert revisions == []

    await upgrade(fresh_url)
    tables, revisions = await schema_state(fresh_url)
    assert tables == MODEL_TABLES | {"alembic_version"}
    assert revisions == [head_revision()]
    assert await differences_from_models(fresh_url) == []


async def test_each_step_downgrades_and_upgrades(fresh_url):
    script = ScriptDirectory.from_config(migrate.alembic_config(fresh_url))
    revisions = [r.revision for r in script.walk_revisions("base", "heads")]  # newest first
    await upgrade(fresh_url)
    for revision in revisions:
        await downgrade(fresh_url, "-1")
        _, current = await schema_state(fresh_url)
        assert revision not in current
    await upgrade(fresh_url)
    assert (await schema_state(fresh_url))[1] == [head_revision()]


async def test_autogenerate_finds_no_difference_from_the_models(fresh_url):
    await upgrade(fresh_url)
    assert await differences_from_models(fresh_url) == []


async def test_the_shared_test_database_matches_the_models(database):
    assert await differences_from_models(database.url) == []


def test_migration_file_names_are_dated_slugs():
    files = sorted(p.name for p in VERSIONS.glob("*.py") if p.name != "__init__.py")
    assert files, "no migration files found"
    for name in files:
        match = FILE_NAME.match(name)
        assert match, f"{name} does not follow YYYY-MM-DD_slug.py"
        date.fromisoformat(match.group(1))  # a real calendar date


def test_every_migration_file_is_a_revision():
    script = ScriptDirectory.from_config(migrate.alembic_config("sqlite://"))
    revision_files = {Path(r.path).name for r in script.walk_revisions()}
    files = {p.name for p in VERSIONS.glob("*.py") if p.name != "__init__.py"}
    assert files == revision_files
    head_revision()  # and there is exactly one head
