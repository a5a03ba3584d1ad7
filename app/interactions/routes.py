from datetime import date
from typing import Any

from fastapi import APIRouter, Request, Response, status

from app.audit.schemas import AuditEntity
from app.auth.deps import Editor
from app.db import SessionDep
from app.fields import IdPath, IdQuery
from app.interactions import service as interactions_service
from app.interactions.models import Interaction, InteractionKind
from app.interactions.schemas import InteractionCreate, InteractionRead, InteractionUpdate
from app.pagination import Page, PageDep
from app.records import IfMatch, check_if_match, get_record, set_etag
from app.routing import add_record_routes, created

router = APIRouter(prefix="/interactions", tags=["interactions"])


@router.get("", response_model=Page[InteractionRead])
async def list_interactions(
    session: SessionDep,
    page: PageDep,
    city_id: IdQuery = None,
    contact_id: IdQuery = None,
    organization_id: IdQuery = None,
    kind: InteractionKind | None = None,
    occurred_from: date | None = None,
    occurred_to: date | None = None,
) -> dict[str, Any]:
    items, total = await interactions_service.list_interactions(
        session,
        page,
        city_id=city_id,
        contact_id=contact_id,
        organization_id=organization_id,
        kind=kind,
        occurred_from=occurred_from,
        occurred_to=occurred_to,
    )
    return Page.build(items, total, page)


@router.post("", response_model=InteractionRead, status_code=status.HTTP_201_CREATED)
async def create_interaction(
    data: InteractionCreate, session: SessionDep, user: Editor, request: Request, response: Response
) -> Interaction:
    interaction = await interactions_service.create_interaction(session, data, actor=user.username)
    return created(request, response, interaction, AuditEntity.interaction)


@router.patch("/{record_id}", response_model=InteractionRead)
async def update_interaction(
    record_id: IdPath,
    data: InteractionUpdate,
    session: SessionDep,
    user: Editor,
    response: Response,
    if_match: IfMatch = None,
) -> Interaction:
    interaction = await get_record(session, Interaction, record_id, "interaction")
    check_if_match(interaction, if_match)
    interaction = await interactions_service.update_interaction(
        session, interaction, data, actor=user.username
    )
    return set_etag(response, interaction)


add_record_routes(
    router,
    model=Interaction,
    read_schema=InteractionRead,
    entity=AuditEntity.interaction,
    noun="interaction",
)
