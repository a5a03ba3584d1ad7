from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response, status

from app.audit.schemas import AuditEntity
from app.auth.deps import Editor
from app.cities import service as cities_service
from app.cities.models import City
from app.cities.schemas import CityCreate, CityRead, CityUpdate
from app.db import SessionDep
from app.fields import CountryCode, IdPath
from app.pagination import Page, PageDep
from app.partnerships.models import PartnershipKind
from app.records import IfMatch, check_if_match, get_record, set_etag
from app.routing import add_record_routes, created

router = APIRouter(prefix="/cities", tags=["cities"])


@router.get("", response_model=Page[CityRead])
async def list_cities(
    session: SessionDep,
    page: PageDep,
    country_code: Annotated[CountryCode | None, Query()] = None,
    partnership_kind: PartnershipKind | None = None,
) -> dict[str, Any]:
    items, total = await cities_service.list_cities(
        session, page, country_code=country_code, partnership_kind=partnership_kind
    )
    return Page.build(items, total, page)


@router.post("", response_model=CityRead, status_code=status.HTTP_201_CREATED)
async def create_city(
    data: CityCreate, session: SessionDep, user: Editor, request: Request, response: Response
) -> City:
    city = await cities_service.create_city(session, data, actor=user.username)
    return created(request, response, city, AuditEntity.city)


@router.patch("/{record_id}", response_model=CityRead)
async def update_city(
    record_id: IdPath,
    data: CityUpdate,
    session: SessionDep,
    user: Editor,
    response: Response,
    if_match: IfMatch = None,
) -> City:
    city = await get_record(session, City, record_id, "city")
    check_if_match(city, if_match)
    city = await cities_service.update_city(session, city, data, actor=user.username)
    return set_etag(response, city)


add_record_routes(router, model=City, read_schema=CityRead, entity=AuditEntity.city, noun="city")
