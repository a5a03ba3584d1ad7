"""The audit trail: written in the caller's transaction, so a rolled-back change leaves none."""

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.audit.models import AuditEntry
from app.audit.schemas import AuditAction, AuditEntity, AuditFilters
from app.pagination import ListQuery, paginate

SORTABLE = {"occurred_at": col(AuditEntry.occurred_at), "id": col(AuditEntry.id)}


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    return value


def diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """``{field: {"old": …, "new": …}}`` for the fields whose value changed."""
    changes = {}
    for field, new_value in new.items():
        old_value = _plain(old.get(field))
        new_value = _plain(new_value)
        if old_value != new_value:
            changes[field] = {"old": old_value, "new": new_value}
    return changes


def record(
    session: AsyncSession,
    *,
    actor: str,
    action: AuditAction,
    entity: AuditEntity,
    entity_id: int | None,
    changes: dict[str, Any],
) -> AuditEntry:
    entry = AuditEntry(
        actor=actor, action=action, entity=entity, entity_id=entity_id, changes=changes
    )
    session.add(entry)
    return entry


async def list_entries(
    session: AsyncSession, page: ListQuery, filters: AuditFilters
) -> tuple[list[AuditEntry], int]:
    stmt = select(AuditEntry)
    if filters.entity is not None:
        stmt = stmt.where(col(AuditEntry.entity) == filters.entity)
    if filters.entity_id is not None:
        stmt = stmt.where(col(AuditEntry.entity_id) == filters.entity_id)
    if filters.actor is not None:
        stmt = stmt.where(col(AuditEntry.actor) == filters.actor)
    if filters.since is not None:
        stmt = stmt.where(col(AuditEntry.occurred_at) >= filters.since)
    if filters.until is not None:
        stmt = stmt.where(col(AuditEntry.occurred_at) < filters.until)
    return await paginate(
        session,
        stmt,
        page,
        sortable=SORTABLE,
        default_order=[col(AuditEntry.occurred_at).desc()],
        tiebreak=col(AuditEntry.id).desc(),
    )
