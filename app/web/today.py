"""Today, the home page: what the desk has to do (follow-ups, invitations to send) and what
to keep in mind (dormant partners, anniversaries, the latest interactions)."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

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
from app.interactions.models import Interaction
from app.invitations.models import Invitation, InvitationStatus
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
    overdue: int = 0  # how many should have gone out before today


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
    # Per follow-up: its contact, then the other contacts of the interaction it came from.
    contacts: dict[int, list[int]] = field(default_factory=dict)


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
    """Planned invitations to go out by the end of the week, late ones included, per event
    that is not over yet (an event that is over has nothing left to send, whatever is still
    marked planned)."""
    last_day = func.coalesce(col(Event.ends_on), col(Event.starts_on))
    stmt = (
        select(
            col(Event.id),
            col(Event.name),
            func.count(),
            func.min(col(Invitation.send_on)),
            func.sum(case((col(Invitation.send_on) < page.today, 1), else_=0)),
        )
        .join(Event, col(Event.id) == col(Invitation.event_id))
        .join(Contact, col(Contact.id) == col(Invitation.contact_id))
        .where(
            col(Invitation.status) == InvitationStatus.planned,
            col(Invitation.send_on) < page.today + timedelta(days=INVITATION_DAYS + 1),
            col(Invitation.archived_at).is_(None),
            col(Contact.archived_at).is_(None),
            col(Event.archived_at).is_(None),
            or_(last_day.is_(None), last_day >= page.today),
        )
        .group_by(col(Event.id), col(Event.name))
    )
    page.invitations = sorted(
        (
            EventToSend(
                event_id=event_id,
                name=name,
                count=count,
                first_send_on=first_send_on,
                overdue=int(overdue or 0),
            )
            for event_id, name, count, first_send_on, overdue in (await db.execute(stmt)).all()
        ),
        key=lambda e: (e.first_send_on or page.today, e.name),
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
    page.recent = await interactions_service.latest_interactions(
        db, until=page.today, limit=RECENT_SHOWN
    )


async def _follow_up_contacts(db: AsyncSession, page: TodayPage) -> None:
    """A follow-up names one contact; one made with an interaction is about all its
    contacts (the interaction with six delegates: all six)."""
    follow_ups = page.overdue + page.upcoming
    interaction_ids = {f.interaction_id for f in follow_ups if f.interaction_id is not None}
    linked: dict[int, list[int]] = {}
    if interaction_ids:
        rows = await db.execute(
            select(col(Interaction.id), col(Interaction.contact_ids)).where(
                col(Interaction.id).in_(interaction_ids)
            )
        )
        linked = {i: list(ids) for i, ids in rows.all() if i is not None}
    for f in follow_ups:
        ids = [f.contact_id] if f.contact_id is not None else []
        ids += linked.get(f.interaction_id, []) if f.interaction_id is not None else []
        page.contacts[f.id or 0] = list(dict.fromkeys(ids))


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
            [c for ids in page.contacts.values() for c in ids]
            + [c for i in page.recent for c in i.contact_ids],
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
    await _follow_up_contacts(db, page)
    await _names(db, page)
    return render(request, "today/index.html", {"page": page, "nav": "today"})


@router.post("/follow-ups/{follow_up_id}/done")
async def mark_follow_up_done(
    request: Request, user: WebEditor, db: SessionDep, today: TodayDep, follow_up_id: IdPath
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
        page = TodayPage(today=today)
        await _follow_ups(db, page, user)
        await _follow_up_contacts(db, page)
        await _names(db, page)
        return render(
            request, "today/_done.html", {"message": message, "page": page, "refocus": True}
        )
    return redirect(request, "/", flash=message)
