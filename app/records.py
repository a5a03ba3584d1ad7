"""What every record shares: load-or-404, references, ETag/If-Match, audited create, update,
archive and restore. Domain services call these so each rule is written once."""

from collections.abc import Callable, Collection, Mapping
from typing import Annotated, Any, TypeVar

from fastapi import Header, Response
from pydantic import BaseModel
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.audit import service as audit_service
from app.audit.models import AuditEntry
from app.audit.schemas import AuditAction, AuditEntity
from app.db import RecordMixin, fetch_one_row, utcnow
from app.errors import Conflict, InvalidInput, NotFound, PreconditionFailed

R = TypeVar("R", bound=RecordMixin)
T = TypeVar("T", bound=RecordMixin | Mapping[str, Any])

IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        description="The ETag you read; the change is refused (412) if the record changed since",
    ),
]

# Fields a client never sets.
SERVER_FIELDS = frozenset({"id", "version", "created_at", "updated_at", "archived_at"})


def etag(record: RecordMixin | Mapping[str, Any]) -> str:
    version = record["version"] if isinstance(record, Mapping) else record.version
    return f'"{version}"'


def set_etag(response: Response, record: T) -> T:
    response.headers["ETag"] = etag(record)
    return record


def check_if_match(record: RecordMixin, if_match: str | None) -> None:
    if if_match is None:
        return
    candidates = [tag.strip().removeprefix("W/") for tag in if_match.split(",")]
    if "*" in candidates or etag(record) in candidates:
        return
    raise PreconditionFailed(
        f"The record has changed since you read it (its ETag is now {etag(record)}); "
        "reload it and apply your change again",
        current_etag=etag(record),
    )


def _missing(noun: str, record_id: int) -> NotFound:
    return NotFound(f"{noun.capitalize()} {record_id} does not exist")


async def get_record(session: AsyncSession, model: type[R], record_id: int, noun: str) -> R:
    record = await session.get(model, record_id)
    if record is None:
        raise _missing(noun, record_id)
    return record


class PointRead:
    """A record by id as one plain row (its mapped columns, column properties included),
    for ``GET /{id}``, the read a desk makes most; 404 when there is none. The statement is
    built once, from the model; ``db.fetch_one_row`` runs it as cheaply as the database
    allows."""

    def __init__(self, model: type[RecordMixin], noun: str) -> None:
        mapper = sa_inspect(model)
        columns = [attribute.expression.label(attribute.key) for attribute in mapper.column_attrs]
        self.statement = select(*columns).where(mapper.primary_key[0] == bindparam("record_id"))
        self.noun = noun

    async def get(self, session: AsyncSession, record_id: int) -> dict[str, Any]:
        row = await fetch_one_row(session, self.statement, {"record_id": record_id})
        if row is None:
            raise _missing(self.noun, record_id)
        return row


async def get_reference(
    session: AsyncSession, model: type[R], record_id: int, *, field: str, noun: str
) -> R:
    """A record another record is about to point at: it must exist and not be archived."""
    record = await session.get(model, record_id)
    if record is None:
        raise InvalidInput.field(field, f"{noun} {record_id} does not exist")
    if record.archived_at is not None:
        raise InvalidInput.field(field, f"{noun} {record_id} is archived")
    return record


async def get_references(
    session: AsyncSession,
    model: type[R],
    ids: list[int],
    *,
    field: str,
    noun: str,
    already_linked: Collection[int] = (),
) -> dict[int, R]:
    """Several references at once (an id list): all must exist, and none be archived except
    those ``already_linked`` (an archived record keeps its old links but gets no new ones)."""
    if not ids:
        return {}
    rows = await session.scalars(select(model).where(col(model.id).in_(ids)))
    found = {r.id: r for r in rows.unique() if r.id is not None}
    missing = [i for i in ids if i not in found]
    if missing:
        raise InvalidInput.field(field, f"{noun} {', '.join(map(str, missing))} does not exist")
    archived = [i for i in ids if found[i].archived_at is not None and i not in already_linked]
    if archived:
        raise InvalidInput.field(field, f"{noun} {', '.join(map(str, archived))} is archived")
    return found


def snapshot(record: RecordMixin, fields: Any) -> dict[str, Any]:
    return {field: getattr(record, field) for field in fields}


