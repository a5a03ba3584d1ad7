from typing import Annotated, Any

from fastapi import APIRouter, Query

from app.audit.schemas import AuditEntity
from app.clock import TodayDep
from app.db import SessionDep
from app.follow_ups import service as follow_ups_service
from app.follow_ups.models import FollowUp
from app.follow_ups.schemas import (
    FollowUpCreate,
    FollowUpFilters,
    FollowUpRead,
    FollowUpUpdate,
)
from app.pagination import ListQuery, Page, SortBy
from app.routing import add_record_routes

router = APIRouter(prefix="/follow-ups", tags=["follow-ups"])


class FollowUpListQuery(FollowUpFilters, ListQuery):
    sort: Annotated[str, SortBy(follow_ups_service.SORTABLE)] | None = None


@router.get("", response_model=Page[FollowUpRead])
async def list_follow_ups(
    session: SessionDep, query: Annotated[FollowUpListQuery, Query()], today: TodayDep
) -> dict[str, Any]:
    """Follow-ups, soonest due first (sort by due_on, status, created_at, title or id); ``q``
    matches a part of the title, ignoring case."""
    items, total = await follow_ups_service.list_follow_ups(session, query, query, today=today)
    return Page.build(items, total, query)


add_record_routes(
    router,
    model=FollowUp,
    read_schema=FollowUpRead,
    create_schema=FollowUpCreate,
    update_schema=FollowUpUpdate,
    create=lambda session, data, actor, _settings: follow_ups_service.create_follow_up(
        session, data, actor=actor
    ),
    update=lambda session, record, data, actor, _settings: follow_ups_service.update_follow_up(
        session, record, data, actor=actor
    ),
    entity=AuditEntity.follow_up,
    noun="follow-up",
)
