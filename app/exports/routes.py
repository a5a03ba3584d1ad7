from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse
from sqlalchemy.ext.asyncio import AsyncEngine

from app.auth.deps import Editor
from app.clock import TodayDep
from app.db import WriteSessionDep
from app.exports import formats
from app.exports import service as exports_service
from app.exports.schemas import ContactExportQuery, InvitationExportQuery
from app.fields import IdPath
from app.protocol import without_head

# Included before the contacts and invitations routers, so /contacts/export is not taken
# for a contact id.
router = APIRouter(tags=["exports"])


async def read_engine(request: Request) -> AsyncEngine:
    """The engine an export streams its rows from, on a connection of its own: the request's
    session is closed before the body is sent."""
    return request.app.state.database.snapshot_engine


ReadEngine = Annotated[AsyncEngine, Depends(read_engine)]


def _file_responses(*media_types: str) -> dict[int | str, dict[str, Any]]:
    return {
        200: {
            "description": "The file, streamed (Content-Disposition names it)",
            "content": {media_type.split(";")[0]: {} for media_type in media_types},
        }
    }


def _send(export: exports_service.Export) -> StreamingResponse:
    return StreamingResponse(
        export.body(),
        media_type=export.media_type,
        headers={"Content-Disposition": export.content_disposition, "Cache-Control": "no-store"},
    )


@router.get(
    "/events/{event_id}/invitations/export",
    response_class=StreamingResponse,
    responses=_file_responses(
        formats.CSV_MEDIA_TYPE, formats.XLSX_MEDIA_TYPE, formats.ODS_MEDIA_TYPE
    ),
)
@without_head
async def export_invitations(
    event_id: IdPath,
    session: WriteSessionDep,
    user: Editor,
    engine: ReadEngine,
    query: Annotated[InvitationExportQuery, Query()],
) -> StreamingResponse:
    """The event's invitations the list's filters select (live ones unless
    ``include_archived``) as CSV (UTF-8 with BOM, for Excel), XLSX or ODS (OpenDocument), one
    row per invitation, ordered by name (editors and admins; the export is audited)."""
    export = await exports_service.export_invitations(
        session,
        engine=engine,
        event_id=event_id,
        format=query.format,
        filters=query.filters,
        actor=user.username,
    )
    return _send(export)


@router.get(
    "/contacts/export",
    response_class=StreamingResponse,
    responses=_file_responses(
        formats.CSV_MEDIA_TYPE,
        formats.XLSX_MEDIA_TYPE,
        formats.ODS_MEDIA_TYPE,
        exports_service.VCARD_MEDIA_TYPE,
    ),
)
@without_head
async def export_contacts(
    session: WriteSessionDep,
    user: Editor,
    engine: ReadEngine,
    query: Annotated[ContactExportQuery, Query()],
    today: TodayDep,
) -> StreamingResponse:
    """The contacts the list's filters select, as CSV, XLSX, ODS (OpenDocument) or vCard 3.0
    (editors and admins; the export is audited)."""
    export = await exports_service.export_contacts(
        session,
        engine=engine,
        format=query.format,
        filters=query.filters,
        today=today,
        actor=user.username,
    )
    return _send(export)
