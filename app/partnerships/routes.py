from typing import Annotated, Any

from fastapi import APIRouter, Query

from app.audit.schemas import AuditEntity
from app.db import SessionDep
from app.pagination import ListQuery, Page, SortBy
from app.partnerships import service as partnerships_service
from app.partnerships.models import Partnership
from app.partnerships.schemas import (
    PartnershipCreate,
    PartnershipFilters,
    PartnershipRead,
    PartnershipUpdate,
)
from app.routing import add_record_routes

router = APIRouter(prefix="/partnerships", tags=["partnerships"])


class PartnershipListQuery(PartnershipFilters, ListQuery):
    sort: Annotated[str, SortBy(partnerships_service.SORTABLE)] | None = None


@router.get("", response_model=Page[PartnershipRead])
async def list_partnerships(
    session: SessionDep, query: Annotated[PartnershipListQuery, Query()]
) -> dict[str, Any]:
    items, total = await partnerships_service.list_partnerships(session, query, query)
    return Page.build(items, total, query)


add_record_routes(
    router,
    model=Partnership,
    read_schema=PartnershipRead,
    create_schema=PartnershipCreate,
    update_schema=PartnershipUpdate,
    create=lambda session, data, actor, settings: partnerships_service.create_partnership(
        session, data, actor=actor, home_city=settings.home_city
    ),
    update=lambda session, record, data, actor, settings: partnerships_service.update_partnership(
        session, record, data, actor=actor, home_city=settings.home_city
    ),
    entity=AuditEntity.partnership,
    noun="partnership",
    check_restorable=partnerships_service.check_restorable,
)
