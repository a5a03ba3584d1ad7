"""Events and their invitations: the list, an event's page (counts per status, the
invitation list with its status moves, mark sent), bulk invite with a preview, and the
invitation list's exports."""

from datetime import date, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response, StreamingResponse
from pydantic import ValidationError
from sqlalchemy import select
from sqlmodel import col

from app.cities.models import City
from app.clock import TodayDep
from app.db import SessionDep, WriteSessionDep
from app.errors import AppError
from app.events import service as events_service
from app.events.models import Event
from app.events.schemas import EventCreate, EventFilters, EventRead
from app.exports import service as exports_service
from app.exports.schemas import ExportFormat
from app.fields import IdPath
from app.invitations import service as invitations_service
from app.invitations.models import InvitationStatus
from app.invitations.schemas import (
    BulkInvite,
    EventInvitationFilters,
    InvitationUpdate,
    MarkSent,
)
from app.invitations.service import ALLOWED_MOVES
from app.organizations.models import Organization
from app.pagination import ListQuery
from app.partnerships.models import PartnershipKind
from app.web import pick
from app.web.deps import WebEditor, WebUser
from app.web.forms import form_errors, form_values
from app.web.i18n import N_, _, country_name
from app.web.interactions import as_int, split_list
from app.web.templating import is_htmx, redirect, render, url_with

router = APIRouter()

PAGE_SIZE = 50
STATUS_LABELS = {
    InvitationStatus.planned: N_("Planned"),
    InvitationStatus.sent: N_("Sent"),
    InvitationStatus.accepted: N_("Accepted"),
    InvitationStatus.declined: N_("Declined"),
    InvitationStatus.attended: N_("Attended"),
    InvitationStatus.no_show: N_("Did not come"),
    InvitationStatus.cancelled: N_("Cancelled"),
}
# What the button that moves an invitation to each status says.
MOVE_LABELS = {
    InvitationStatus.sent: N_("Mark sent"),
    InvitationStatus.accepted: N_("Accepted"),
    InvitationStatus.declined: N_("Declined"),
    InvitationStatus.attended: N_("Attended"),
    InvitationStatus.no_show: N_("Did not come"),
    InvitationStatus.cancelled: N_("Cancel"),
}
PARTNERSHIP_LABELS = {
    PartnershipKind.sister_city: N_("Sister city"),
    PartnershipKind.friendship_city: N_("Friendship city"),
    PartnershipKind.cooperation_agreement: N_("Cooperation agreement"),
}
SKIP_LABELS = {
    "archived": N_("archived"),
    "inactive": N_("inactive"),
    "no_email": N_("no e-mail address"),
    "already_invited": N_("already invited"),
}
EXPORT_LABELS = {"xlsx": "XLSX", "ods": "ODS", "csv": "CSV", "vcf": "vCard"}
Offset = Annotated[int, Query(ge=0, le=10_000_000)]


def _status_labels() -> dict[str, str]:
    return {status.value: _(label) for status, label in STATUS_LABELS.items()}


def _moves(status: str) -> list[tuple[str, str]]:
    """The statuses an invitation may go to next, in the order of the list, with their
    buttons' words."""
    allowed = ALLOWED_MOVES[InvitationStatus(status)]
    return [(s.value, _(MOVE_LABELS[s])) for s in InvitationStatus if s in allowed]


def _counts(event: Event) -> dict[str, int]:
    return EventRead.model_validate(event).invitation_counts.model_dump()


# --- The list ----------------------------------------------------------------------------


@router.get("/events")
async def events_page(
    request: Request,
    user: WebUser,
    db: SessionDep,
    today: TodayDep,
    when: Literal["upcoming", "past", "all"] = "upcoming",
    offset: Offset = 0,
) -> Response:
    if when == "upcoming":
        filters = EventFilters(starts_after=today - timedelta(days=1))
        page = ListQuery(limit=PAGE_SIZE, offset=offset)
    elif when == "past":
        filters = EventFilters(starts_before=today)
        page = ListQuery(limit=PAGE_SIZE, offset=offset, sort="-starts_on")
    else:
        filters = EventFilters()
        page = ListQuery(limit=PAGE_SIZE, offset=offset)
    events, total = await events_service.list_events(db, page, filters)
    cities = await _names(db, City, {e.city_id for e in events if e.city_id})
    return render(
        request,
        "events/list.html",
        {
            "events": [(e, _counts(e)) for e in events],
            "total": total,
            "when": when,
            "offset": offset,
            "page_size": PAGE_SIZE,
            "cities": cities,
            "status_labels": _status_labels(),
        },
    )


