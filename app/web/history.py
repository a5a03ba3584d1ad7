"""The history partial every record page loads (``hx-get="/history/city/{id}"``): the audit
trail in sentences: who changed which field from what to what, and when (desk time zone).

Like the API's ``GET /audit``, it is for editors and administrators; a viewer's page gets a
short note instead of the trail."""

from datetime import date, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import service as audit_service
from app.audit.schemas import AuditAction, AuditEntity, AuditFilters
from app.auth.models import Role, User
from app.cities.models import City
from app.contacts.models import Contact
from app.db import SessionDep
from app.errors import Forbidden
from app.events.models import Event
from app.fields import IdPath
from app.organizations.models import Organization
from app.pagination import ListQuery
from app.web.deps import WebUser
from app.web.i18n import (
    N_,
    _,
    country_name,
    format_date,
    format_datetime,
    format_number,
    language_name,
)
from app.web.labels import label
from app.web.names import names_of
from app.web.templating import is_htmx, render, url_with

router = APIRouter()

PAGE_SIZE = 20

FIELD_LABELS = {
    "full_name": N_("full name"),
    "local_name": N_("local name"),
    "honorific": N_("honorific"),
    "position": N_("position"),
    "department": N_("department"),
    "organization_id": N_("organization"),
    "city_id": N_("city"),
    "email": N_("e-mail"),
    "phone": N_("phone"),
    "languages": N_("languages"),
    "tags": N_("tags"),
    "source": N_("source"),
    "notes": N_("notes"),
    "is_active": N_("active"),
    "archived_at": N_("archived"),
    "name": N_("name"),
    "alternate_names": N_("other names"),
    "country_code": N_("country"),
    "region": N_("region"),
    "population": N_("population"),
    "kind": N_("kind"),
    "signed_on": N_("signed on"),
    "status": N_("status"),
    "acronym": N_("acronym"),
    "website": N_("website"),
    "headquarters_city_id": N_("headquarters"),
    "home_membership": N_("our membership"),
    "member_since": N_("member since"),
    "member_city_ids": N_("member cities"),
    "occurred_on": N_("date"),
    "title": N_("title"),
    "summary": N_("summary"),
    "location": N_("place"),
    "contact_ids": N_("contacts"),
    "city_ids": N_("cities"),
    "organization_ids": N_("organizations"),
    "due_on": N_("due on"),
    "assignee_id": N_("assigned to"),
    "contact_id": N_("contact"),
    "interaction_id": N_("interaction"),
    "event_id": N_("event"),
    "completed_at": N_("completed at"),
    "starts_on": N_("starts on"),
    "ends_on": N_("ends on"),
    "venue": N_("venue"),
    "host_organization_id": N_("host organization"),
    "url": N_("web address"),
    "description": N_("description"),
    "send_on": N_("send on"),
    "sent_at": N_("sent at"),
    "responded_at": N_("answered at"),
}
SENTENCES = {
    AuditAction.create: N_("created this record"),
    AuditAction.update: N_("changed"),
    AuditAction.archive: N_("archived this record"),
    AuditAction.restore: N_("restored this record"),
    AuditAction.export: N_("exported this record"),
    AuditAction.read: N_("read this record"),
}
# Fields holding the id (or ids) of another record: shown by its name.
REFERENCES: dict[str, type] = {
    "city_id": City,
    "headquarters_city_id": City,
    "city_ids": City,
    "member_city_ids": City,
    "organization_id": Organization,
    "host_organization_id": Organization,
    "organization_ids": Organization,
    "contact_id": Contact,
    "contact_ids": Contact,
    "event_id": Event,
    "assignee_id": User,
}
ENUM_FIELDS = frozenset({"kind", "status", "home_membership"})
EMPTY = "—"


def field_label(name: str) -> str:
    text = FIELD_LABELS.get(name)
    return _(text) if text else name.replace("_", " ")


