from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query

from app.audit.schemas import AuditEntity
from app.clock import TodayDep
from app.db import SessionDep
from app.fields import IdQuery
from app.follow_ups import service as follow_ups_service
from app.follow_ups.models import FollowUp, FollowUpStatus
from app.follow_ups.schemas import FollowUpCreate, FollowUpRead, FollowUpUpdate
from app.pagination import Page, PageDep
from app.routing import add_record_routes

router = APIRouter(prefix="/follow-ups", tags=["follow-ups"])


@router.get("", response_model=Page[FollowUpRead])
async def list_follow_ups(
    session: SessionDep,
    page: PageDep,
    today: TodayDep,
    status: FollowUpStatus | None = None,
    assignee_id: IdQuery = None,
    due_before: Annotated[
        date | None,
        Query(description="Due strictly before this date (exclusive: the date itself is not)"),
    ] = None,
    due_after: Annotated[
        date | None,
        Query(description="Due strictly after this date (exclusive: the date itself is not)"),
    ] = None,
    overdue: Annotated[
        bool | None,
        Query(
            description="true: open and due before today (in CRM_TIME_ZONE); "
            "false: every follow-up that is not overdue"
        ),
    ] = None,
    contact_id: IdQuery = None,
    city_id: IdQuery = None,
    organization_id: IdQuery = None,
    interaction_id: IdQuery = None,
    event_id: IdQuery = None,
) -> dict[str, Any]:
    """Follow-ups, soonest due first (sort by due_on, status, created_at, title or id); ``q``
    matches a part of the title, ignoring case."""
    items, total = await follow_ups_service.list_follow_ups(
        session,
        page,
        status=status,
        assignee_id=assignee_id,
        due_before=due_before,
        due_after=due_after,
        overdue=overdue,
        today=today,
        links={
            "contact_id": contact_id,
            "city_id": city_id,
            "organization_id": organization_id,
            "interaction_id": interaction_id,
            "event_id": event_id,
        },
    )
    return Page.build(items, total, page)


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
