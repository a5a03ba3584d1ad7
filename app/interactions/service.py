from datetime import date
from typing import Any

from sqlalchemy import delete, exists, insert, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.audit.schemas import AuditEntity
from app.cities.models import City
from app.contacts.models import Contact
from app.db import id_column
from app.errors import InvalidInput
from app.follow_ups import service as follow_ups_service
from app.follow_ups.models import FollowUp
from app.follow_ups.schemas import FollowUpCreate, FollowUpDraft
from app.interactions.models import (
    Interaction,
    InteractionCity,
    InteractionContact,
    InteractionOrganization,
)
from app.interactions.schemas import (
    InteractionCreate,
    InteractionFilters,
    InteractionUpdate,
    attach_follow_up,
)
from app.organizations.models import Organization
from app.pagination import ListQuery, paginate
from app.records import changed_fields, create_record, get_references, update_record
from app.text import like_pattern, search_text

SORTABLE = {
    "occurred_on": col(Interaction.occurred_on),
    "kind": col(Interaction.kind),
    "title": col(Interaction.title),
    "created_at": col(Interaction.created_at),
    "id": col(Interaction.id),
}

LINK_FIELDS = ("contact_ids", "city_ids", "organization_ids")


def _refresh_search(interaction: Interaction) -> None:
    interaction.search_text = search_text(interaction.title, interaction.location)


async def list_interactions(
    session: AsyncSession, page: ListQuery, filters: InteractionFilters
) -> tuple[list[Interaction], int]:
    occurred_from, occurred_to = filters.occurred_from, filters.occurred_to
    if occurred_from and occurred_to and occurred_to < occurred_from:
        detail = "occurred_to is before occurred_from"
        raise InvalidInput(
            detail, errors=[{"parameter": "occurred_to", "in": "query", "detail": detail}]
        )
    stmt = select(Interaction)
    if not filters.include_archived:
        stmt = stmt.where(col(Interaction.archived_at).is_(None))
    if filters.city_id is not None:
        stmt = stmt.where(
            exists().where(
                col(InteractionCity.interaction_id) == col(Interaction.id),
                col(InteractionCity.city_id) == filters.city_id,
            )
        )
    if filters.contact_id is not None:
        stmt = stmt.where(
            exists().where(
                col(InteractionContact.interaction_id) == col(Interaction.id),
                col(InteractionContact.contact_id) == filters.contact_id,
            )
        )
    if filters.organization_id is not None:
        stmt = stmt.where(
            exists().where(
                col(InteractionOrganization.interaction_id) == col(Interaction.id),
                col(InteractionOrganization.organization_id) == filters.organization_id,
            )
        )
    if filters.kind is not None:
        stmt = stmt.where(col(Interaction.kind) == filters.kind)
    if occurred_from is not None:
        stmt = stmt.where(col(Interaction.occurred_on) >= occurred_from)
    if occurred_to is not None:
        stmt = stmt.where(col(Interaction.occurred_on) <= occurred_to)
    if filters.q:
        stmt = stmt.where(col(Interaction.search_text).like(like_pattern(filters.q), escape="\\"))
    return await paginate(
        session,
        stmt,
        page,
        sortable=SORTABLE,
        default_order=[col(Interaction.occurred_on).desc()],
        tiebreak=col(Interaction.id).desc(),
    )


async def latest_interactions(
    session: AsyncSession, *, until: date, limit: int
) -> list[Interaction]:
    """The newest live interactions up to ``until``, newest first: a page of
    ``list_interactions`` without its count of every matching row (the home page's list)."""
    stmt = (
        select(Interaction)
        .where(col(Interaction.archived_at).is_(None), col(Interaction.occurred_on) <= until)
        .order_by(col(Interaction.occurred_on).desc(), col(Interaction.id).desc())
        .limit(limit)
    )
    return list((await session.scalars(stmt)).all())


async def _resolve_links(
    session: AsyncSession,
    *,
    contact_ids: list[int],
    direct_city_ids: list[int],
    organization_ids: list[int],
    current: Interaction | None = None,
) -> dict[str, list[int]]:
    """Check every referenced record, and add the cities of the named contacts. Links the
    interaction already has may point at records archived since."""
    contacts = await get_references(
        session,
        Contact,
        contact_ids,
        field="contact_ids",
        noun="contact",
        already_linked=current.contact_ids if current else (),
    )
    await get_references(
        session,
        City,
        direct_city_ids,
        field="city_ids",
        noun="city",
        already_linked=current.city_ids if current else (),
    )
    await get_references(
        session,
        Organization,
        organization_ids,
        field="organization_ids",
        noun="organization",
        already_linked=current.organization_ids if current else (),
    )
    via_contacts = [city_id for c in contact_ids if (city_id := contacts[c].city_id) is not None]
    return {
        "contact_ids": contact_ids,
        "direct_city_ids": direct_city_ids,
        "city_ids": list(dict.fromkeys([*direct_city_ids, *via_contacts])),
        "organization_ids": organization_ids,
    }