async def _names(db: Any, model: Any, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = await db.execute(select(col(model.id), col(model.name)).where(col(model.id).in_(ids)))
    return {row[0]: row[1] for row in rows.all()}


# --- A new event -------------------------------------------------------------------------


async def _new_event_page(
    request: Request,
    db: Any,
    values: dict[str, Any],
    errors: dict[str, str],
    *,
    status_code: int = 200,
) -> Response:
    """The form, with the city and the host already chosen shown as their picker's chip."""
    chosen = {
        "city_id": await pick.chosen(db, "city", _ids(values.get("city_id"))),
        "host_organization_id": await pick.chosen(
            db, "organization", _ids(values.get("host_organization_id"))
        ),
    }
    return render(
        request,
        "events/new.html",
        {"values": values, "errors": errors, "chosen": chosen},
        status_code=status_code,
    )


def _ids(value: Any) -> list[int]:
    number = as_int(value) if value else None
    return [number] if isinstance(number, int) and number > 0 else []


@router.get("/events/new")
async def new_event(request: Request, user: WebEditor, db: SessionDep) -> Response:
    return await _new_event_page(request, db, {}, {})


@router.post("/events/new")
async def create_event(request: Request, user: WebEditor, db: SessionDep) -> Response:
    values = form_values(await request.form())
    data: dict[str, Any] = dict(values)
    for name in ("city_id", "host_organization_id"):
        if name in data:
            data[name] = as_int(data[name])
    try:
        event = await events_service.create_event(
            db, EventCreate.model_validate(data), actor=user.username
        )
    except (ValidationError, AppError) as exc:
        errors = form_errors(exc)
        if isinstance(exc, AppError) and "ends_on" in errors:
            # The service's only refusal of ends_on: it is before starts_on.
            errors["ends_on"] = _("The end date is before the start date.")
        return await _new_event_page(request, db, values, errors, status_code=422)
    return redirect(request, f"/events/{event.id}", flash=_("Event saved."))


# --- An event's page ---------------------------------------------------------------------


async def _event(db: Any, event_id: int) -> Event:
    event = await invitations_service.get_event(db, event_id)
    await events_service.load_invitation_counts(db, [event])
    return event


@router.get("/events/{event_id}")
async def event_page(
    request: Request,
    user: WebUser,
    db: SessionDep,
    event_id: IdPath,
    status: InvitationStatus | None = None,
    offset: Offset = 0,
) -> Response:
    event = await _event(db, event_id)
    filters = EventInvitationFilters(status=status)
    invitations, total = await invitations_service.list_invitations(
        db, ListQuery(limit=PAGE_SIZE, offset=offset), filters, event_id=event.id
    )
    city = await _names(db, City, {event.city_id} if event.city_id else set())
    host = await _names(
        db, Organization, {event.host_organization_id} if event.host_organization_id else set()
    )
    formats = list(EXPORT_LABELS)
    return render(
        request,
        "events/detail.html",
        {
            "event": event,
            "counts": _counts(event),
            "city_name": city.get(event.city_id or 0),
            "host_name": host.get(event.host_organization_id or 0),
            "invitations": [{**i, "moves": _moves(i["status"])} for i in invitations],
            "total": total,
            "status": status.value if status else None,
            "offset": offset,
            "page_size": PAGE_SIZE,
            "status_labels": _status_labels(),
            "exports": [
                (
                    EXPORT_LABELS.get(f, f.upper()),
                    url_with(f"/events/{event.id}/export", format=f, status=status),
                )
                for f in formats
            ],
        },
    )


@router.post("/events/{event_id}/invitations/{invitation_id}/status")
async def change_status(
    request: Request, user: WebEditor, db: SessionDep, event_id: IdPath, invitation_id: IdPath
) -> Response:
    """One invitation moved on (htmx swaps its row); a move not allowed from its status is
    shown in the row, with the moves that are."""
    event = await invitations_service.get_event(db, event_id)
    invitation = await invitations_service.get_invitation(db, event, invitation_id)
    form = await request.form()
    error = None
    try:
        update = InvitationUpdate.model_validate({"status": str(form.get("status", ""))})
        invitation = await invitations_service.update_invitation(
            db, invitation, update, actor=user.username
        )
    except (ValidationError, AppError) as exc:
        error = next(iter(form_errors(exc).values()))
    row = await invitations_service.present_one(db, invitation)
    label = _status_labels()[row["status"]]
    if not is_htmx(request):
        if error:
            return redirect(request, f"/events/{event.id}", flash=error, level="error")
        return redirect(
            request,
            f"/events/{event.id}",
            flash=_("%(name)s: %(status)s", name=row["full_name"], status=label),
        )
    await events_service.load_invitation_counts(db, [event])
    return render(
        request,
        "events/_row.html",
        {
            "event": event,
            "invitation": {**row, "moves": _moves(row["status"])},
            "status_labels": _status_labels(),
            "row_error": error,
            "counts": _counts(event),
            "announce": error or _("%(name)s: %(status)s", name=row["full_name"], status=label),
        },
    )


@router.post("/events/{event_id}/mark-sent")
async def mark_sent(
    request: Request, user: WebEditor, db: SessionDep, event_id: IdPath
) -> Response:
    event = await invitations_service.get_event(db, event_id)
    values = form_values(await request.form(), lists=("invitation_ids",))
    ids = [as_int(v) for v in values.get("invitation_ids", [])]
    back = url_with(f"/events/{event.id}", status=values.get("status"))
    if not ids:
        return redirect(
            request, back, flash=_("Select the invitations to mark sent."), level="error"
        )
    try:
        report = await invitations_service.mark_sent(
            db, event, MarkSent.model_validate({"invitation_ids": ids}), actor=user.username
        )
    except (ValidationError, AppError) as exc:
        return redirect(request, back, flash=next(iter(form_errors(exc).values())), level="error")
    return redirect(
        request, back, flash=_("%(count)s invitations marked sent.", count=report["marked"])
    )


# --- Bulk invite -------------------------------------------------------------------------


CRITERIA_LISTS = ("partnership_kinds", "country_codes")


def _criteria(values: dict[str, Any]) -> dict[str, Any]:
    """The form's criteria as BulkInvite takes them (blank ones left out)."""
    data: dict[str, Any] = {}
    for name in ("send_on", *CRITERIA_LISTS):
        if values.get(name):
            data[name] = values[name]
    if values.get("organization_id"):
        data["organization_id"] = as_int(values["organization_id"])
    tags = split_list(str(values.get("tags", "")))
    if tags:
        data["tags"] = tags
    if values.get("dormant_only"):
        data["dormant_only"] = True
    return data


async def _invite_page(
    request: Request,
    db: Any,
    event: Event,
    values: dict[str, Any],
    *,
    errors: dict[str, str] | None = None,
    report: dict[str, Any] | None = None,
    status_code: int = 200,
    today: date,
) -> Response:
    organizations = list(
        (
            await db.execute(
                select(col(Organization.id), col(Organization.name))
                .where(col(Organization.archived_at).is_(None))
                .order_by(col(Organization.name_key))
                .limit(500)
            )
        ).all()
    )
    countries = sorted(
        (
            code
            for code in await db.scalars(
                select(col(City.country_code))
                .where(col(City.country_code).is_not(None), col(City.archived_at).is_(None))
                .distinct()
            )
            if code
        ),
        key=country_name,
    )
    return render(
        request,
        "events/invite.html",
        {
            "event": event,
            "values": values,
            "errors": errors or {},
            "report": report,
            "event_over": _is_over(event, today),
            "organizations": organizations,
            "countries": countries,
            "partnership_kinds": [(k.value, _(v)) for k, v in PARTNERSHIP_LABELS.items()],
            "skip_labels": {k: _(v) for k, v in SKIP_LABELS.items()},
        },
        status_code=status_code,
    )


def _is_over(event: Event, today: date) -> bool:
    """The event's last day (or its only one) is behind us."""
    last = event.ends_on or event.starts_on
    return last is not None and last < today


@router.get("/events/{event_id}/invite")
async def invite_form(
    request: Request, user: WebEditor, db: SessionDep, event_id: IdPath, today: TodayDep
) -> Response:
    event = await invitations_service.get_event(db, event_id)
    return await _invite_page(request, db, event, {"send_on": today.isoformat()}, today=today)


@router.post("/events/{event_id}/invite")
async def invite(
    request: Request, user: WebEditor, db: SessionDep, event_id: IdPath, today: TodayDep
) -> Response:
    """``action=preview``: the dry run, shown with a button that invites for real;
    ``action=confirm``: the invitations made, then back to the event."""
    event = await invitations_service.get_event(db, event_id)
    values = form_values(await request.form(), lists=CRITERIA_LISTS)
    confirm = values.pop("action", "preview") == "confirm"
    settings = request.app.state.settings
    try:
        data = BulkInvite.model_validate({**_criteria(values), "dry_run": not confirm})
        report = await invitations_service.bulk_invite(
            db,
            event,
            data,
            actor=user.username,
            dormant_after_days=settings.dormant_after_days,
            today=today,
        )
    except (ValidationError, AppError) as exc:
        errors = form_errors(exc)
        if event.archived_at is not None and isinstance(exc, AppError):
            errors = {"": _("This event is archived: restore it before inviting anyone to it.")}
        return await _invite_page(
            request, db, event, values, errors=errors, status_code=422, today=today
        )
    if not confirm:
        return await _invite_page(request, db, event, values, report=report, today=today)
    return redirect(
        request,
        f"/events/{event.id}",
        flash=_(
            "%(created)s contacts invited; %(skipped)s skipped.",
            created=report["created"],
            skipped=report["skipped"],
        ),
    )


# --- Exports -----------------------------------------------------------------------------


class ExportParams(EventInvitationFilters):
    format: ExportFormat = ExportFormat.xlsx


ExportQuery = Annotated[ExportParams, Query()]


@router.get("/events/{event_id}/export")
async def export_invitations(
    request: Request,
    user: WebEditor,
    db: WriteSessionDep,
    event_id: IdPath,
    query: ExportQuery,
) -> Response:
    """The event's invitation list (the page's status filter) as a file; audited as the
    API's exports are."""
    filters = EventInvitationFilters.model_construct(**query.model_dump(exclude={"format"}))
    export = await exports_service.export_invitations(
        db,
        engine=request.app.state.database.snapshot_engine,
        event_id=event_id,
        format=query.format,
        filters=filters,
        actor=user.username,
        labels=exports_service.people_labels(_, country_name=country_name),
    )
    return StreamingResponse(
        export.body(),
        media_type=export.media_type,
        headers={"Content-Disposition": export.content_disposition, "Cache-Control": "no-store"},
    )
