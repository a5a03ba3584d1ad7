from fastapi import APIRouter, Request, Response

from app.auth.deps import CurrentUserRecord
from app.calendar import service as calendar_service
from app.calendar.schemas import CalendarTokenRead
from app.db import SessionDep

router = APIRouter(tags=["calendar"])  # the user's calendar token (needs a bearer token)
feed_router = APIRouter(tags=["calendar"])  # the .ics feed itself (its secret is the credential)

ICALENDAR_MEDIA_TYPE = "text/calendar; charset=utf-8"


def _token_read(request: Request, token: str | None) -> CalendarTokenRead:
    url = str(request.url_for("calendar_feed", token=token)) if token else None
    return CalendarTokenRead(token=token, url=url)


@router.get("/users/me/calendar-token", response_model=CalendarTokenRead)
async def read_calendar_token(user: CurrentUserRecord, request: Request) -> CalendarTokenRead:
    """Your calendar feed's secret address (``token`` and ``url`` are null until you make
    one with POST)."""
    return _token_read(request, user.calendar_token)


@router.post("/users/me/calendar-token", response_model=CalendarTokenRead)
async def rotate_calendar_token(
    user: CurrentUserRecord, session: SessionDep, request: Request
) -> CalendarTokenRead:
    """Make your calendar feed's secret address, or replace it: the old address stops working
    at once (do this if it leaked)."""
    token = await calendar_service.rotate_token(session, user, actor=user.username)
    return _token_read(request, token)


@feed_router.get(
    "/calendar/{token}.ics",
    name="calendar_feed",
    response_class=Response,
    responses={200: {"description": "An iCalendar feed", "content": {"text/calendar": {}}}},
)
async def calendar_feed(token: str, session: SessionDep) -> Response:
    """A user's calendar feed, for a calendar app to subscribe to: their open follow-ups, the
    desk's events and the days invitations are due to be sent, as all-day entries. No bearer
    token: the secret in the address is the credential (404 once it has been replaced)."""
    user = await calendar_service.feed_owner(session, token)
    feed = await calendar_service.calendar_feed(session, user)
    return Response(
        feed,
        media_type=ICALENDAR_MEDIA_TYPE,
        headers={
            "Content-Disposition": 'inline; filename="diplomacy-crm.ics"',
            # The address is a secret: no shared cache may keep a copy.
            "Cache-Control": "private, no-cache",
        },
    )
