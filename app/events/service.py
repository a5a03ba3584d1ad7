from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.audit.schemas import AuditEntity
from app.cities.models import City
from app.contacts.models import Contact
from app.errors import InvalidInput
from app.events.models import Event
from app.events.schemas import (
    EventCreate,
    EventFilters,
    EventUpdate,
    attach_invitation_counts,
)
from app.invitations.models import Invitation, InvitationStatus
from app.organizations.models import Organization
from app.pagination import ListQuery, filter_records, paginate
from app.records import changed_fields, create_record, get_reference, update_record
from app.text import fold, like_pattern

SORTABLE = {
    "starts_on": col(Event.starts_on),
    "ends_on": col(Event.ends_on),
    "name": col(Event.name_key),
    "city_id": col(Event.city_id),
    "created_at": col(Event.created_at),
    "updated_at": col(Event.updated_at),
    "id": col(Event.id),
}


def _refresh_derived(event: Event) -> None:
    event.name_key = fold(event.name)[:200]


def _plain_values(values: dict[str, Any]) -> dict[str, Any]:
    if values.get("url") is not None:
        values["url"] = str(values["url"])
    return values


def _check_dates(starts_on: date | None, ends_on: date | None) -> None:
    if starts_on is not None and ends_on is not None and ends_on < starts_on:
        raise InvalidInput.field(
            "ends_on", f"ends_on ({ends_on}) is before starts_on ({starts_on})"
        )


async def _check_references(session: AsyncSession, values: dict[str, Any]) -> None:
    if values.get("city_id") is not None:
        await get_reference(session, City, values["city_id"], field="city_id", noun="city")
    if values.get("host_organization_id") is not None:
        await get_reference(
            session,
            Organization,
            values["host_organization_id"],
            field="host_organization_id",
            noun="organization",
        )


async def load_invitation_counts(session: AsyncSession, events: list[Event]) -> list[Event]:
    """Attach each event's live invitations per status: one grouped query for all of them."""
    counts: dict[int | None, dict[str, int]] = {
        event.id: dict.fromkeys(InvitationStatus, 0) for event in events
    }
    if counts:
        rows = await session.execute(
            select(col(Invitation.event_id), col(Invitation.status), func.count())
            .join(Contact, col(Contact.id) == col(Invitation.contact_id))
            .where(
                col(Invitation.event_id).in_(list(counts)),
                col(Invitation.archived_at).is_(None),
                col(Contact.archived_at).is_(None),
            )
            .group_by(col(Invitation.event_id), col(Invitation.status))
        )
        for event_id, status, count in rows.all():
            counts[event_id][InvitationStatus(status)] = int(count)
    for event in events:
        attach_invitation_counts(event, counts[event.id])
    return events


async def list_events(
    session: AsyncSession, page: ListQuery, filters: EventFilters
) -> tuple[list[Event], int]:
    stmt = filter_records(select(Event), Event, filters, "city_id", "host_organization_id")
    if filters.starts_after is not None:
        stmt = stmt.where(col(Event.starts_on) > filters.starts_after)
    if filters.starts_before is not None:
        stmt = stmt.where(col(Event.starts_on) < filters.starts_before)
    if filters.q:
        stmt = stmt.where(col(Event.name_key).like(like_pattern(filters.q), escape="\\"))
    events, total = await paginate(
        session,
        stmt,
        page,
        sortable=SORTABLE,
        # Dated events first (both databases), the soonest first.
        default_order=[col(Event.starts_on).is_(None), col(Event.starts_on)],
        tiebreak=col(Event.id),
    )
    return await load_invitation_counts(session, events), total


async def create_event(session: AsyncSession, data: EventCreate, *, actor: str) -> Event:
    values = _plain_values(data.model_dump())
    _check_dates(data.starts_on, data.ends_on)
    await _check_references(session, values)
    event = Event(**values)
    _refresh_derived(event)
    await create_record(session, event, actor=actor, entity=AuditEntity.event, extra={})
    return attach_invitation_counts(event, {})


async def update_event(
    session: AsyncSession, event: Event, data: EventUpdate, *, actor: str
) -> Event:
    values = _plain_values(changed_fields(data))
    _check_dates(values.get("starts_on", event.starts_on), values.get("ends_on", event.ends_on))
    # References the event already has may have been archived since; only new ones are checked.
    await _check_references(
        session,
        {
            k: v
            for k, v in values.items()
            if k in ("city_id", "host_organization_id") and v != getattr(event, k)
        },
    )
    return await update_record(
        session, event, values, actor=actor, entity=AuditEntity.event, refresh=_refresh_derived
    )
