from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel


class AuditAction(StrEnum):
    create = "create"
    update = "update"
    archive = "archive"
    restore = "restore"
    export = "export"


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
