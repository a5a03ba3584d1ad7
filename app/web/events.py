"""Events and their invitations: the list, an event's page (counts per status, the
invitation list with its status moves, mark sent), bulk invite with a preview, and the
invitation list's exports."""

import json
from datetime import date, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response, StreamingResponse
from pydantic import ValidationError
from sqlalchemy import select
from sqlmodel import col

from app.audit import service as audit_service
from app.audit.schemas import AuditAction, AuditEntity, AuditFilters
from app.cities.models import City
from app.clock import TodayDep
from app.db import SessionDep, WriteSessionDep
from app.errors import AppError, Conflict
from app.events import service as events_service
from app.events.models import Event
from app.events.schemas import EventCreate, EventFilters, EventRead, EventUpdate
from app.exports import service as exports_service
from app.exports.schemas import ExportFormat
from app.fields import IdPath
from app.invitations import service as invitations_service
from app.invitations.models import InvitationStatus
from app.invitations.schemas import (
    BulkInvite,
    EventInvitationFilters,
    InvitationCreate,
    InvitationUpdate,
    MarkSent,
)
from app.invitations.service import ALLOWED_MOVES
from app.organizations.models import Organization
from app.pagination import ListQuery
from app.partnerships.models import PartnershipKind
from app.records import archive_record, restore_record
from app.web import pick
from app.web.deps import WebEditor, WebUser
from app.web.forms import form_errors, form_values
from app.web.history import FIELD_LABELS, NAME_LABELS  # the fields named as history does
from app.web.i18n import N_, _, country_name, format_date, format_datetime
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
    else:  # every event, the archived ones too (marked): where one is found to restore it
        filters = EventFilters(include_archived=True)
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


# --- A new event, and editing one --------------------------------------------------------

FORM_FIELDS = (
    "name",
    "starts_on",
    "ends_on",
    "city_id",
    "venue",
    "host_organization_id",
    "url",
    "description",
)
REFERENCE_FIELDS = ("city_id", "host_organization_id")
END_BEFORE_START = N_("The end date is before the start date.")


async def _event_form(
    request: Request,
    db: Any,
    values: dict[str, Any],
    errors: dict[str, str],
    *,
    event: Event | None = None,
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
        "events/form.html",
        {"values": values, "errors": errors, "chosen": chosen, "event": event},
        status_code=status_code,
    )


def _ids(value: Any) -> list[int]:
    number = as_int(value) if value else None
    return [number] if isinstance(number, int) and number > 0 else []


def _payload(values: dict[str, Any], *, for_update: bool) -> dict[str, Any]:
    """The schema's input from the form: ids as numbers; on an edit a blank field empties
    it (null), on a create it is left out."""
    data: dict[str, Any] = {name: values[name] for name in FORM_FIELDS if name in values}
    for name in REFERENCE_FIELDS:
        if name in data:
            data[name] = as_int(data[name])
    if for_update:
        for name in FORM_FIELDS:
            data.setdefault(name, None)
    return data


def _event_errors(exc: ValidationError | AppError, values: dict[str, Any]) -> dict[str, str]:
    errors = form_errors(exc)
    if isinstance(exc, AppError) and "ends_on" in errors:
        # The service's only refusal of ends_on: it is before starts_on.
        errors["ends_on"] = _(END_BEFORE_START)
    if "name" in errors and not values.get("name"):  # emptied on the edit form (null)
        errors["name"] = _("This field is required.")
    for name in REFERENCE_FIELDS:
        if name in errors and isinstance(exc, AppError):  # archived or gone since
            errors[name] = _("This record is archived or no longer exists: choose another.")
    return errors


@router.get("/events/new")
async def new_event(request: Request, user: WebEditor, db: SessionDep) -> Response:
    return await _event_form(request, db, {}, {})


@router.post("/events/new")
async def create_event(request: Request, user: WebEditor, db: SessionDep) -> Response:
    values = form_values(await request.form())
    try:
        event = await events_service.create_event(
            db,
            EventCreate.model_validate(_payload(values, for_update=False)),
            actor=user.username,
        )
    except (ValidationError, AppError) as exc:
        errors = _event_errors(exc, values)
        return await _event_form(request, db, values, errors, status_code=422)
    return redirect(request, f"/events/{event.id}", flash=_("Event saved."))


def _comparable(values: dict[str, Any]) -> dict[str, Any]:
    """Form or record values in one shape: ids as numbers, dates as text, blanks as None."""
    plain: dict[str, Any] = {}
    for name in FORM_FIELDS:
        value = values.get(name)
        if name in REFERENCE_FIELDS:
            text = str(value or "")
            plain[name] = int(text) if text.isdigit() else None
        elif isinstance(value, date):
            plain[name] = value.isoformat()
        else:
            text = str(value).replace("\r\n", "\n").strip() if value is not None else ""
            plain[name] = text or None
    return plain


