from typing import Any

from fastapi import APIRouter

from app.audit.schemas import AuditEntity
from app.db import SessionDep
from app.fields import IdQuery
from app.pagination import Page, PageDep
from app.partnerships import service as partnerships_service
from app.partnerships.models import Partnership, PartnershipKind, PartnershipStatus
from app.partnerships.schemas import PartnershipCreate, PartnershipRead, PartnershipUpdate
from app.routing import add_record_routes

router = APIRouter(prefix="/partnerships", tags=["partnerships"])


@router.get("", response_model=Page[PartnershipRead])
async def list_partnerships(
    session: SessionDep,
    page: PageDep,
    city_id: IdQuery = None,
    kind: PartnershipKind | None = None,
    status: PartnershipStatus | None = None,
) -> dict[str, Any]:
    items, total = await partnerships_service.list_partnerships(
        session, page, city_id=city_id, kind=kind, status=status
    )
    return Page.build(items, total, page)


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
