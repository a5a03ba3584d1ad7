from datetime import datetime
from typing import Any

from fastapi import APIRouter

from app.audit import service as audit_service
from app.audit.schemas import AuditEntity, AuditEntryRead
from app.auth.deps import Editor
from app.db import SessionDep
from app.fields import IdQuery
from app.pagination import Page, PageDep

router = APIRouter(prefix="/audit", tags=["audit"])


@router.get("", response_model=Page[AuditEntryRead])
async def list_audit_entries(
    _: Editor,
    session: SessionDep,
    page: PageDep,
    entity: AuditEntity | None = None,
    entity_id: IdQuery = None,
    actor: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> dict[str, Any]:
    """The audit trail, newest first (admins and editors). Read-only: no API changes it."""
    items, total = await audit_service.list_entries(
        session, page, entity=entity, entity_id=entity_id, actor=actor, since=since, until=until
    )
    return Page.build(items, total, page)