def event_values(event: Event) -> dict[str, Any]:
    """The edit form's values, with the version it starts from and those values as they
    were (``_original``), so a stale save can tell the user's changes from someone else's."""
    values = _comparable({name: getattr(event, name) for name in FORM_FIELDS})
    return {
        **{k: v for k, v in values.items() if v is not None},
        "version": event.version,
        "_original": json.dumps(values),
    }


ARCHIVED_NO_EDIT = N_("This event is archived: restore it before changing it.")


@router.get("/events/{event_id}/edit")
async def edit_event(
    request: Request, user: WebEditor, db: SessionDep, event_id: IdPath
) -> Response:
    event = await _event(db, event_id)
    errors = {"": _(ARCHIVED_NO_EDIT)} if event.archived_at is not None else {}
    return await _event_form(request, db, event_values(event), errors, event=event)


@router.post("/events/{event_id}/edit")
async def save_event(
    request: Request, user: WebEditor, db: SessionDep, event_id: IdPath
) -> Response:
    event = await _event(db, event_id)
    values = form_values(await request.form())
    if event.archived_at is not None:
        return await _event_form(
            request, db, values, {"": _(ARCHIVED_NO_EDIT)}, event=event, status_code=409
        )
    if str(values.get("version")) != str(event.version):
        return await _conflict(request, db, event, values)
    try:
        data = EventUpdate.model_validate(_payload(values, for_update=True))
        await events_service.update_event(db, event, data, actor=user.username)
    except (ValidationError, AppError) as exc:
        errors = _event_errors(exc, values)
        return await _event_form(request, db, values, errors, event=event, status_code=422)
    return redirect(
        request, f"/events/{event.id}", flash=_("Event saved: %(name)s", name=event.name)
    )


async def _conflict(request: Request, db: Any, event: Event, values: dict[str, Any]) -> Response:
    """Someone saved the event after this form was opened (the API's 412, made humane):
    where their version and this form differ, and a form that applies the user's own
    changes (the fields they edited) on top of the saved version. The same screen as a
    contact's (app/web/contacts.py), for an event's fields."""
    current = _comparable({name: getattr(event, name) for name in FORM_FIELDS})
    mine = _comparable(values)
    try:
        original = _comparable(json.loads(values.get("_original") or ""))
    except (ValueError, TypeError, AttributeError):
        original = current  # no starting point: every field of the form counts as a change
    my_changes = {name for name in FORM_FIELDS if mine[name] != original[name]}
    names = {
        "city_id": await _names(db, City, {v for v in (current["city_id"], mine["city_id"]) if v}),
        "host_organization_id": await _names(
            db,
            Organization,
            {v for v in (current["host_organization_id"], mine["host_organization_id"]) if v},
        ),
    }
    differences = [
        {
            "label": _(NAME_LABELS[AuditEntity.event] if name == "name" else FIELD_LABELS[name]),
            "theirs": _shown(name, current[name], names),
            "yours": _shown(name, mine[name], names),
            "mine": name in my_changes,
        }
        for name in FORM_FIELDS
        if current[name] != mine[name]
    ]
    merged = {**current, **{name: mine[name] for name in my_changes}}
    return render(
        request,
        "events/conflict.html",
        {
            "event": event,
            "changed_by": await _last_change(request, db, event),
            "differences": differences,
            "fields": FORM_FIELDS,
            "values": {**merged, "version": event.version, "_original": json.dumps(current)},
        },
        status_code=409,
    )


def _shown(name: str, value: Any, names: dict[str, dict[int, str]]) -> str:
    if value is None:
        return "—"
    if name in names:
        return names[name].get(int(value), str(value))
    if name in ("starts_on", "ends_on"):
        return format_date(date.fromisoformat(value))
    return str(value)


async def _last_change(request: Request, db: Any, event: Event) -> str | None:
    """Who saved the event last, and when (desk time): from its audit trail."""
    entries, _total = await audit_service.list_entries(
        db, ListQuery(limit=20), AuditFilters(entity=AuditEntity.event, entity_id=event.id)
    )
    for entry in entries:
        if entry.action not in (AuditAction.read, AuditAction.export):
            when = format_datetime(entry.occurred_at, request.app.state.settings.time_zone)
            return _("%(user)s changed it at %(time)s.", user=entry.actor, time=when)
    return None


# --- Archiving and restoring an event ------------------------------------------------------


@router.post("/events/{event_id}/archive")
async def archive_event(
    request: Request, user: WebEditor, db: SessionDep, event_id: IdPath
) -> Response:
    """As the API's DELETE: the event leaves the lists; its invitations are kept as they
    are, but leave Today's and the calendar's lists until it is restored."""
    event = await invitations_service.get_event(db, event_id)
    await archive_record(db, event, actor=user.username, entity=AuditEntity.event)
    return redirect(request, f"/events/{event_id}", flash=_("Archived: %(name)s", name=event.name))


