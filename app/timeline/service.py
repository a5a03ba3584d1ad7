"""A city's or a contact's history, newest first: its interactions and, for a city, the
signing of its partnerships."""

from typing import Any

from sqlalchemy import func, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from app.interactions.models import Interaction, InteractionCity, InteractionContact
from app.pagination import PageParams
from app.partnerships.models import Partnership
from app.timeline.schemas import InteractionEntry, PartnershipSigned


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
    interaction_ids = [r.id for r in rows if r.type == "interaction"]
    partnership_ids = [r.id for r in rows if r.type == "partnership"]
    interactions = (
        {
            i.id: i
            for i in await session.scalars(
                select(Interaction).where(Interaction.id.in_(interaction_ids))
            )
        }
        if interaction_ids
        else {}
    )
    partnerships = (
        {
            p.id: p
            for p in await session.scalars(
                select(Partnership).where(Partnership.id.in_(partnership_ids))
            )
        }
        if partnership_ids
        else {}
    )
    items: list[Any] = []
    for row in rows:
        if row.type == "interaction":
            record = interactions[row.id]
            items.append(
                InteractionEntry.model_validate(
                    {"date": row.date, "record": record}, from_attributes=True
                )
            )
        else:
            record = partnerships[row.id]
            items.append(
                PartnershipSigned.model_validate(
                    {"date": row.date, "record": record}, from_attributes=True
                )
            )
    return items, int(total or 0)


async def city_timeline(
    session: AsyncSession, city_id: int, params: PageParams
) -> tuple[list[Any], int]:
    entries = union_all(
        _interactions_of(InteractionCity, InteractionCity.city_id, city_id),
        _signings_of(city_id),
    )
    return await _page(session, entries, params)


async def contact_timeline(
    session: AsyncSession, contact_id: int, params: PageParams
) -> tuple[list[Any], int]:
    return await _page(
        session,
        _interactions_of(InteractionContact, InteractionContact.contact_id, contact_id),
        params,
    )
