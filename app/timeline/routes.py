from typing import Annotated, Any

from fastapi import APIRouter, Query

from app.cities.models import City
from app.contacts.models import Contact
from app.db import SessionDep
from app.fields import IdPath
from app.pagination import Page, PageQuery
from app.records import get_record
from app.timeline import service as timeline_service
from app.timeline.schemas import TimelinePage

router = APIRouter(tags=["timeline"])

# A timeline has its own order (newest first) and no filters: paging only.
TimelineQuery = Annotated[PageQuery, Query()]


@router.get("/cities/{record_id}/timeline", response_model=TimelinePage)
async def city_timeline(
    record_id: IdPath, session: SessionDep, page: TimelineQuery
) -> dict[str, Any]:
    """The city's interactions (named, or through its contacts), partnership signings and the
    follow-ups linked to the city (dated by when they are due), newest first."""
    city = await get_record(session, City, record_id, "city")
    assert city.id is not None
    items, total = await timeline_service.city_timeline(session, city.id, page)
    return Page.build(items, total, page)


@router.get("/contacts/{record_id}/timeline", response_model=TimelinePage)
async def contact_timeline(
    record_id: IdPath, session: SessionDep, page: TimelineQuery
) -> dict[str, Any]:
    """The contact's interactions and the follow-ups linked to the contact (dated by when they
    are due), newest first."""
    contact = await get_record(session, Contact, record_id, "contact")
    assert contact.id is not None
    items, total = await timeline_service.contact_timeline(session, contact.id, page)
    return Page.build(items, total, page)
