"""The ``crm`` command: serve the API, migrate, manage users and load the demo data."""

import asyncio
import sys
from typing import Annotated

import typer
import uvicorn
from pydantic import TypeAdapter, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from app import clock, migrate
from app.auth import service as auth_service
from app.auth.models import Role
from app.auth.schemas import Password, UserCreate
from app.config import Settings, get_settings
from app.db import Database
from app.demo import database_is_empty, load_demo
from app.errors import AppError
from app.exports.cli import export_app
from app.reports.cli import dormant
from app.server import uvicorn_options

app = typer.Typer(help="diplomacy-crm: the international affairs desk's partner-tracking CRM.")
db_app = typer.Typer(help="Database migrations.")
users_app = typer.Typer(help="User accounts.")
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(export_app, name="export")
app.command()(dormant)


def settings_or_exit() -> Settings:
    """The settings, or a clear message and exit status 2 when one of them is refused."""
    try:
        return get_settings()
    except ValidationError as exc:
        for error in exc.errors():
            where = ".".join(str(part) for part in error["loc"])
            message = str(error["msg"]).removeprefix("Value error, ")
            typer.echo(f"Configuration refused: {where + ': ' if where else ''}{message}", err=True)
        raise typer.Exit(2) from exc


async def _prepare(load_demo_data: bool) -> None:
    """The first admin when there is no user yet, then the demo data into a new database."""
    settings = settings_or_exit()
    database = Database(settings)
    try:
        async with database.write_sessionmaker() as session, session.begin():
            new_database = await database_is_empty(session)
            generated = await auth_service.ensure_bootstrap_admin(
                session,
                username=settings.bootstrap_admin_username,
                password=settings.bootstrap_admin_password,
            )
            if load_demo_data and new_database:
                await _load_demo(session, settings)
                typer.echo("Loaded the demo data (set CRM_LOAD_DEMO=0 to start empty).")
        if generated:
            typer.echo(
                f"\nCreated the first admin '{settings.bootstrap_admin_username}' with password:"
                f"\n\n    {generated}\n\nIt is shown only this once; change it after logging in.\n"
            )
    finally:
        await database.dispose()


async def analyze_sqlite(settings: Settings) -> None:
    """Refresh SQLite's planner statistics (PostgreSQL's autovacuum does this by itself):
    without them it may pick a poor index for search. A full ANALYZE, not a sampled one: with
    a 1,000-row sample every contact index looked equally unselective, and a list filtered by
    country walked all contacts in name order (115 ms instead of 7). It takes ~0.5 s for
    100,000 contacts and 1,000,000 interactions."""
    database = Database(settings)
    try:
        async with database.write_engine.begin() as connection:
            await connection.exec_driver_sql("ANALYZE")
    finally:
        await database.dispose()


async def _load_demo(session: AsyncSession, settings: Settings) -> None:
    admin = await auth_service.find_user(session, settings.bootstrap_admin_username)
    await load_demo(
        session,
        home_city=settings.home_city,
        assignee_id=admin.id if admin is not None else None,
        dormant_after_days=settings.dormant_after_days,
        today=clock.today(settings),
    )


def browser_address(host: str, port: int) -> str:
    """The address to open in a browser on this machine: a wildcard host (every interface)
    is reached at 127.0.0.1; an IPv6 address goes in brackets."""
    if host in ("0.0.0.0", "::", ""):
        host = "127.0.0.1"
    elif ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes")] = 1,
) -> None:
    """Migrate the database, create the first admin (and demo data when new), then serve."""
    settings = settings_or_exit()
    migrate.upgrade(settings.database_url)
    asyncio.run(_prepare(settings.load_demo))
    if settings.is_sqlite:
        asyncio.run(analyze_sqlite(settings))
    address = browser_address(host, port)
    typer.echo(f"Serving on {host} port {port}")
    typer.echo(f"  Web app:  {address}/  (sign in as {settings.bootstrap_admin_username})")
    typer.echo(f"  API docs: {address}/docs")
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        **uvicorn_options(settings),
    )


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Apply the migrations up to REVISION (default: the newest)."""
    migrate.upgrade(settings_or_exit().database_url, revision)


@db_app.command("downgrade")
def db_downgrade(revision: Annotated[str, typer.Argument(help="e.g. -1 or base")]) -> None:
    """Undo migrations down to REVISION."""
    migrate.downgrade(settings_or_exit().database_url, revision)


@users_app.command("create")
def users_create(
    username: str,
    role: Annotated[Role, typer.Option(help="admin, editor or viewer")] = Role.viewer,
    full_name: Annotated[str | None, typer.Option()] = None,
) -> None:
    """Create a user; the password is asked for (or read from standard input)."""
    password = _read_password("Password", from_stdin=False)
    try:
        data = UserCreate(username=username, password=password, role=role, full_name=full_name)
    except ValueError as exc:
        typer.echo(f"Invalid user: {exc}", err=True)
        raise typer.Exit(2) from exc

    async def create() -> None:
        database = Database(settings_or_exit())
        try:
            async with database.write_sessionmaker() as session, session.begin():
                user = await auth_service.create_user(session, data, actor="cli")
            typer.echo(f"Created {user.role} '{user.username}' (id {user.id}).")
        except AppError as exc:
            typer.echo(f"Could not create the user: {exc.detail}", err=True)
            raise typer.Exit(1) from exc
        finally:
            await database.dispose()

    asyncio.run(create())


def _read_password(prompt: str, *, from_stdin: bool) -> str:
    """Asked for twice at a terminal; one line of standard input when piped (or asked to)."""
    if from_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    return str(typer.prompt(prompt, hide_input=True, confirmation_prompt=True))


@users_app.command("set-password")
def users_set_password(
    username: str,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input")
    ] = False,
) -> None:
    """Set a user's password (e.g. for the admin who lost theirs); it is asked for twice
    unless --password-stdin. The user's existing tokens stop working."""
    password = _read_password("New password", from_stdin=password_stdin)
    try:
        password = TypeAdapter(Password).validate_python(password)
    except ValueError as exc:
        typer.echo(f"Invalid password: {exc}", err=True)
        raise typer.Exit(2) from exc

    async def reset() -> None:
        database = Database(settings_or_exit())
        try:
            async with database.write_sessionmaker() as session, session.begin():
                user = await auth_service.set_password(session, username, password, actor="cli")
            typer.echo(f"Set the password of '{user.username}'; their tokens no longer work.")
        except AppError as exc:
            typer.echo(f"Could not set the password: {exc.detail}", err=True)
            raise typer.Exit(1) from exc
        finally:
            await database.dispose()

    asyncio.run(reset())


@app.command()
def demo() -> None:
    """Load the demo data (Taipei and its partners) into an empty database."""

    async def run() -> None:
        settings = settings_or_exit()
        database = Database(settings)
        try:
            async with database.write_sessionmaker() as session, session.begin():
                if not await database_is_empty(session):
                    typer.echo(
                        "The database already holds records; the demo loads only into an "
                        "empty one.",
                        err=True,
                    )
                    raise typer.Exit(1)
                await _load_demo(session, settings)
            typer.echo("Loaded the demo data.")
        finally:
            await database.dispose()

    asyncio.run(run())


if __name__ == "__main__":
    app()
