from typing import Any

from sqlalchemy import exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.audit.schemas import AuditEntity
from app.cities.models import City
from app.cities.schemas import CityCreate, CityFilters, CityUpdate
from app.contacts import service as contacts_service
from app.contacts.models import Contact
from app.db import id_column
from app.errors import Conflict
from app.interactions.models import InteractionCity
from app.pagination import ListQuery, paginate
from app.partnerships.models import Partnership, PartnershipStatus
from app.records import (
    archive_many,
    archive_record,
    changed_fields,
    conflict_with,
    create_record,
    update_record,
)
from app.text import fold, like_pattern, search_text

SORTABLE = {
    "name": col(City.name_key),
    "country_code": col(City.country_code),
    "population": col(City.population),
    "created_at": col(City.created_at),
    "updated_at": col(City.updated_at),
    "id": col(City.id),
}


def _refresh_search(city: City) -> None:
    city.name_key = fold(city.name)[:200]
    city.search_text = search_text(city.name, city.alternate_names, pairs=True)


async def list_cities(
    session: AsyncSession, page: ListQuery, filters: CityFilters
) -> tuple[list[City], int]:
    stmt = select(City)
    if not filters.include_archived:
        stmt = stmt.where(col(City.archived_at).is_(None))
    if filters.country_code:
        stmt = stmt.where(col(City.country_code) == filters.country_code)
    if filters.partnership_kind:
        stmt = stmt.where(
            exists().where(
                col(Partnership.city_id) == col(City.id),
                col(Partnership.kind) == filters.partnership_kind,
                col(Partnership.archived_at).is_(None),
            )
        )
    if filters.q:
        stmt = stmt.where(
            col(City.search_text).like(like_pattern(filters.q, pairs=True), escape="\\")
        )
    return await paginate(
        session,
        stmt,
        page,
        sortable=SORTABLE,
        default_order=[col(City.name_key)],
        tiebreak=col(City.id),
    )


def _same_region(a: str | None, b: str | None) -> bool:
    """Regions tell two cities of one name apart only when both have one."""
    return not a or not b or fold(a) == fold(b)


async def _check_not_duplicate(
    session: AsyncSession,
    *,
    name: str,
    alternate_names: list[str],
    country_code: str | None,
    region: str | None,
    exclude_id: int | None = None,
) -> None:
    """A live city is a duplicate if, in the same country (and region, when both have one),
    its name is the new city's name or one of its alternate names, or the other way round
    (folded: case, accents and Chinese script do not count)."""
    key = fold(name)
    new_alternates = {fold(n) for n in alternate_names} - {""}
    stmt = select(City).where(
        col(City.archived_at).is_(None),
        col(City.country_code).is_(None)
        if country_code is None
        else col(City.country_code) == country_code,
        # The index narrows it down; the exact comparison is below.
        or_(
            col(City.name_key).in_([key[:200], *new_alternates]),
            col(City.search_text).like(like_pattern(key), escape="\\"),
        ),
    )
    if exclude_id is not None:
        stmt = stmt.where(col(City.id) != exclude_id)
    for other in await session.scalars(stmt.order_by(col(City.id))):
        assert other.id is not None
        other_names = {fold(n) for n in [other.name, *other.alternate_names]}
        if (key in other_names or fold(other.name) in new_alternates) and _same_region(
            region, other.region
        ):
            where = ", ".join(p for p in (other.region, other.country_code) if p)
            raise conflict_with(
                "city",
                other.id,
                f"City {other.id} ({other.name}{', ' + where if where else ''}) already has "
                f"this name; change that city, or give both cities their region",
            )


async def create_city(session: AsyncSession, data: CityCreate, *, actor: str) -> City:
    await _check_not_duplicate(
        session,
        name=data.name,
        alternate_names=data.alternate_names,
        country_code=data.country_code,
        region=data.region,
    )
    city = City(**data.model_dump())
    _refresh_search(city)
    return await create_record(session, city, actor=actor, entity=AuditEntity.city, extra={})


_IDENTITY = ("name", "alternate_names", "country_code", "region")


async def _check_identity(session: AsyncSession, city: City, values: dict[str, Any]) -> None:
    merged = {field: values.get(field, getattr(city, field)) for field in _IDENTITY}
    await _check_not_duplicate(session, **merged, exclude_id=city.id)


async def update_city(session: AsyncSession, city: City, data: CityUpdate, *, actor: str) -> City:
    values = changed_fields(data)
    if city.archived_at is None and any(
        field in values and values[field] != getattr(city, field) for field in _IDENTITY
    ):
        await _check_identity(session, city, values)
    if "country_code" in values and values["country_code"] != city.country_code:
        # Its contacts and its interactions' links keep their city's country
        # (contact.country_code, interaction_city.country_code).
        for table in (Contact, InteractionCity):
            await session.execute(
                update(table)
                .where(col(table.city_id) == city.id)
                .values(country_code=values["country_code"])
            )
    return await update_record(
        session, city, values, actor=actor, entity=AuditEntity.city, refresh=_refresh_search
    )


async def check_restorable(session: AsyncSession, city: City) -> None:
    """A city comes back only if no live city took its name meanwhile."""
    await _check_identity(session, city, {})


# How many of a city's contacts and partnerships a refused archive names one by one.
LISTED = 50


async def archive_city(session: AsyncSession, city: City, *, actor: str, cascade: bool) -> City:
    """Archive a city. Its live contacts and active partnerships would be left pointing at an
    archived city, so they block it (409, naming them) unless ``cascade``: then they are
    archived with it (the contacts' planned invitations cancelled), each audited."""
    if city.archived_at is not None:
        return city
    contacts = (
        await session.execute(
            select(id_column(Contact), col(Contact.full_name))
            .where(col(Contact.city_id) == city.id, col(Contact.archived_at).is_(None))
            .order_by(col(Contact.name_key), col(Contact.id))
        )
    ).all()
    partnerships = (
        await session.execute(
            select(id_column(Partnership), col(Partnership.kind))
            .where(
                col(Partnership.city_id) == city.id,
                col(Partnership.status) == PartnershipStatus.active,
                col(Partnership.archived_at).is_(None),
            )
            .order_by(col(Partnership.id))
        )
    ).all()
    if (contacts or partnerships) and not cascade:
        parts = [f"{len(contacts)} live contact(s)"] * bool(contacts) + [
            f"{len(partnerships)} active partnership(s)"
        ] * bool(partnerships)
        raise Conflict(
            f"City {city.id} ({city.name}) still has {' and '.join(parts)}; archive or move "
            "them first, or archive the city with cascade=true to archive them with it",
            contact_count=len(contacts),
            contacts=[{"id": i, "full_name": n} for i, n in contacts[:LISTED]],
            partnership_count=len(partnerships),
            partnerships=[{"id": i, "kind": k} for i, k in partnerships[:LISTED]],
        )
    await contacts_service.archive_contacts(session, [i for i, _ in contacts], actor=actor)
    await archive_many(
        session,
        Partnership,
        [i for i, _ in partnerships],
        actor=actor,
        entity=AuditEntity.partnership,
    )
    return await archive_record(session, city, actor=actor, entity=AuditEntity.city)


async def countries_in_use(session: AsyncSession) -> list[str]:
    """The countries of the live cities (codes), for a list's country filter."""
    rows = await session.scalars(
        select(col(City.country_code))
        .where(col(City.archived_at).is_(None), col(City.country_code).is_not(None))
        .distinct()
    )
    return sorted(code for code in rows if code)
