from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from app.fields import IdParameter, IsoDateTime
from app.pagination import QueryModel


class AuditAction(StrEnum):
    create = "create"
    update = "update"
    archive = "archive"
    restore = "restore"
    export = "export"
    read = "read"  # a large page of a list of contacts (app/harvesting.py)


class AuditEntity(StrEnum):
    city = "city"
    partnership = "partnership"
    organization = "organization"
    contact = "contact"
    interaction = "interaction"
    user = "user"
    follow_up = "follow_up"
    event = "event"
    invitation = "invitation"


class AuditEntryRead(BaseModel):
    id: int
    occurred_at: datetime
    actor: str
    action: AuditAction
    entity: AuditEntity
    entity_id: int | None
    changes: dict[str, Any]


class AuditFilters(QueryModel):
    entity: AuditEntity | None = None
    entity_id: IdParameter | None = None
    actor: str | None = None
    since: IsoDateTime | None = Field(None, description="At or after this time")
    until: IsoDateTime | None = Field(None, description="Before this time")
