from fastapi import APIRouter, Request, Response, status

from app.auth.deps import CurrentUserRecord
from app.calendar import service as calendar_service
from app.calendar.schemas import CalendarFeedState, CalendarToken
from app.db import SessionDep

router = APIRouter(tags=["calendar"])  # the user's calendar token (needs a bearer token)
feed_router = APIRouter(tags=["calendar"])  # the .ics feed itself (its secret is the credential)

ICALENDAR_MEDIA_TYPE = "text/calendar; charset=utf-8"


@router.get("/users/me/calendar-token", response_model=CalendarFeedState)
async def read_calendar_token(user: CurrentUserRecord) -> CalendarFeedState:
    """Whether you have a calendar feed. Its address cannot be shown again (only a hash of
    its secret is kept): make a new one with POST if you lost it."""
    return CalendarFeedState(exists=user.calendar_token_hash is not None)


@router.post("/users/me/calendar-token", response_model=CalendarToken)
async def rotate_calendar_token(
    user: CurrentUserRecord, session: SessionDep, request: Request
) -> CalendarToken:
    """Make your calendar feed's secret address, or replace it: the old address stops working
    at once (do this if it leaked). The address is shown this once."""
    token = await calendar_service.rotate_token(session, user, actor=user.username)
    return CalendarToken(token=token, url=str(request.url_for("calendar_feed", token=token)))


@router.delete("/users/me/calendar-token", status_code=status.HTTP_204_NO_CONTENT)
async def remove_calendar_token(user: CurrentUserRecord, session: SessionDep) -> None:
    """Turn your calendar feed off: its address stops working."""
    await calendar_service.remove_token(session, user, actor=user.username)


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
            # The address is a secret and the feed personal: no cache may keep a copy.
            "Cache-Control": "no-store",
        },
    )
