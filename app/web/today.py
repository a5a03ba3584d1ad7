"""Today, the home page: what the desk has to do and what happened lately."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.db import SessionDep
from app.fields import IdPath
from app.follow_ups import service as follow_ups_service
from app.follow_ups.models import FollowUp, FollowUpStatus
from app.follow_ups.schemas import FollowUpUpdate
from app.records import get_record
from app.web.deps import WebEditor, WebUser
from app.web.i18n import _
from app.web.templating import is_htmx, redirect, render

router = APIRouter()


@router.get("/")
async def today_page(request: Request, user: WebUser) -> Response:
    return render(request, "today/index.html", {})


@router.post("/follow-ups/{follow_up_id}/done")
async def mark_follow_up_done(
    request: Request, user: WebEditor, db: SessionDep, follow_up_id: IdPath
) -> Response:
    """One click: the follow-up is done. htmx swaps its row away and says so."""
    follow_up = await get_record(db, FollowUp, follow_up_id, "follow-up")
    await follow_ups_service.update_follow_up(
        db,
        follow_up,
        FollowUpUpdate.model_validate({"status": FollowUpStatus.done}),
        actor=user.username,
    )
    message = _("Done: %(title)s", title=follow_up.title)
    if is_htmx(request):
        return render(request, "today/_done.html", {"message": message})
    return redirect(request, "/", flash=message)
