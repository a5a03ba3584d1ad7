"""Follow-ups: what the desk has to do by a date, who does it, and what it is about."""

from datetime import date
from typing import Any

from sqlalchemy import and_, not_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.audit.schemas import AuditEntity
from app.auth.models import User
from app.cities.models import City
from app.contacts.models import Contact
from app.db import RecordMixin, utcnow
from app.errors import InvalidInput
from app.events.models import Event
from app.follow_ups.models import FollowUp, FollowUpStatus
from app.follow_ups.schemas import FollowUpCreate, FollowUpFilters, FollowUpUpdate
from app.interactions.models import Interaction
from app.organizations.models import Organization
from app.pagination import ListQuery, filter_records, paginate
from app.records import (
    changed_fields,
    create_record,
    get_reference,
    update_record,
)

SORTABLE = {
    "due_on": col(FollowUp.due_on),
    "status": col(FollowUp.status),
    "created_at": col(FollowUp.created_at),
    "title": col(FollowUp.title),
    "id": col(FollowUp.id),
}

# The records a follow-up can be about: field → (table, noun in error messages).
LINKS: dict[str, tuple[type[RecordMixin], str]] = {
    "contact_id": (Contact, "contact"),
    "city_id": (City, "city"),
    "organization_id": (Organization, "organization"),
    "interaction_id": (Interaction, "interaction"),
    "event_id": (Event, "event"),
}


def _is_overdue(today: date) -> Any:
    return and_(col(FollowUp.status) == FollowUpStatus.open, col(FollowUp.due_on) < today)


async def list_follow_ups(
    session: AsyncSession, page: ListQuery, filters: FollowUpFilters, *, today: date
) -> tuple[list[FollowUp], int]:
    """``due_before`` and ``due_after`` are exclusive; ``overdue`` means open and due before
    today (``overdue=false``: everything else)."""
    due_before, due_after, overdue = filters.due_before, filters.due_after, filters.overdue
    if due_before is not None and due_after is not None and due_before <= due_after:
        detail = "due_before must be later than due_after (both are exclusive)"
        raise InvalidInput(
            detail, errors=[{"parameter": "due_before", "in": "query", "detail": detail}]
        )
    stmt = filter_records(select(FollowUp), FollowUp, filters, "status", "assignee_id", *LINKS)
    if due_before is not None:
        stmt = stmt.where(col(FollowUp.due_on) < due_before)
    if due_after is not None:
        stmt = stmt.where(col(FollowUp.due_on) > due_after)
    if overdue is not None:
        condition = _is_overdue(today)
        stmt = stmt.where(condition if overdue else not_(condition))
    if filters.q:
        term = filters.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(col(FollowUp.title).ilike(f"%{term}%", escape="\\"))
    return await paginate(
        session,
        stmt,
        page,
        sortable=SORTABLE,
        default_order=[col(FollowUp.due_on).asc()],
        tiebreak=col(FollowUp.id).asc(),
    )


async def check_assignee(session: AsyncSession, user_id: int, *, field: str) -> User:
    """The user a follow-up is assigned to: must exist and still have access."""
    user = await session.get(User, user_id)
    if user is None:
        raise InvalidInput.field(field, f"user {user_id} does not exist")
    if not user.is_active or user.archived_at is not None:
        raise InvalidInput.field(
            field, f"user {user_id} ({user.username}) is deactivated and cannot be assigned"
        )
    return user


async def check_references(
    session: AsyncSession,
    values: dict[str, Any],
    current: FollowUp | None = None,
    *,
    prefix: str = "",
) -> None:
    """Check each reference the body sets to something new. A reference the follow-up already
    has stays valid even if its record was archived (or its user deactivated) since.
    ``prefix`` names where the follow-up sits in the body (``follow_up/``)."""

    def is_new(field: str) -> bool:
        value = values.get(field)
        return value is not None and (current is None or value != getattr(current, field))

    if is_new("assignee_id"):
        await check_assignee(session, values["assignee_id"], field=f"{prefix}assignee_id")
    for field, (model, noun) in LINKS.items():
        if is_new(field):
            await get_reference(session, model, values[field], field=prefix + field, noun=noun)


def _completion(old: FollowUpStatus | None, new: FollowUpStatus) -> dict[str, Any]:
    """``completed_at`` follows the status: stamped when it becomes done, cleared when a done
    follow-up is reopened or cancelled."""
    if new == FollowUpStatus.done and old != FollowUpStatus.done:
        return {"completed_at": utcnow()}
    if new != FollowUpStatus.done and old == FollowUpStatus.done:
        return {"completed_at": None}
    return {}


async def create_follow_up(session: AsyncSession, data: FollowUpCreate, *, actor: str) -> FollowUp:
    values = data.model_dump()
    await check_references(session, values)
    follow_up = FollowUp(**values, **_completion(None, data.status))
    return await create_record(
        session, follow_up, actor=actor, entity=AuditEntity.follow_up, extra={}
    )


async def update_follow_up(
    session: AsyncSession, follow_up: FollowUp, data: FollowUpUpdate, *, actor: str
) -> FollowUp:
    values = changed_fields(data)
    await check_references(session, values, current=follow_up)
    if "status" in values:
        values.update(_completion(follow_up.status, values["status"]))
    return await update_record(
        session, follow_up, values, actor=actor, entity=AuditEntity.follow_up
    )
