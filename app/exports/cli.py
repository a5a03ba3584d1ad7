"""``crm export …``: the API's exports written to a file, through the same service code."""

import asyncio
import os
import sys
from collections.abc import Awaitable, Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from app import clock
from app.cli_options import filter_options
from app.config import get_settings
from app.contacts.schemas import ContactFilters
from app.db import Database
from app.errors import AppError
from app.exports import service as exports_service
from app.exports.schemas import ExportFormat, TableFormat
from app.invitations.schemas import EventInvitationFilters

export_app = typer.Typer(help="Export invitation lists and contacts (CSV, XLSX, ODS, vCard).")

ACTOR = "cli"
F = TypeVar("F", bound=StrEnum)

Output = Annotated[
    Path,
    typer.Option("--output", "-o", help="The file to write", dir_okay=False, writable=True),
]


def _format(chosen: F | None, output: Path, formats: type[F]) -> F:
    """The --format given, else the one the output file's extension names, else CSV."""
    if chosen is not None:
        return chosen
    try:
        return formats(output.suffix.lstrip(".").lower())
    except ValueError:
        return formats("csv")


async def _write(
    output: Path,
    label: str,
    start: Callable[[AsyncSession, Database], Awaitable[exports_service.Export]],
) -> int:
    """Count and audit the export in one transaction, then stream its rows into ``output``
    (through a partial file, so a failed export never leaves a truncated file behind)."""
    if not output.parent.is_dir():
        typer.echo(f"Could not export: there is no folder {output.parent}", err=True)
        raise typer.Exit(2)
    database = Database(get_settings())
    partial = output.with_name(output.name + ".part")
    try:
        async with database.write_sessionmaker() as session, session.begin():
            export = await start(session, database)
        with (
            partial.open("wb") as file,
            typer.progressbar(length=export.rows, label=label, file=sys.stderr) as bar,
        ):
            async for chunk in export.body(on_rows=bar.update):
                file.write(chunk)
        os.replace(partial, output)
        return export.rows
    except AppError as exc:
        typer.echo(f"Could not export: {exc.detail}", err=True)
        raise typer.Exit(1) from exc
    finally:
        partial.unlink(missing_ok=True)
        await database.dispose()


@export_app.command("invitations")
@filter_options(EventInvitationFilters, names={"q": ["--query", "-q"]})
def export_invitations(
    event_id: Annotated[int, typer.Argument(min=1, help="The event's id")],
    output: Output,
    filters: EventInvitationFilters,
    export_format: Annotated[
        TableFormat | None,
        typer.Option("--format", "-f", help="csv, xlsx or ods (default: the output's extension)"),
    ] = None,
) -> None:
    """Write an event's invitation list (one row per live invitation) to a file."""
    chosen = _format(export_format, output, TableFormat)

    async def start(session: AsyncSession, database: Database) -> exports_service.Export:
        return await exports_service.export_invitations(
            session,
            engine=database.snapshot_engine,
            event_id=event_id,
            format=chosen,
            filters=filters,
            actor=ACTOR,
        )

    rows = asyncio.run(_write(output, "Exporting invitations", start))
    typer.echo(f"Wrote {rows} invitation{'' if rows == 1 else 's'} to {output} ({chosen}).")


@export_app.command("contacts")
@filter_options(
    ContactFilters, names={"is_active": ["--active/--inactive"], "q": ["--query", "-q"]}
)
def export_contacts(
    output: Output,
    filters: ContactFilters,
    export_format: Annotated[
        ExportFormat | None,
        typer.Option(
            "--format", "-f", help="csv, xlsx, ods or vcf (default: the output's extension)"
        ),
    ] = None,
) -> None:
    """Write the contacts (all, or those the filters select) to a file."""
    chosen = _format(export_format, output, ExportFormat)

    async def start(session: AsyncSession, database: Database) -> exports_service.Export:
        return await exports_service.export_contacts(
            session,
            engine=database.snapshot_engine,
            format=chosen,
            filters=filters,
            today=clock.today(get_settings()),
            actor=ACTOR,
        )

    rows = asyncio.run(_write(output, "Exporting contacts", start))
    typer.echo(f"Wrote {rows} contact{'' if rows == 1 else 's'} to {output} ({chosen}).")
