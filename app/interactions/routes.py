from typing import Annotated, Any

from fastapi import APIRouter, Query

from app.audit.schemas import AuditEntity
from app.db import SessionDep
from app.interactions import service as interactions_service
from app.interactions.models import Interaction
from app.interactions.schemas import (
    InteractionCreate,
    InteractionCreated,
    InteractionFilters,
    InteractionRead,
    InteractionUpdate,
)
from app.pagination import ListQuery, Page, SortBy
from app.routing import add_record_routes

router = APIRouter(prefix="/interactions", tags=["interactions"])


class InteractionListQuery(InteractionFilters, ListQuery):
    sort: Annotated[str, SortBy(interactions_service.SORTABLE)] | None = None


@router.get("", response_model=Page[InteractionRead])
async def list_interactions(
    session: SessionDep, query: Annotated[InteractionListQuery, Query()]
) -> dict[str, Any]:
    items, total = await interactions_service.list_interactions(session, query, query)
    return Page.build(items, total, query)


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