def _moment(value: str, time_zone: str) -> str:
    """A recorded date (ISO) or instant (ISO, UTC) as the reader writes it, in the desk's
    time zone."""
    try:
        if len(value) <= 10:
            return format_date(date.fromisoformat(value))
        return format_datetime(datetime.fromisoformat(value), time_zone)
    except ValueError:
        return value


def shown(name: str, value: Any, names: dict[type, dict[int, str]], time_zone: str) -> str:
    """A recorded value as a person reads it: names for ids, words for kinds, "—" for none."""
    if value is None or value == "" or value == []:
        return EMPTY
    model = REFERENCES.get(name)
    if model is not None:
        ids = value if isinstance(value, list) else [value]
        return "、".join(names.get(model, {}).get(int(i), f"#{i}") for i in ids)
    if name == "country_code":
        return country_name(str(value))
    if name == "languages" and isinstance(value, list):
        return "、".join(language_name(str(code)) for code in value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if name in ENUM_FIELDS:
        return label(str(value))
    if name == "archived_at" or name.endswith(("_on", "_at")) or name == "member_since":
        return _moment(str(value), time_zone)
    if isinstance(value, int | float):
        return format_number(value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


async def _names(db: AsyncSession, entries: list[Any]) -> dict[type, dict[int, str]]:
    wanted: dict[type, set[int]] = {}
    for entry in entries:
        for name, change in (entry.changes or {}).items():
            model = REFERENCES.get(name)
            if model is None or not isinstance(change, dict):
                continue
            for value in (change.get("old"), change.get("new")):
                ids = value if isinstance(value, list) else [value]
                wanted.setdefault(model, set()).update(i for i in ids if isinstance(i, int))
    return {model: await names_of(db, model, ids) for model, ids in wanted.items()}


FIELD_ORDER = {name: position for position, name in enumerate(FIELD_LABELS)}


def _field_order(item: tuple[str, Any]) -> tuple[int, str]:
    """Changes in the order a record's form shows its fields (PostgreSQL's JSON keeps none)."""
    return FIELD_ORDER.get(item[0], len(FIELD_ORDER)), item[0]


def describe(entry: Any, names: dict[type, dict[int, str]], time_zone: str) -> dict[str, Any]:
    action = AuditAction(entry.action)
    changes = []
    if action in (AuditAction.create, AuditAction.update):
        for name, change in sorted((entry.changes or {}).items(), key=_field_order):
            if not isinstance(change, dict):
                continue
            changes.append(
                {
                    "field": _("%(field)s:", field=field_label(name)),
                    "old": shown(name, change.get("old"), names, time_zone),
                    "new": shown(name, change.get("new"), names, time_zone),
                }
            )
    return {
        "actor": entry.actor,
        "occurred_at": entry.occurred_at,
        "sentence": _(SENTENCES[action]),
        "changes": changes,
    }


@router.get("/history/{entity}/{record_id}")
async def history(
    request: Request,
    user: WebUser,
    db: SessionDep,
    entity: AuditEntity,
    record_id: IdPath,
    offset: int = 0,
) -> Response:
    if user.role not in (Role.admin, Role.editor):
        if not is_htmx(request):
            raise Forbidden(_("Your role does not allow this."))
        return render(request, "history/_entries.html", {"allowed": False})
    page = ListQuery(limit=PAGE_SIZE, offset=max(offset, 0))
    entries, total = await audit_service.list_entries(
        db, page, AuditFilters(entity=entity, entity_id=record_id)
    )
    entries = [e for e in entries if e.action not in (AuditAction.read, AuditAction.export)]
    names = await _names(db, entries)
    time_zone = request.app.state.settings.time_zone
    more = None
    if page.offset + page.limit < total:
        more = url_with(f"/history/{entity.value}/{record_id}", offset=page.offset + page.limit)
    return render(
        request,
        "history/_entries.html",
        {
            "allowed": True,
            "entries": [describe(e, names, time_zone) for e in entries],
            "more": more,
        },
    )
