from datetime import datetime
from typing import Any

from sqlalchemy import Column, Index
from sqlmodel import Field, SQLModel

from app.db import JSONList, UTCDateTime, utcnow


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_entity_entity_id", "entity", "entity_id"),)

    id: int | None = Field(default=None, primary_key=True)
    occurred_at: datetime = Field(
        default_factory=utcnow, sa_type=UTCDateTime, nullable=False, index=True
    )
    actor: str = Field(max_length=100, index=True)
    action: str = Field(max_length=20)
    entity: str = Field(max_length=40)
    entity_id: int | None = None
    changes: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSONList, nullable=False)
    )
