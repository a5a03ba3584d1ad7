from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel


class AuditAction(StrEnum):
    create = "create"
    update = "update"
    archive = "archive"
    restore = "restore"


class AuditEntity(StrEnum):
    city = "city"
    partnership = "partnership"
    organization = "organization"
    contact = "contact"
    interaction = "interaction"
    user = "user"


class AuditEntryRead(BaseModel):
    id: int
    occurred_at: datetime
    actor: str
    action: AuditAction
    entity: AuditEntity
    entity_id: int
    changes: dict[str, Any]
