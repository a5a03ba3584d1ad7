from datetime import date
from typing import Any

from fastapi import APIRouter

from app.audit.schemas import AuditEntity
from app.db import SessionDep
from app.fields import IdQuery
from app.interactions import service as interactions_service
from app.interactions.models import Interaction, InteractionKind
from app.interactions.schemas import (
    InteractionCreate,
    InteractionCreated,
    InteractionRead,
    InteractionUpdate,
)
from app.pagination import Page, PageDep
from app.routing import add_record_routes

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


add_record_routes(
    router,
    model=Interaction,
    read_schema=InteractionRead,
    create_schema=InteractionCreate,
    update_schema=InteractionUpdate,
    create=lambda session, data, actor, _settings: interactions_service.create_interaction(
        session, data, actor=actor
    ),
    update=lambda session, record, data, actor, _settings: interactions_service.update_interaction(
        session, record, data, actor=actor
    ),
    entity=AuditEntity.interaction,
    noun="interaction",
    created_schema=InteractionCreated,
)