async def _write_links(
    session: AsyncSession, interaction: Interaction, links: dict[str, list[int]]
) -> None:
    interaction_id, occurred_on = interaction.id, interaction.occurred_on
    for table in (InteractionContact, InteractionCity, InteractionOrganization):
        await session.execute(delete(table).where(col(table.interaction_id) == interaction_id))
    direct = set(links["direct_city_ids"])
    # Each city link carries its city's country (the engagement report counts by it).
    countries: dict[int, str | None] = {}
    if links["city_ids"]:
        found = await session.execute(
            select(id_column(City), col(City.country_code)).where(
                col(City.id).in_(links["city_ids"])
            )
        )
        countries = {city_id: code for city_id, code in found}
    rows: list[tuple[Any, list[dict[str, Any]]]] = [
        (
            InteractionContact,
            [
                {"interaction_id": interaction_id, "contact_id": i, "occurred_on": occurred_on}
                for i in links["contact_ids"]
            ],
        ),
        (
            InteractionCity,
            [
                {
                    "interaction_id": interaction_id,
                    "city_id": i,
                    "occurred_on": occurred_on,
                    "direct": i in direct,
                    "country_code": countries[i],
                }
                for i in links["city_ids"]
            ],
        ),
        (
            InteractionOrganization,
            [
                {"interaction_id": interaction_id, "organization_id": i, "occurred_on": occurred_on}
                for i in links["organization_ids"]
            ],
        ),
    ]
    for table, values in rows:
        if values:
            await session.execute(insert(table), values)


async def create_interaction(
    session: AsyncSession, data: InteractionCreate, *, actor: str
) -> Interaction:
    links = await _resolve_links(
        session,
        contact_ids=data.contact_ids,
        direct_city_ids=data.city_ids,
        organization_ids=data.organization_ids,
    )
    if data.follow_up is not None:
        # Checked before anything is written, and named where the client wrote it.
        await follow_ups_service.check_references(
            session, data.follow_up.model_dump(), prefix="follow_up/"
        )
    interaction = Interaction(
        **data.model_dump(exclude={*LINK_FIELDS, "follow_up"}),
        contact_ids=links["contact_ids"],
        city_ids=links["city_ids"],
        organization_ids=links["organization_ids"],
    )
    _refresh_search(interaction)
    await create_record(session, interaction, actor=actor, entity=AuditEntity.interaction, extra={})
    await _write_links(session, interaction, links)
    if data.follow_up is not None:
        follow_up = await _create_follow_up(session, interaction, data.follow_up, actor=actor)
        attach_follow_up(interaction, follow_up)
    return interaction


async def _create_follow_up(
    session: AsyncSession, interaction: Interaction, draft: FollowUpDraft, *, actor: str
) -> FollowUp:
    """The follow-up of a new interaction: about the interaction and, unless the draft names
    its own, its first contact and its first city (the cities it names come first, then its
    contacts' cities, which may have been archived since: those are skipped)."""
    live_cities = set(
        await session.scalars(
            select(col(City.id)).where(
                col(City.id).in_(interaction.city_ids), col(City.archived_at).is_(None)
            )
        )
    )
    derived = {
        "contact_id": next(iter(interaction.contact_ids), None),
        "city_id": next((c for c in interaction.city_ids if c in live_cities), None),
    }
    values = {**derived, **draft.model_dump(exclude_unset=True)}
    return await follow_ups_service.create_follow_up(
        session,
        FollowUpCreate(**{**draft.model_dump(), **values}, interaction_id=interaction.id),
        actor=actor,
    )


async def _direct_city_ids(session: AsyncSession, interaction_id: int) -> list[int]:
    rows = await session.scalars(
        select(col(InteractionCity.city_id)).where(
            col(InteractionCity.interaction_id) == interaction_id,
            col(InteractionCity.direct).is_(True),
        )
    )
    return list(rows.all())


async def update_interaction(
    session: AsyncSession, interaction: Interaction, data: InteractionUpdate, *, actor: str
) -> Interaction:
    assert interaction.id is not None
    values = changed_fields(data)
    links = None
    if any(field in values for field in (*LINK_FIELDS, "occurred_on")):
        direct = values.get("city_ids")
        if direct is None:
            direct = await _direct_city_ids(session, interaction.id)
        links = await _resolve_links(
            session,
            contact_ids=values.get("contact_ids", interaction.contact_ids),
            direct_city_ids=direct,
            organization_ids=values.get("organization_ids", interaction.organization_ids),
            current=interaction,
        )
        values.update({field: links[field] for field in LINK_FIELDS})
    await update_record(
        session,
        interaction,
        values,
        actor=actor,
        entity=AuditEntity.interaction,
        refresh=_refresh_search,
    )
    if links is not None:
        await _write_links(session, interaction, links)
    return interaction
