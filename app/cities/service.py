from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.schemas import AuditEntity
from app.cities.models import City
from app.cities.schemas import CityCreate, CityFilters, CityUpdate
from app.pagination import ListQuery, paginate
from app.partnerships.models import Partnership
from app.records import (
    changed_fields,
    create_record,
    get_reference,
    reject_null,
    update_record,
)
from app.text import fold, like_pattern, search_text

SORTABLE = {
    "name": City.name_key,
    "country_code": City.country_code,
    "population": City.population,
    "created_at": City.created_at,
    "updated_at": City.updated_at,
    "id": City.id,
}


def _refresh_search(city: City) -> None:
    city.name_key = fold(city.name)[:200]
    city.search_text = search_text(city.name, city.alternate_names, pairs=True)


async def list_cities(
    session: AsyncSession, page: ListQuery, filters: CityFilters
) -> tuple[list[City], int]:
    stmt = select(City)
    if not filters.include_archived:
        stmt = stmt.where(City.archived_at.is_(None))
    if filters.country_code:
        stmt = stmt.where(City.country_code == filters.country_code)
    if filters.partnership_kind:
        stmt = stmt.where(
            exists().where(
                Partnership.city_id == City.id,
                Partnership.kind == filters.partnership_kind,
                Partnership.archived_at.is_(None),
            )
        )
    if filters.q:
        stmt = stmt.where(City.search_text.like(like_pattern(filters.q, pairs=True), escape="\\"))
    return await paginate(
        session,
        stmt,
        page,
        sortable=SORTABLE,
        default_order=[City.name_key],
        tiebreak=City.id,
    )


async def create_city(session: AsyncSession, data: CityCreate, *, actor: str) -> City:
    city = City(**data.model_dump())
    _refresh_search(city)
    return await create_record(session, city, actor=actor, entity=AuditEntity.city, extra={})


async def update_city(session: AsyncSession, city: City, data: CityUpdate, *, actor: str) -> City:
    values = changed_fields(data)
    reject_null(values, "name", "alternate_names")
    return await update_record(
        session, city, values, actor=actor, entity=AuditEntity.city, refresh=_refresh_search
    )


async def city_reference(session: AsyncSession, city_id: int, field: str = "city_id") -> City:
    return await get_reference(session, City, city_id, field=field, noun="city")
