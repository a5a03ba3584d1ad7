from typing import Annotated, Any

from fastapi import APIRouter, Query

from app.audit.schemas import AuditEntity
from app.cities import service as cities_service
from app.cities.models import City
from app.cities.schemas import CityCreate, CityFilters, CityRead, CityUpdate
from app.db import SessionDep
from app.fields import QueryBool
from app.pagination import ListQuery, Page, SortBy
from app.routing import add_record_routes

router = APIRouter(prefix="/cities", tags=["cities"])


class CityListQuery(CityFilters, ListQuery):
    sort: Annotated[str, SortBy(cities_service.SORTABLE)] | None = None


def archive_options(
    cascade: Annotated[
        QueryBool,
        Query(
            description="Also archive the city's live contacts (cancelling their planned "
            "invitations) and its active partnerships; without it, a city that has any is "
            "not archived (409 naming them)"
        ),
    ] = False,
) -> bool:
    return cascade


@router.get("", response_model=Page[CityRead])
async def list_cities(
    session: SessionDep, query: Annotated[CityListQuery, Query()]
) -> dict[str, Any]:
    items, total = await cities_service.list_cities(session, query, query)
    return Page.build(items, total, query)


add_record_routes(
    router,
    model=City,
    read_schema=CityRead,
    create_schema=CityCreate,
    update_schema=CityUpdate,
    create=lambda session, data, actor, _settings: cities_service.create_city(
        session, data, actor=actor
    ),
    update=lambda session, city, data, actor, _settings: cities_service.update_city(
        session, city, data, actor=actor
    ),
    entity=AuditEntity.city,
    noun="city",
    check_restorable=cities_service.check_restorable,
    archive=lambda session, city, actor, cascade: cities_service.archive_city(
        session, city, actor=actor, cascade=cascade
    ),
    archive_options=archive_options,
)
