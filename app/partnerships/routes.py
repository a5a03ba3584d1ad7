from typing import Any

from fastapi import APIRouter, Request, Response, status

from app.audit.schemas import AuditEntity
from app.auth.deps import Editor
from app.config import SettingsDep
from app.db import SessionDep
from app.fields import IdPath, IdQuery
from app.pagination import Page, PageDep
from app.partnerships import service as partnerships_service
from app.partnerships.models import Partnership, PartnershipKind, PartnershipStatus
from app.partnerships.schemas import PartnershipCreate, PartnershipRead, PartnershipUpdate
from app.records import IfMatch, check_if_match, get_record, set_etag
from app.routing import add_record_routes, created

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


@router.post("", response_model=PartnershipRead, status_code=status.HTTP_201_CREATED)
async def create_partnership(
    data: PartnershipCreate,
    session: SessionDep,
    user: Editor,
    settings: SettingsDep,
    request: Request,
    response: Response,
) -> Partnership:
    partnership = await partnerships_service.create_partnership(
        session, data, actor=user.username, home_city=settings.home_city
    )
    return created(request, response, partnership, AuditEntity.partnership)


@router.patch("/{record_id}", response_model=PartnershipRead)
async def update_partnership(
    record_id: IdPath,
    data: PartnershipUpdate,
    session: SessionDep,
    user: Editor,
    settings: SettingsDep,
    response: Response,
    if_match: IfMatch = None,
) -> Partnership:
    partnership = await get_record(session, Partnership, record_id, "partnership")
    check_if_match(partnership, if_match)
    partnership = await partnerships_service.update_partnership(
        session, partnership, data, actor=user.username, home_city=settings.home_city
    )
    return set_etag(response, partnership)


add_record_routes(
    router,
    model=Partnership,
    read_schema=PartnershipRead,
    entity=AuditEntity.partnership,
    noun="partnership",
)
