from typing import Annotated, Any

from fastapi import APIRouter, Query

from app.audit.schemas import AuditEntity
from app.db import SessionDep
from app.events import service as events_service
from app.events.models import Event
from app.events.schemas import EventCreate, EventFilters, EventRead, EventUpdate
from app.pagination import ListQuery, Page, SortBy
from app.routing import add_record_routes

router = APIRouter(prefix="/events", tags=["events"])


class EventListQuery(EventFilters, ListQuery):
    sort: Annotated[str, SortBy(events_service.SORTABLE)] | None = None


@router.get("", response_model=Page[EventRead])
async def list_events(
    session: SessionDep, query: Annotated[EventListQuery, Query()]
) -> dict[str, Any]:
    """Events, the soonest first, each with its live invitations counted per status."""
    items, total = await events_service.list_events(session, query, query)
    return Page.build(items, total, query)


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
