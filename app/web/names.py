"""Display names of the records a page links to, fetched together: one query per kind of
record for a whole page, never one per row."""

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.auth.models import User
from app.cities.models import City
from app.contacts.models import Contact
from app.events.models import Event
from app.organizations.models import Organization

NAME_COLUMNS: dict[type, Any] = {
    City: City.name,
    Contact: Contact.full_name,
    Event: Event.name,
    Organization: Organization.name,
    User: User.username,
}


async def names_of(session: AsyncSession, model: type, ids: Iterable[int | None]) -> dict[int, str]:
    """``{id: name}`` of these records of ``model`` (City, Contact, Event, Organization,
    User); archived ones too (a page may still mention them)."""
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    id_column = col(model.id)  # type: ignore[attr-defined]  # every model here has an id
    rows = await session.execute(
        select(id_column, col(NAME_COLUMNS[model])).where(id_column.in_(wanted))
    )
    return {int(row[0]): str(row[1]) for row in rows.all()}
