"""The routes every record type has in the same shape: create, read, update, archive, restore.

A domain's routes.py keeps what is its own (the list with its filters, sub-resources) and
hands its service functions to ``add_record_routes`` for the rest."""

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response, status
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.schemas import AuditEntity
from app.auth.deps import Editor
from app.config import Settings, SettingsDep
from app.db import RecordMixin, SessionDep
from app.fields import IdPath
from app.records import (
    IfMatch,
    PointRead,
    R,
    archive_record,
    check_if_match,
    get_record,
    restore_record,
    set_etag,
)

# Only digits take the id's place, so a fixed path beside it (/contacts/export) answers 405
# for a method it lacks instead of being read as an id.
ONE = "/{record_id:int}"

Create = Callable[[AsyncSession, Any, str, Settings], Awaitable[Any]]
Update = Callable[[AsyncSession, Any, Any, str, Settings], Awaitable[Any]]
# archive(session, record, actor, options): what archiving one record does beyond setting
# archived_at (cascades); ``options`` is what the ``archive_options`` dependency parsed from
# the request (the DELETE route's own query parameters), or None.
Archive = Callable[[AsyncSession, Any, str, Any], Awaitable[Any]]


def _no_options() -> None:
    return None


def add_record_routes(
    router: APIRouter,
    *,
    model: type[RecordMixin],
    read_schema: type[Any],
    create_schema: type[Any],
    update_schema: type[Any],
    create: Create,
    update: Update,
    entity: AuditEntity,
    noun: str,
    check_restorable: Callable[[AsyncSession, Any], Awaitable[None]] | None = None,
    present: Callable[[AsyncSession, Any], Awaitable[Any]] | None = None,
    archive: Archive | None = None,
    archive_options: Callable[..., Any] = _no_options,
    created_schema: type[Any] | None = None,
) -> None:
    """POST /, GET /{id}, PATCH /{id}, DELETE /{id} (archives; nothing is destroyed) and
    POST /{id}/restore. ``create(session, data, actor, settings)`` and
    ``update(session, record, data, actor, settings)`` are the domain's service calls;
    ``present(session, record)``, if given, loads what the read model shows beyond the row;
    ``archive``, if given, archives a record with what comes with it (see ``Archive``);
    ``created_schema``, if given, is what POST / answers (the read model and more)."""

    async def archive_one_record(session: AsyncSession, record: Any, actor: str, _: Any) -> Any:
        return await archive_record(session, record, actor=actor, entity=entity)

    archive_service = archive or archive_one_record

    async def respond(session: AsyncSession, response: Response, record: Any) -> Any:
        if present is not None:
            await present(session, record)
        return set_etag(response, record)

    async def create_one(
        data: create_schema,  # type: ignore[valid-type]  # a schema chosen at run time
        session: SessionDep,
        user: Editor,
        settings: SettingsDep,
        request: Request,
        response: Response,
    ) -> Any:
        record = await create(session, data, user.username, settings)
        await respond(session, response, record)
        return created(request, response, record, entity)

    point_read = PointRead(model, noun)

    async def read_one(record_id: IdPath, session: SessionDep, response: Response) -> Any:
        if present is not None:  # the read model needs more than the row: load the record
            return await respond(
                session, response, await get_record(session, model, record_id, noun)
            )
        return set_etag(response, await point_read.get(session, record_id))

    async def update_one(
        record_id: IdPath,
        data: update_schema,  # type: ignore[valid-type]  # a schema chosen at run time
        session: SessionDep,
        user: Editor,
        settings: SettingsDep,
        response: Response,
        if_match: IfMatch = None,
    ) -> Any:
        record = await get_record(session, model, record_id, noun)
        check_if_match(record, if_match)
        record = await update(session, record, data, user.username, settings)
        return await respond(session, response, record)

    async def archive_one(
        record_id: IdPath,
        session: SessionDep,
        user: Editor,
        response: Response,
        options: Annotated[Any, Depends(archive_options)],
        if_match: IfMatch = None,
    ) -> Any:
        record = await get_record(session, model, record_id, noun)
        check_if_match(record, if_match)
        record = await archive_service(session, record, user.username, options)
        return await respond(session, response, record)

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
        return await respond(session, response, record)

    routes: list[tuple[str, Callable[..., Any], str, str, int]] = [
        ("", create_one, "POST", f"Create a {noun}", status.HTTP_201_CREATED),
        (ONE, read_one, "GET", f"Read a {noun}", status.HTTP_200_OK),
        (ONE, update_one, "PATCH", f"Change some fields of a {noun}", 200),
        (
            ONE,
            archive_one,
            "DELETE",
            f"Archive a {noun} (nothing is destroyed; restore brings it back)",
            200,
        ),
        (ONE + "/restore", restore, "POST", f"Restore an archived {noun}", 200),
    ]
    for path, endpoint, method, summary, status_code in routes:
        router.add_api_route(
            path,
            endpoint,
            methods=[method],
            response_model=(created_schema or read_schema)
            if endpoint is create_one
            else read_schema,
            status_code=status_code,
            summary=summary,
            name=f"{endpoint.__name__.removesuffix('_one')}_{entity}",
        )


def created(request: Request, response: Response, record: R, entity: AuditEntity) -> R:
    """A 201's headers: where the new record lives, and its ETag."""
    response.headers["Location"] = str(request.url_for(f"read_{entity}", record_id=record.id))
    return set_etag(response, record)
