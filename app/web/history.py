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
from app.follow_ups.models import FollowUp
from app.invitations.models import Invitation
from app.organizations.models import Organization
from app.pagination import ListQuery
from app.partnerships.models import Partnership
from app.web.deps import WebUser
from app.web.i18n import (
    N_,
    _,
    country_name,
    current_locale,
    format_date,
    format_datetime,
    format_number,
    language_name,
)
from app.web.labels import label
from app.web.names import names_of
from app.web.templating import format_phone, is_htmx, render, url_with

router = APIRouter()

PAGE_SIZE = 20

# The fields a person edits, called as the forms call them; anything else an entry records
# (search keys, versions, timestamps, a contact's country that follows its city) is not shown.
FIELD_LABELS = {
    "full_name": N_("Full name"),
    "local_name": N_("Local name"),
    "honorific": N_("Honorific"),
    "position": N_("Position"),
    "department": N_("Department"),
    "organization_id": N_("Organization"),
    "city_id": N_("City"),
    "email": N_("E-mail"),
    "phone": N_("Phone"),
    "languages": N_("Languages"),
    "tags": N_("Tags"),
    "source": N_("Source"),
    "notes": N_("Notes"),
    "is_active": N_("Active"),
    "name": N_("Name"),
    "alternate_names": N_("Alternate names"),
    "country_code": N_("Country"),
    "region": N_("Region"),
    "population": N_("Population"),
    "kind": N_("Kind"),
    "signed_on": N_("Signed on"),
    "status": N_("Status"),
    "acronym": N_("Acronym"),
    "website": N_("Website"),
    "headquarters_city_id": N_("Headquarters"),
    "home_membership": N_("Our membership"),
    "member_since": N_("Member since"),
    "member_city_ids": N_("Member cities"),
    "occurred_on": N_("Date"),
    "title": N_("Title"),
    "summary": N_("Summary"),
    "location": N_("Place"),
    "contact_ids": N_("Contacts"),
    "city_ids": N_("Cities"),
    "organization_ids": N_("Organizations"),
    "due_on": N_("Due date"),
    "assignee_id": N_("Assignee"),
    "contact_id": N_("Contact"),
    "interaction_id": N_("Interaction"),
    "event_id": N_("Event"),
    "completed_at": N_("Completed at"),
    "starts_on": N_("Starts on"),
    "ends_on": N_("Ends on"),
    "venue": N_("Venue"),
    "host_organization_id": N_("Host organization"),
    "url": N_("Website"),
    "description": N_("Description"),
    "send_on": N_("Send on"),
    "sent_at": N_("Sent at"),
    "responded_at": N_("Answered at"),
}
# A record's own name, as its form calls it.
NAME_LABELS = {
    AuditEntity.city: N_("City name"),
    AuditEntity.organization: N_("Organization name"),
    AuditEntity.event: N_("Event name"),
}
# Fields an entity records but a person does not edit there.
DERIVED = {AuditEntity.contact: frozenset({"country_code"})}
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


def field_label(name: str, entity: AuditEntity | None = None) -> str:
    text = NAME_LABELS.get(entity) if name == "name" and entity else None
    text = text or FIELD_LABELS.get(name)
    return _(text) if text else name.replace("_", " ")


def shown_field(name: str, entity: AuditEntity | None) -> bool:
    hidden = DERIVED.get(entity, frozenset()) if entity else frozenset()
    return name in FIELD_LABELS and name not in hidden


def list_separator() -> str:
    return "、" if current_locale().startswith("zh") else ", "


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
        return list_separator().join(names.get(model, {}).get(int(i), f"#{i}") for i in ids)
    if name == "country_code":
        return country_name(str(value))
    if name == "languages" and isinstance(value, list):
        return list_separator().join(language_name(str(code)) for code in value)
    if name == "phone":
        return format_phone(str(value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if name in ENUM_FIELDS:
        return label(str(value))
    if name == "archived_at" or name.endswith(("_on", "_at")) or name == "member_since":
        return _moment(str(value), time_zone)
    if isinstance(value, int | float):
        return format_number(value)
    if isinstance(value, list):
        return list_separator().join(str(v) for v in value)
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
    try:
        entity: AuditEntity | None = AuditEntity(entry.entity)
    except ValueError:
        entity = None
    changes = []
    if action in (AuditAction.create, AuditAction.update):
        for name, change in sorted((entry.changes or {}).items(), key=_field_order):
            if not isinstance(change, dict) or not shown_field(name, entity):
                continue
            changes.append(
                {
                    "field": _("%(field)s:", field=field_label(name, entity)),
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


# The page of each kind of record; a partnership, invitation or follow-up is shown on the
# page of the record it belongs to.
PAGES = {
    AuditEntity.city: "/cities/{}",
    AuditEntity.contact: "/contacts/{}",
    AuditEntity.organization: "/organizations/{}",
    AuditEntity.event: "/events/{}",
    AuditEntity.interaction: "/interactions/{}",
}
PARENTS: dict[AuditEntity, tuple[Any, tuple[tuple[str, AuditEntity], ...]]] = {
    AuditEntity.partnership: (Partnership, (("city_id", AuditEntity.city),)),
    AuditEntity.invitation: (Invitation, (("event_id", AuditEntity.event),)),
    AuditEntity.follow_up: (
        FollowUp,
        (
            ("interaction_id", AuditEntity.interaction),
            ("event_id", AuditEntity.event),
            ("contact_id", AuditEntity.contact),
            ("city_id", AuditEntity.city),
            ("organization_id", AuditEntity.organization),
        ),
    ),
}


async def record_page(db: AsyncSession, entity: AuditEntity, record_id: int) -> str:
    """Where the record is shown (the Today page if it has no page of its own)."""
    if entity in PAGES:
        return PAGES[entity].format(record_id)
    if entity in PARENTS:
        model, links = PARENTS[entity]
        record = await db.get(model, record_id)
        for field, parent in links:
            parent_id = getattr(record, field, None)
            if parent_id is not None:
                return PAGES[parent].format(parent_id)
    return "/"


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
    context = {
        "allowed": True,
        "entries": [describe(e, names, time_zone) for e in entries],
        "more": more,
    }
    if not is_htmx(request):
        return render(
            request,
            "history/page.html",
            {**context, "back": await record_page(db, entity, record_id)},
        )
    return render(request, "history/_entries.html", context)
