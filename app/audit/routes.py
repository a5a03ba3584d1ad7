from typing import Annotated, Any

from fastapi import APIRouter, Query

from app.audit import service as audit_service
from app.audit.schemas import AuditEntryRead, AuditFilters
from app.auth.deps import Editor
from app.db import SessionDep
from app.pagination import ListQuery, Page, SortBy

router = APIRouter(prefix="/audit", tags=["audit"])


class AuditListQuery(AuditFilters, ListQuery):
    sort: Annotated[str, SortBy(audit_service.SORTABLE)] | None = None


@router.get("", response_model=Page[AuditEntryRead])
async def list_audit_entries(
    _: Editor, session: SessionDep, query: Annotated[AuditListQuery, Query()]
) -> dict[str, Any]:
    """The audit trail, newest first (admins and editors). Read-only: no API changes it."""
    items, total = await audit_service.list_entries(session, query, query)
    return Page.build(items, total, query)