@router.post("/events/{event_id}/restore")
async def restore_event(
    request: Request, user: WebEditor, db: SessionDep, event_id: IdPath
) -> Response:
    event = await invitations_service.get_event(db, event_id)
    await restore_record(db, event, actor=user.username, entity=AuditEntity.event)
    return redirect(request, f"/events/{event_id}", flash=_("Restored: %(name)s", name=event.name))


# --- An event's page ---------------------------------------------------------------------


async def _event(db: Any, event_id: int) -> Event:
    event = await invitations_service.get_event(db, event_id)
    await events_service.load_invitation_counts(db, [event])
    return event


async def _event_page(
    request: Request,
    db: Any,
    event: Event,
    *,
    status: InvitationStatus | None = None,
    offset: int = 0,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    existing_id: int | None = None,
    status_code: int = 200,
) -> Response:
    """The page; ``values`` and ``errors`` are those of its form that invites one contact."""
    filters = EventInvitationFilters(status=status)
    invitations, total = await invitations_service.list_invitations(
        db, ListQuery(limit=PAGE_SIZE, offset=offset), filters, event_id=event.id
    )
    city = await _names(db, City, {event.city_id} if event.city_id else set())
    host = await _names(
        db, Organization, {event.host_organization_id} if event.host_organization_id else set()
    )
    values = values or {}
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
            "values": values,
            "errors": errors or {},
            "existing_id": existing_id,
            "chosen_contact": await pick.chosen(db, "contact", _ids(values.get("contact_id"))),
            "exports": [
                (
                    EXPORT_LABELS.get(f, f.upper()),
                    url_with(f"/events/{event.id}/export", format=f, status=status),
                )
                for f in formats
            ],
        },
        status_code=status_code,
    )


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
    return await _event_page(request, db, event, status=status, offset=offset)


# --- Invitations one by one --------------------------------------------------------------

ARCHIVED_NO_INVITE = N_("This event is archived: restore it before inviting anyone to it.")


@router.post("/events/{event_id}/invitations")
async def add_invitation(
    request: Request, user: WebEditor, db: SessionDep, event_id: IdPath
) -> Response:
    """One contact added to the invitation list (the API's create-invitation rules: no one
    twice, not to an archived event); a refusal is shown beside the form, on the page."""
    event = await _event(db, event_id)
    values = form_values(await request.form())
    try:
        data = InvitationCreate.model_validate(
            {**values, "contact_id": as_int(values.get("contact_id", ""))}
        )
        invitation = await invitations_service.create_invitation(
            db, event, data, actor=user.username
        )
    except (ValidationError, AppError) as exc:
        errors, existing_id = _invitation_errors(exc)
        return await _event_page(
            request,
            db,
            event,
            values=values,
            errors=errors,
            existing_id=existing_id,
            status_code=409 if isinstance(exc, Conflict) else 422,
        )
    row = await invitations_service.present_one(db, invitation)
    return redirect(
        request,
        f"/events/{event.id}#invitation-{invitation.id}",
        flash=_("%(name)s added to the invitation list.", name=row["full_name"]),
    )


def _invitation_errors(
    exc: ValidationError | AppError,
) -> tuple[dict[str, str], int | None]:
    if isinstance(exc, Conflict):
        existing_id = exc.extra.get("existing_id")
        if existing_id is not None:
            return {"contact_id": _("This contact is already invited to this event.")}, int(
                existing_id
            )
        return {"": _(ARCHIVED_NO_INVITE)}, None
    errors = form_errors(exc)
    if "contact_id" in errors:
        errors["contact_id"] = (
            _("This contact is archived or no longer exists: choose another.")
            if isinstance(exc, AppError)
            else _("Choose the contact to invite from the list.")
        )
    return errors, None


@router.post("/events/{event_id}/invitations/{invitation_id}/remove")
async def remove_invitation(
    request: Request, user: WebEditor, db: SessionDep, event_id: IdPath, invitation_id: IdPath
) -> Response:
    """Takes an invitation off the list (the API's DELETE: it is archived, not destroyed)."""
    event = await invitations_service.get_event(db, event_id)
    invitation = await invitations_service.get_invitation(db, event, invitation_id)
    row = await invitations_service.present_one(db, invitation)
    await invitations_service.archive_invitation(db, invitation, actor=user.username)
    return redirect(
        request,
        f"/events/{event.id}",
        flash=_("%(name)s removed from the invitation list.", name=row["full_name"]),
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
            errors = {"": _(ARCHIVED_NO_INVITE)}
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
