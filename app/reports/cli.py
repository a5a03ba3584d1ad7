"""``crm dormant``: the dormant partner cities as a table in the terminal."""

import asyncio
from datetime import date
from typing import Any

import typer
from rich import box
from rich.console import Console
from rich.table import Table

from app import clock
from app.cli_options import filter_options
from app.config import get_settings
from app.db import Database
from app.reports import service as reports_service
from app.reports.schemas import DormantPartnersFilters

COLUMNS = (
    "City",
    "Country",
    "Partnerships",
    "Last interaction",
    "Days inactive",
    "Active contacts",
    "Open follow-ups",
)


def _table(items: list[dict[str, Any]]) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for number, column in enumerate(COLUMNS):
        table.add_column(column, justify="right" if number >= 4 else "left")
    for item in items:
        last_on: date | None = item["last_interaction_on"]
        table.add_row(
            item["city"].name,
            item["city"].country_code or "",
            ", ".join(reports_service.partnership_label(p) for p in item["partnerships"]),
            last_on.isoformat() if last_on else "never",
            str(item["days_inactive"]) if item["days_inactive"] is not None else "-",
            str(item["active_contacts"]),
            str(item["open_follow_ups"]),
        )
    return table


@filter_options(DormantPartnersFilters, names={"inactive_days": ["--days"]})
def dormant(filters: DormantPartnersFilters) -> None:
    """Print the partner cities with no interaction in the last --days days."""
    settings = get_settings()
    day = filters.as_of or clock.today(settings)
    inactive_days = filters.inactive_days or settings.dormant_after_days
    kinds = filters.kind or ()

    async def load() -> list[dict[str, Any]]:
        database = Database(settings)
        try:
            async with database.sessionmaker() as session:
                return await reports_service.dormant_partners(
                    session, as_of=day, inactive_days=inactive_days, kinds=kinds
                )
        finally:
            await database.dispose()

    items = asyncio.run(load())
    days_text = "1 day" if inactive_days == 1 else f"{inactive_days} days"
    window = f"in the {days_text} before {day.isoformat()}"
    if not items:
        typer.echo(f"No dormant partner cities: every partner had an interaction {window}.")
        return
    console = Console()
    if not console.is_terminal:  # piped or captured: never wrap the rows
        console = Console(width=240)
    noun = "city" if len(items) == 1 else "cities"
    console.print(f"{len(items)} dormant partner {noun} (no interaction {window}):")
    console.print(_table(items))
