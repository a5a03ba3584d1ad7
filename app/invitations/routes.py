from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response, status
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.schemas import AuditEntity
from app.auth.deps import Editor
from app.clock import TodayDep
from app.config import SettingsDep
from app.db import SessionDep
from app.events.models import Event
from app.fields import IdPath
from app.harvesting import ContactReadsDep
from app.invitations import service as invitations_service
from app.invitations.models import Invitation
from app.invitations.schemas import (
    BulkInvite,
    BulkInviteReport,
    EventInvitationFilters,
    InvitationCreate,
    InvitationFilters,
    InvitationRead,
    InvitationUpdate,
    MarkSent,
    MarkSentReport,
)
from app.pagination import ListQuery, Page, SortBy
from app.records import IfMatch, check_if_match, set_etag

# Paths under /events/{event_id}/invitations, plus the list across events. The exports
# router (included first) owns /events/{event_id}/invitations/export.
router = APIRouter(tags=["invitations"])

EVENT_INVITATIONS = "/events/{event_id}/invitations"
ONE = EVENT_INVITATIONS + "/{invitation_id:int}"  # digits only: .../bulk is no id


async def _event(event_id: IdPath, session: SessionDep) -> Event:
    return await invitations_service.get_event(session, event_id)


EventDep = Annotated[Event, Depends(_event)]


async def _invitation(invitation_id: IdPath, event: EventDep, session: SessionDep) -> Invitation:
    return await invitations_service.get_invitation(session, event, invitation_id)


InvitationDep = Annotated[Invitation, Depends(_invitation)]


async def _answer(
    session: AsyncSession, response: Response, invitation: Invitation
) -> dict[str, Any]:
    """An invitation as every single-record route returns it: its read model and ETag."""
    set_etag(response, invitation)
    return await invitations_service.present_one(session, invitation)


class InvitationListQuery(InvitationFilters, ListQuery):
    sort: Annotated[str, SortBy(invitations_service.SORTABLE)] | None = None


class EventInvitationListQuery(EventInvitationFilters, ListQuery):
    sort: Annotated[str, SortBy(invitations_service.SORTABLE)] | None = None


@router.get("/invitations", response_model=Page[InvitationRead])
async def list_all_invitations(
    session: SessionDep, query: Annotated[InvitationListQuery, Query()], reads: ContactReadsDep
) -> dict[str, Any]:
    """Invitations across events (e.g. ``status=planned&send_on_before=…``: what goes out
    this week), the soonest first. Invitations to archived events are left out unless
    ``include_archived``; ``q`` matches the contact's name."""
    items, total = await invitations_service.list_invitations(
        session,
        query,
        query,
        event_id=query.event_id,
        contact_id=query.contact_id,
        live_events_only=True,
    )
    await reads.sent(len(items), entity=AuditEntity.invitation, query=query)
    return Page.build(items, total, query)


@router.get(EVENT_INVITATIONS, response_model=Page[InvitationRead])
async def list_event_invitations(
    event: EventDep,
    session: SessionDep,
    query: Annotated[EventInvitationListQuery, Query()],
    reads: ContactReadsDep,
) -> dict[str, Any]:
    """The event's invitations, the soonest to go out first, then by name; ``q`` matches the
    contact's name."""
    items, total = await invitations_service.list_invitations(
        session, query, query, event_id=event.id
    )
    await reads.sent(len(items), entity=AuditEntity.invitation, query=query, entity_id=event.id)
    return Page.build(items, total, query)


@router.post(EVENT_INVITATIONS, response_model=InvitationRead, status_code=status.HTTP_201_CREATED)
async def create_invitation(
    event: EventDep,
    data: InvitationCreate,
    session: SessionDep,
    user: Editor,
    request: Request,
    response: Response,
) -> dict[str, Any]:
    """Invite one contact (409 naming ``existing_id`` if they already are; 409 if the event
    is archived)."""
    invitation = await invitations_service.create_invitation(
        session, event, data, actor=user.username
    )
    response.headers["Location"] = str(
        request.url_for("read_invitation", event_id=event.id, invitation_id=invitation.id)
    )
    return await _answer(session, response, invitation)


@router.post(EVENT_INVITATIONS + "/bulk", response_model=BulkInviteReport)
async def bulk_invite(
    event: EventDep,
    data: BulkInvite,
    session: SessionDep,
    user: Editor,
    settings: SettingsDep,
    today: TodayDep,
) -> dict[str, Any]:
    """Plan invitations for every contact matching all the criteria given, in one
    transaction; contacts that are archived, inactive, without an e-mail address or already
    invited are skipped and listed with the reason. ``dry_run`` reports without writing."""
    return await invitations_service.bulk_invite(
        session,
        event,
        data,
        actor=user.username,
        dormant_after_days=settings.dormant_after_days,
        today=today,
    )


@router.post(EVENT_INVITATIONS + "/mark-sent", response_model=MarkSentReport)
async def mark_sent(
    event: EventDep, data: MarkSent, session: SessionDep, user: Editor
) -> dict[str, Any]:
    """Mark planned invitations sent, all together or none (409 listing the ones that
    cannot be)."""
    return await invitations_service.mark_sent(session, event, data, actor=user.username)


@router.get(ONE, response_model=InvitationRead, name="read_invitation")
async def read_invitation(
    invitation: InvitationDep, session: SessionDep, response: Response
) -> dict[str, Any]:
    return await _answer(session, response, invitation)


@router.patch(ONE, response_model=InvitationRead)
async def update_invitation(
    invitation: InvitationDep,
    data: InvitationUpdate,
    session: SessionDep,
    user: Editor,
    response: Response,
    if_match: IfMatch = None,
) -> dict[str, Any]:
    """Change the status (409 listing the ``allowed`` moves if this one is not), send_on or
    notes. The server stamps sent_at and responded_at."""
    check_if_match(invitation, if_match)
    invitation = await invitations_service.update_invitation(
        session, invitation, data, actor=user.username
    )
    return await _answer(session, response, invitation)


@router.delete(ONE, response_model=InvitationRead)
async def archive_invitation(
    invitation: InvitationDep,
    session: SessionDep,
    user: Editor,
    response: Response,
    if_match: IfMatch = None,
) -> dict[str, Any]:
    """Archive an invitation (nothing is destroyed; restore brings it back)."""
    check_if_match(invitation, if_match)
    invitation = await invitations_service.archive_invitation(
        session, invitation, actor=user.username
    )
    return await _answer(session, response, invitation)


@router.post(ONE + "/restore", response_model=InvitationRead)
async def restore_invitation(
    event: EventDep,
    invitation: InvitationDep,
    session: SessionDep,
    user: Editor,
    response: Response,
    if_match: IfMatch = None,
) -> dict[str, Any]:
    check_if_match(invitation, if_match)
    invitation = await invitations_service.restore_invitation(
        session, event, invitation, actor=user.username
    )
    return await _answer(session, response, invitation)
