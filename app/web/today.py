"""Today, the home page: what the desk has to do (follow-ups, invitations to send) and what
to keep in mind (dormant partners, anniversaries, the latest interactions)."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.cache import Principal
from app.auth.models import User
from app.cities.models import City
from app.clock import TodayDep
from app.config import Settings
from app.contacts.models import Contact
from app.db import SessionDep
from app.events.models import Event
from app.fields import IdPath
from app.follow_ups import service as follow_ups_service
from app.follow_ups.models import FollowUp, FollowUpStatus
from app.follow_ups.schemas import FollowUpFilters, FollowUpUpdate
from app.interactions import service as interactions_service
from app.interactions.schemas import InteractionFilters
from app.invitations import service as invitations_service
from app.invitations.models import InvitationStatus
from app.invitations.schemas import InvitationFilters
from app.pagination import ListQuery
from app.records import get_record
from app.reports import service as reports_service
from app.web.deps import WebEditor, WebUser
from app.web.i18n import _
from app.web.names import names_of
from app.web.templating import is_htmx, redirect, render

router = APIRouter()

UPCOMING_DAYS = 14  # follow-ups due in the next two weeks
INVITATION_DAYS = 7  # invitations to go out this week
ANNIVERSARY_DAYS = 90
DORMANT_SHOWN = 8
RECENT_SHOWN = 8
FOLLOW_UPS_SHOWN = 100


@dataclass
class EventToSend:
    """An event with invitations planned to go out by the end of the week."""

    event_id: int
    name: str
    count: int = 0
    first_send_on: date | None = None
    late: bool = False


@dataclass
class TodayPage:
    today: date
    overdue: list[FollowUp] = field(default_factory=list)
    upcoming: list[FollowUp] = field(default_factory=list)
    invitations: list[EventToSend] = field(default_factory=list)
    dormant: list[dict[str, Any]] = field(default_factory=list)
    dormant_total: int = 0
    anniversaries: list[dict[str, Any]] = field(default_factory=list)
    recent: list[Any] = field(default_factory=list)
    names: dict[str, dict[int, str]] = field(default_factory=dict)


def _mine_first(follow_ups: list[FollowUp], user_id: int) -> list[FollowUp]:
    return sorted(follow_ups, key=lambda f: (f.assignee_id != user_id, f.due_on, f.id or 0))


async def _follow_ups(db: AsyncSession, page: TodayPage, user: Principal) -> None:
    filters = FollowUpFilters.model_validate(
        {
            "status": FollowUpStatus.open,
            "due_before": page.today + timedelta(days=UPCOMING_DAYS + 1),
        }
    )
    items, _total = await follow_ups_service.list_follow_ups(
        db, ListQuery(limit=FOLLOW_UPS_SHOWN), filters, today=page.today
    )
    page.overdue = _mine_first([f for f in items if f.due_on < page.today], user.id)
    page.upcoming = _mine_first([f for f in items if f.due_on >= page.today], user.id)


async def _invitations(db: AsyncSession, page: TodayPage) -> None:
    """Planned invitations to go out by the end of the week (late ones too), per event."""
    filters = InvitationFilters.model_validate(
        {
            "status": InvitationStatus.planned,
            "send_on_before": page.today + timedelta(days=INVITATION_DAYS + 1),
        }
    )
    items, _total = await invitations_service.list_invitations(
        db, ListQuery(limit=200), filters, live_events_only=True
    )
    events: dict[int, EventToSend] = {}
    for item in items:
        event = events.setdefault(
            item["event_id"], EventToSend(event_id=item["event_id"], name=item["event_name"])
        )
        event.count += 1
        send_on = item["send_on"]
        if send_on is not None and (event.first_send_on is None or send_on < event.first_send_on):
            event.first_send_on = send_on
            event.late = send_on < page.today
    # An event that is over has nothing left to send, whatever is still marked planned.
    for event_id in list(events):
        record = await db.get(Event, event_id)
        last_day = record.ends_on or record.starts_on if record is not None else None
        if last_day is not None and last_day < page.today:
            del events[event_id]
    page.invitations = sorted(
        events.values(), key=lambda e: (e.first_send_on or page.today, e.name)
    )


async def _partners(db: AsyncSession, page: TodayPage, settings: Settings) -> None:
    dormant = await reports_service.dormant_partners(
        db, as_of=page.today, inactive_days=settings.dormant_after_days
    )
    page.dormant, page.dormant_total = dormant[:DORMANT_SHOWN], len(dormant)
    page.anniversaries = await reports_service.anniversaries(
        db, as_of=page.today, within_days=ANNIVERSARY_DAYS
    )


async def _recent(db: AsyncSession, page: TodayPage) -> None:
    page.recent, _total = await interactions_service.list_interactions(
        db, ListQuery(limit=RECENT_SHOWN), InteractionFilters()
    )


async def _names(db: AsyncSession, page: TodayPage) -> None:
    follow_ups = page.overdue + page.upcoming
    page.names = {
        "city": await names_of(
            db,
            City,
            [f.city_id for f in follow_ups] + [c for i in page.recent for c in i.city_ids],
        ),
        "contact": await names_of(
            db,
            Contact,
            [f.contact_id for f in follow_ups] + [c for i in page.recent for c in i.contact_ids],
        ),
        "event": await names_of(db, Event, [f.event_id for f in follow_ups]),
        "user": await names_of(db, User, [f.assignee_id for f in follow_ups]),
    }


@router.get("/")
async def today_page(request: Request, user: WebUser, db: SessionDep, today: TodayDep) -> Response:
    page = TodayPage(today=today)
    await _follow_ups(db, page, user)
    await _invitations(db, page)
    await _partners(db, page, request.app.state.settings)
    await _recent(db, page)
    await _names(db, page)
    return render(request, "today/index.html", {"page": page, "nav": "today"})


@router.post("/follow-ups/{follow_up_id}/done")
async def mark_follow_up_done(
    request: Request, user: WebEditor, db: SessionDep, follow_up_id: IdPath
) -> Response:
    """One click: the follow-up is done. htmx swaps its row away and says so."""
    follow_up = await get_record(db, FollowUp, follow_up_id, "follow-up")
    await follow_ups_service.update_follow_up(
        db,
        follow_up,
        FollowUpUpdate.model_validate({"status": FollowUpStatus.done}),
        actor=user.username,
    )
    message = _("Done: %(title)s", title=follow_up.title)
    if is_htmx(request):
        return render(request, "today/_done.html", {"message": message})
    return redirect(request, "/", flash=message)
