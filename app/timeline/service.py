"""A city's or a contact's history, newest first: its interactions, its follow-ups (dated by
when they are due) and, for a city, the signing of its partnerships."""

from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import RecordMixin
from app.follow_ups.models import FollowUp
from app.interactions.models import Interaction, InteractionCity, InteractionContact
from app.pagination import PageParams
from app.partnerships.models import Partnership
from app.timeline.schemas import FollowUpEntry, InteractionEntry, PartnershipSigned

# Each entry type: the table its records come from and the shape a client reads.
ENTRY_TYPES: dict[str, tuple[type[RecordMixin], type[BaseModel]]] = {
    "interaction": (Interaction, InteractionEntry),
    "partnership": (Partnership, PartnershipSigned),
    "follow_up": (FollowUp, FollowUpEntry),
}


def _interactions_of(link: Any, column: Any, record_id: int) -> Any:
    return (
        select(
            literal("interaction").label("type"),
            link.occurred_on.label("date"),
            link.interaction_id.label("id"),
        )
        .join(Interaction, Interaction.id == link.interaction_id)
        .where(column == record_id, Interaction.archived_at.is_(None))
    )


def _signings_of(city_id: int) -> Any:
    return select(
        literal("partnership").label("type"),
        Partnership.signed_on.label("date"),
        Partnership.id.label("id"),
    ).where(
        Partnership.city_id == city_id,
        Partnership.signed_on.is_not(None),
        Partnership.archived_at.is_(None),
    )


def _follow_ups_of(column: Any, record_id: int) -> Any:
    return select(
        literal("follow_up").label("type"),
        FollowUp.due_on.label("date"),
        FollowUp.id.label("id"),
    ).where(column == record_id, FollowUp.archived_at.is_(None))


async def _page(session: AsyncSession, entries: Any, params: PageParams) -> tuple[list[Any], int]:
    combined = entries.subquery()
    total = await session.scalar(select(func.count()).select_from(combined))
    rows = (
        await session.execute(
            select(combined.c.type, combined.c.date, combined.c.id)
            .order_by(combined.c.date.desc(), combined.c.type, combined.c.id.desc())
            .limit(params.limit)
            .offset(params.offset)
        )
    ).all()
    # One query per entry type on the page, for the records behind its rows.
    records: dict[tuple[str, int], Any] = {}
    for entry_type, (model, _) in ENTRY_TYPES.items():
        ids = [r.id for r in rows if r.type == entry_type]
        if ids:
            for record in await session.scalars(select(model).where(model.id.in_(ids))):
                records[entry_type, record.id] = record
    return [
        ENTRY_TYPES[row.type][1].model_validate(
            {"date": row.date, "record": records[row.type, row.id]}, from_attributes=True
        )
        for row in rows
    ], int(total or 0)


async def city_timeline(
    session: AsyncSession, city_id: int, params: PageParams
) -> tuple[list[Any], int]:
    entries = union_all(
        _interactions_of(InteractionCity, InteractionCity.city_id, city_id),
        _signings_of(city_id),
        _follow_ups_of(FollowUp.city_id, city_id),
    )
    return await _page(session, entries, params)


async def contact_timeline(
    session: AsyncSession, contact_id: int, params: PageParams
) -> tuple[list[Any], int]:
    entries = union_all(
        _interactions_of(InteractionContact, InteractionContact.contact_id, contact_id),
        _follow_ups_of(FollowUp.contact_id, contact_id),
    )
    return await _page(session, entries, params)
