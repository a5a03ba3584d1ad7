from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query

from app.audit.schemas import AuditEntity
from app.db import SessionDep
from app.events import service as events_service
from app.events.models import Event
from app.events.schemas import EventCreate, EventRead, EventUpdate
from app.fields import IdQuery
from app.pagination import Page, PageDep
from app.routing import add_record_routes

router = APIRouter(prefix="/events", tags=["events"])


@router.get("", response_model=Page[EventRead])
async def list_events(
    session: SessionDep,
    page: PageDep,
    city_id: IdQuery = None,
    host_organization_id: IdQuery = None,
    starts_after: Annotated[
        date | None, Query(description="Starting strictly after this date (exclusive)")
    ] = None,
    starts_before: Annotated[
        date | None, Query(description="Starting strictly before this date (exclusive)")
    ] = None,
) -> dict[str, Any]:
    """Events, the soonest first, each with its live invitations counted per status."""
    items, total = await events_service.list_events(
        session,
        page,
        city_id=city_id,
        host_organization_id=host_organization_id,
        starts_after=starts_after,
        starts_before=starts_before,
    )
    return Page.build(items, total, page)


add_record_routes(
    router,
    model=Event,
    read_schema=EventRead,
    create_schema=EventCreate,
    update_schema=EventUpdate,
    create=lambda session, data, actor, _settings: events_service.create_event(
        session, data, actor=actor
    ),
    update=lambda session, event, data, actor, _settings: events_service.update_event(
        session, event, data, actor=actor
    ),
    entity=AuditEntity.event,
    noun="event",
    present=lambda session, event: events_service.load_invitation_counts(session, [event]),
)