async def create_record(
    session: AsyncSession, record: R, *, actor: str, entity: AuditEntity, extra: dict[str, Any]
) -> R:
    session.add(record)
    await session.flush()
    assert record.id is not None
    values = record.model_dump(exclude=set(SERVER_FIELDS) | {"search_text", "name_key"})
    values.update(extra)
    audit_service.record(
        session,
        actor=actor,
        action=AuditAction.create,
        entity=entity,
        entity_id=record.id,
        changes=audit_service.diff({}, {k: v for k, v in values.items() if v not in (None, [])}),
    )
    return record


async def update_record(
    session: AsyncSession,
    record: R,
    values: dict[str, Any],
    *,
    actor: str,
    entity: AuditEntity,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    refresh: Callable[[R], None] | None = None,
) -> R:
    """Apply ``values`` and audit what really changed; ``before``/``after`` add derived
    fields (e.g. link lists) that are not columns; ``refresh`` recomputes derived columns
    before the single UPDATE (one UPDATE per change keeps the version, and so the ETag, exact)."""
    old = snapshot(record, values)
    old.update(before or {})
    for field, value in values.items():
        setattr(record, field, value)
    new = {**values, **(after or {})}
    changes = audit_service.diff(old, new)
    if changes:
        if refresh is not None:
            refresh(record)
        record.updated_at = utcnow()
        session.add(record)
        await session.flush()
        assert record.id is not None
        audit_service.record(
            session,
            actor=actor,
            action=AuditAction.update,
            entity=entity,
            entity_id=record.id,
            changes=changes,
        )
    return record


async def archive_record(session: AsyncSession, record: R, *, actor: str, entity: AuditEntity) -> R:
    if record.archived_at is not None:
        return record
    return await _set_archived(session, record, utcnow(), actor, entity, AuditAction.archive)


async def restore_record(session: AsyncSession, record: R, *, actor: str, entity: AuditEntity) -> R:
    if record.archived_at is None:
        return record
    return await _set_archived(session, record, None, actor, entity, AuditAction.restore)


async def audit_each(
    session: AsyncSession,
    changes: Mapping[int, dict[str, Any]],
    *,
    actor: str,
    action: AuditAction,
    entity: AuditEntity,
    at: Any,
) -> None:
    """One audit entry per record (``{record_id: changes}``), in one executemany."""
    if not changes:
        return
    await session.execute(
        insert(AuditEntry),
        [
            {
                "occurred_at": at,
                "actor": actor,
                "action": action.value,
                "entity": entity.value,
                "entity_id": record_id,
                "changes": record_changes,
            }
            for record_id, record_changes in changes.items()
        ],
    )


async def archive_many(
    session: AsyncSession,
    model: type[RecordMixin],
    ids: Collection[int],
    *,
    actor: str,
    entity: AuditEntity,
    values: Mapping[str, Any] | None = None,
) -> None:
    """Archive these live records (and set ``values`` on them) in one UPDATE, one audit
    entry each: for a cascade, where one archive brings others with it."""
    ids = sorted(ids)
    if not ids:
        return
    now = utcnow()
    before: dict[int, dict[str, Any]] = {
        row[0]: dict(zip(values or {}, row[1:], strict=True))
        for row in await session.execute(
            select(col(model.id), *(getattr(model, field) for field in values or {})).where(
                col(model.id).in_(ids), col(model.archived_at).is_(None)
            )
        )
    }
    await session.execute(
        update(model)
        .where(col(model.id).in_(list(before)))
        .values(archived_at=now, updated_at=now, version=col(model.version) + 1, **(values or {}))
        .execution_options(synchronize_session=False)
    )
    await audit_each(
        session,
        {
            record_id: audit_service.diff(
                {"archived_at": None, **old}, {"archived_at": now, **(values or {})}
            )
            for record_id, old in before.items()
        },
        actor=actor,
        action=AuditAction.archive,
        entity=entity,
        at=now,
    )


async def _set_archived(
    session: AsyncSession,
    record: R,
    value: Any,
    actor: str,
    entity: AuditEntity,
    action: AuditAction,
) -> R:
    old = record.archived_at
    record.archived_at = value
    record.updated_at = utcnow()
    session.add(record)
    await session.flush()
    assert record.id is not None
    audit_service.record(
        session,
        actor=actor,
        action=action,
        entity=entity,
        entity_id=record.id,
        changes=audit_service.diff({"archived_at": old}, {"archived_at": value}),
    )
    return record


def changed_fields(update: BaseModel) -> dict[str, Any]:
    """The fields a PATCH body really sent (absent fields stay as they are)."""
    return update.model_dump(exclude_unset=True)


def conflict_with(noun: str, existing_id: int, detail: str) -> Conflict:
    return Conflict(detail, existing_id=existing_id, existing=f"{noun} {existing_id}")
