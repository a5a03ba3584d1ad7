"""A city's or a contact's history, newest first: its interactions, its follow-ups (dated by
when they are due) and, for a city, the signing of its partnerships."""

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.db import RecordMixin
from app.follow_ups.models import FollowUp
from app.interactions.models import Interaction, InteractionCity, InteractionContact
from app.pagination import PageQuery
from app.partnerships.models import Partnership
from app.timeline.schemas import FollowUpEntry, InteractionEntry, PartnershipSigned

# Each entry type: the table its records come from and the shape a client reads.
ENTRY_TYPES: dict[str, tuple[type[RecordMixin], type[BaseModel]]] = {
    "interaction": (Interaction, InteractionEntry),
    "partnership": (Partnership, PartnershipSigned),
    "follow_up": (FollowUp, FollowUpEntry),
}


@dataclass(frozen=True)
class Source:
    """One kind of entry on a timeline: its rows as (date, id), newest first."""

    type: str
    date: Any
    id: Any
    where: tuple[Any, ...]


def _interactions_of(link: Any, column: Any, record_id: int) -> Source:
    # Leaving out archived interactions through the (small) set of archived ids keeps this a
    # backward scan of the (record, occurred_on, interaction_id) index, however long the
    # history: no join to the interaction table per link.
    archived = select(col(Interaction.id)).where(col(Interaction.archived_at).is_not(None))
    return Source(
        "interaction",
        link.occurred_on,
        link.interaction_id,
        (column == record_id, link.interaction_id.not_in(archived)),
    )


def _signings_of(city_id: int) -> Source:
    return Source(
        "partnership",
        col(Partnership.signed_on),
        col(Partnership.id),
        (
            col(Partnership.city_id) == city_id,
            col(Partnership.signed_on).is_not(None),
            col(Partnership.archived_at).is_(None),
        ),
    )


def _follow_ups_of(column: Any, record_id: int) -> Source:
    return Source(
        "follow_up",
        col(FollowUp.due_on),
        col(FollowUp.id),
        (column == record_id, col(FollowUp.archived_at).is_(None)),
    )


async def _page(
    session: AsyncSession, sources: list[Source], params: PageQuery
) -> tuple[list[Any], int]:
    """Each source gives its newest ``offset + limit`` rows; merging them gives the page.
    Newest first; on the same day by type, then the newest record first."""
    # Two round trips whatever the number of sources: all counts, then every source's newest
    # rows (each an index scan with its own ORDER BY/LIMIT).
    counts = (
        await session.execute(
            select(
                *(
                    select(func.count())
                    .select_from(source.id.table)
                    .where(*source.where)
                    .scalar_subquery()
                    for source in sources
                )
            )
        )
    ).one()
    total = sum(int(count or 0) for count in counts)
    newest = union_all(
        *(
            select(
                literal(source.type).label("type"), source.date.label("day"), source.id.label("id")
            )
            .where(*source.where)
            .order_by(source.date.desc(), source.id.desc())
            .limit(params.offset + params.limit)
            .subquery()
            .select()
            for source in sources
        )
    )
    rows = [
        (day, row_type, record_id) for row_type, day, record_id in await session.execute(newest)
    ]
    rows.sort(key=lambda row: (-row[0].toordinal(), row[1], -row[2]))
    rows = rows[params.offset : params.offset + params.limit]
    # One query per entry type on the page, for the records behind its rows.
    records: dict[tuple[str, int | None], Any] = {}
    for entry_type, (model, _) in ENTRY_TYPES.items():
        ids = [record_id for _, row_type, record_id in rows if row_type == entry_type]
        if ids:
            for record in await session.scalars(select(model).where(col(model.id).in_(ids))):
                records[entry_type, record.id] = record
    return [
        ENTRY_TYPES[row_type][1].model_validate(
            {"date": day, "record": records[row_type, record_id]}, from_attributes=True
        )
        for day, row_type, record_id in rows
    ], total


async def city_timeline(
    session: AsyncSession, city_id: int, params: PageQuery
) -> tuple[list[Any], int]:
    sources = [
        _interactions_of(InteractionCity, col(InteractionCity.city_id), city_id),
        _signings_of(city_id),
        _follow_ups_of(col(FollowUp.city_id), city_id),
    ]
    return await _page(session, sources, params)


async def contact_timeline(
    session: AsyncSession, contact_id: int, params: PageQuery
) -> tuple[list[Any], int]:
    sources = [
        _interactions_of(InteractionContact, col(InteractionContact.contact_id), contact_id),
        _follow_ups_of(col(FollowUp.contact_id), contact_id),
    ]
    return await _page(session, sources, params)
