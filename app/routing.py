"""Routes every record type has in the same shape: read one, archive, restore."""

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Request, Response
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.schemas import AuditEntity
from app.auth.deps import Editor
from app.db import RecordMixin, SessionDep
from app.fields import IdPath
from app.records import (
    IfMatch,
    R,
    archive_record,
    check_if_match,
    get_record,
    restore_record,
    set_etag,
)


def add_record_routes(
    router: APIRouter,
    *,
    model: type[RecordMixin],
    read_schema: type[Any],
    entity: AuditEntity,
    noun: str,
    check_restorable: Callable[[AsyncSession, Any], Awaitable[None]] | None = None,
) -> None:
    """GET /{id}, DELETE /{id} (archives; nothing is destroyed) and POST /{id}/restore."""

    async def read_one(record_id: IdPath, session: SessionDep, response: Response) -> Any:
        return set_etag(response, await get_record(session, model, record_id, noun))

    async def archive(
        record_id: IdPath,
        session: SessionDep,
        user: Editor,
        response: Response,
        if_match: IfMatch = None,
    ) -> Any:
        record = await get_record(session, model, record_id, noun)
        check_if_match(record, if_match)
        record = await archive_record(session, record, actor=user.username, entity=entity)
        return set_etag(response, record)

    async def restore(
        record_id: IdPath,
        session: SessionDep,
        user: Editor,
        response: Response,
        if_match: IfMatch = None,
    ) -> Any:
        record = await get_record(session, model, record_id, noun)
        check_if_match(record, if_match)
        if check_restorable is not None and record.archived_at is not None:
            await check_restorable(session, record)
        record = await restore_record(session, record, actor=user.username, entity=entity)
        return set_etag(response, record)

    router.add_api_route(
        "/{record_id}",
        read_one,
        methods=["GET"],
        response_model=read_schema,
        summary=f"Read a {noun}",
        name=f"read_{entity}",
    )
    router.add_api_route(
        "/{record_id}",
        archive,
        methods=["DELETE"],
        response_model=read_schema,
        summary=f"Archive a {noun} (nothing is destroyed; restore brings it back)",
        name=f"archive_{entity}",
    )
    router.add_api_route(
        "/{record_id}/restore",
        restore,
        methods=["POST"],
        response_model=read_schema,
        summary=f"Restore an archived {noun}",
        name=f"restore_{entity}",
    )


def created(request: Request, response: Response, record: R, entity: AuditEntity) -> R:
    """A 201's headers: where the new record lives, and its ETag."""
    response.headers["Location"] = str(request.url_for(f"read_{entity}", record_id=record.id))
    return set_etag(response, record)
