"""Contacts: the list with its filters, the contact page, the create and edit forms (with
languages and tags as chips), a save on a stale version made humane, archive and restore."""

import json
from typing import Annotated, Any, Literal, TypeVar

import phonenumbers
import pycountry
from babel import Locale
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.audit.schemas import AuditEntity
from app.cities.models import City
from app.contacts import service as contacts_service
from app.contacts.models import Contact
from app.contacts.schemas import ContactCreate, ContactFilters, ContactUpdate
from app.db import SessionDep
from app.errors import AppError, Conflict, InvalidInput
from app.fields import IdPath
from app.organizations.models import Organization
from app.pagination import ListQuery
from app.records import get_record, restore_record
from app.web import i18n
from app.web.deps import WebEditor, WebUser
from app.web.forms import form_errors, form_values
from app.web.i18n import N_, _
from app.web.templating import redirect, render, url_with

router = APIRouter()

Q = TypeVar("Q", bound=BaseModel)

# The fields of the form, in its order; the chips fields hold lists.
TEXT_FIELDS = (
    "full_name",
    "local_name",
    "honorific",
    "position",
    "department",
    "organization_id",
    "city_id",
    "email",
    "phone",
    "source",
    "notes",
)
CHIP_FIELDS = ("languages", "tags")
FORM_FIELDS = (*TEXT_FIELDS, *CHIP_FIELDS)
# What the conflict screen calls each field.
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
}
# The web list's sorts, as the service names them.
SORTS = {
    "name": "full_name",
    "-name": "-full_name",
    "updated": "updated_at",
    "-updated": "-updated_at",
}
PAGE_SIZE = 50


class ContactListPage(ContactFilters, ListQuery):
    """The list page's query string: the API's filters, paging, and the sorts a person picks."""

    sort: Literal["name", "-name", "updated", "-updated"] | None = None
    limit: Annotated[int, Field(ge=1, le=200)] = PAGE_SIZE


def as_typed(model: type[BaseModel]) -> type[BaseModel]:
    """The query string of a list page as typed: ``model``'s parameters, each as text (so a
    blank filter of a GET form is "no filter", not an error) and declared (so an unknown one
    is refused, as everywhere). The page then reads it with ``model`` itself."""
    return create_model(
        f"{model.__name__}Typed",
        __config__=ConfigDict(extra="forbid"),
        **{name: (str | None, None) for name in model.model_fields},  # type: ignore[call-overload]
    )


def read_query(model: type[Q], typed: BaseModel) -> tuple[Q, dict[str, Any], dict[str, str]]:
    """The list's query (``model``), what was typed (for the filter form) and the messages
    of the filters that are not valid (the list is then shown without them)."""
    values = form_values(typed.model_dump(exclude_none=True))
    try:
        return model.model_validate(values), values, {}
    except ValidationError as exc:
        return model(), values, form_errors(exc)


async def city_choices(db: AsyncSession) -> list[tuple[Any, str]]:
    """Live cities for a select: "Busan (South Korea)", in name order."""
    rows = await db.execute(
        select(col(City.id), col(City.name), col(City.country_code))
        .where(col(City.archived_at).is_(None))
        .order_by(col(City.name_key), col(City.id))
    )
    return [
        (row[0], f"{row[1]} ({i18n.country_name(row[2])})" if row[2] else str(row[1]))
        for row in rows.all()
    ]


async def organization_choices(db: AsyncSession) -> list[tuple[Any, str]]:
    rows = await db.execute(
        select(col(Organization.id), col(Organization.name), col(Organization.acronym))
        .where(col(Organization.archived_at).is_(None))
        .order_by(col(Organization.name_key), col(Organization.id))
    )
    return [(row[0], f"{row[1]} ({row[2]})" if row[2] else str(row[1])) for row in rows.all()]


def country_choices() -> list[tuple[str, str]]:
    countries = [(c.alpha_2, i18n.country_name(c.alpha_2)) for c in pycountry.countries]
    return sorted(countries, key=lambda pair: pair[1])


def _language_names() -> dict[str, str]:
    """Language names (English and Chinese, folded) → ISO 639-1 code, so a person may type
    "Korean" or "韓文" as well as "ko"."""
    names: dict[str, str] = {}
    for language in pycountry.languages:
        code = getattr(language, "alpha_2", None)
        if code:
            names[language.name.casefold()] = code
    for locale in i18n.LOCALES:
        for code, name in Locale.parse(locale).languages.items():
            if len(code) == 2:
                names.setdefault(name.casefold(), code)
    return names


LANGUAGE_NAMES = _language_names()


def language_code(text: str) -> str:
    """A typed language as its code when we know it; else as typed (the schema refuses it)."""
    key = text.strip().casefold()
    if len(key) == 2 and pycountry.languages.get(alpha_2=key) is not None:
        return key
    return LANGUAGE_NAMES.get(key, text.strip())


def split_chips(items: list[str]) -> list[str]:
    """Chips from hidden inputs and a typed comma list (the form without JavaScript): one
    list, in order, each value once."""
    chips: list[str] = []
    for item in items:
        for part in item.replace("，", ",").replace("、", ",").split(","):
            if part.strip() and part.strip() not in chips:
                chips.append(part.strip())
    return chips


def read_form(form: Any) -> tuple[dict[str, Any], str | None]:
    """The form's values (chips as lists, languages as codes) and the button that sent it:
    "add:<field>" or "remove:<field>:<value>" edits the chips without saving."""
    values = form_values(form, lists=CHIP_FIELDS)
    action = values.pop("_chip", None)
    for name in CHIP_FIELDS:
        values[name] = split_chips(values.get(name, []))
    values["languages"] = list(dict.fromkeys(language_code(v) for v in values["languages"]))
    if isinstance(action, str) and action.startswith("remove:"):
        _, name, value = (action.split(":", 2) + ["", ""])[:3]
        if name in CHIP_FIELDS:
            values[name] = [v for v in values[name] if v != value]
    return values, action if isinstance(action, str) else None


def with_ids(values: dict[str, Any], *names: str) -> dict[str, Any]:
    """A form's chosen ids as numbers (the schemas take a JSON body's types, not text)."""
    return {
        key: int(value) if key in names and isinstance(value, str) and value.isdigit() else value
        for key, value in values.items()
    }


def _payload(values: dict[str, Any], *, for_update: bool) -> dict[str, Any]:
    """The schema's input: on an edit a blank field empties it (null); on a create it is
    left out."""
    payload = with_ids(
        {name: values[name] for name in FORM_FIELDS if name in values},
        "city_id",
        "organization_id",
    )
    if for_update:
        for name in TEXT_FIELDS:
            payload.setdefault(name, None)
    return payload


async def _errors(
    db: AsyncSession, exc: ValidationError | AppError, values: dict[str, Any]
) -> dict[str, str]:
    """The service's and the schema's refusals as messages beside their fields, in the
    reader's words (a phone number with an example of the city's country)."""
    if isinstance(exc, Conflict) and exc.extra.get("existing_id") is not None:
        return {"email": _("Another contact already has this e-mail address.")}
    errors = form_errors(exc)
    for name in TEXT_FIELDS:
        if name in errors and not values.get(name):  # emptied on the edit form (null)
            errors[name] = _("This field is required.")
    if "phone" in errors and values.get("phone"):
        country = None
        if values.get("city_id"):
            city = await db.get(City, int(values["city_id"]))
            country = city.country_code if city else None
        example = phonenumbers.example_number(country) if country else None
        if example is not None:
            errors["phone"] = _(
                "This is not a valid phone number in %(country)s. Write it as %(national)s, "
                "or with its country code: %(international)s.",
                country=i18n.country_name(country),
                national=phonenumbers.format_number(
                    example, phonenumbers.PhoneNumberFormat.NATIONAL
                ),
                international=phonenumbers.format_number(
                    example, phonenumbers.PhoneNumberFormat.INTERNATIONAL
                ),
            )
        else:
            errors["phone"] = _(
                "This is not a valid phone number. Write it with its country code, "
                "e.g. +886 2 2720 8889."
            )
    if "languages" in errors:
        unknown = [v for v in values.get("languages", []) if len(v) != 2]
        errors["languages"] = _(
            "We do not know the language “%(value)s”. Enter its code (e.g. ko) or its name "
            "(e.g. Korean).",
            value=", ".join(unknown) or "?",
        )
    if "tags" in errors:
        errors["tags"] = _("A tag is at most 50 characters, and a contact has at most 50 tags.")
    return errors


async def _form_context(db: AsyncSession, **context: Any) -> dict[str, Any]:
    return {
        "nav": "contacts",
        "cities": await city_choices(db),
        "organizations": await organization_choices(db),
        "errors": {},
        **context,
    }


def contact_values(contact: Contact) -> dict[str, Any]:
    """The edit form's values, with the version it starts from and those values as they
    were (``_original``), so a stale save can tell the user's changes from someone else's."""
    values: dict[str, Any] = {name: getattr(contact, name) for name in FORM_FIELDS}
    values["version"] = contact.version
    values["_original"] = json.dumps(_comparable(values))
    return values


def _comparable(values: dict[str, Any]) -> dict[str, Any]:
    """Form or record values in one shape: ids as numbers, blanks as None, lists as lists."""
    plain: dict[str, Any] = {}
    for name in FORM_FIELDS:
        value = values.get(name)
        if name in CHIP_FIELDS:
            plain[name] = list(value or [])
        elif name in ("city_id", "organization_id"):
            text = str(value or "")
            plain[name] = int(text) if text.isdigit() else None
        else:
            text = str(value).replace("\r\n", "\n") if value is not None else ""
            plain[name] = text or None
    return plain


def _shown(name: str, value: Any, names: dict[str, dict[int, str]]) -> str:
    if value in (None, "", []):
        return "—"
    if name in ("city_id", "organization_id"):
        return names[name].get(int(value), str(value))
    if name == "languages":
        return "、".join(f"{i18n.language_name(v)} ({v})" for v in value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


ContactListTyped = as_typed(ContactListPage)


@router.get("/contacts")
async def contact_list(
    request: Request,
    user: WebUser,
    db: SessionDep,
    typed: Annotated[ContactListTyped, Query()],  # type: ignore[valid-type]
) -> Response:
    query, raw, errors = read_query(ContactListPage, typed)
    service_page = ListQuery(
        limit=query.limit, offset=query.offset, sort=SORTS.get(query.sort or "name")
    )
    contacts, total = await contacts_service.list_contacts(db, service_page, query)
    filters = query.model_dump(exclude={"limit", "offset"}, exclude_defaults=True)
    return render(
        request,
        "contacts/list.html",
        {
            "nav": "contacts",
            "contacts": contacts,
            "total": total,
            "query": query,
            "values": raw,
            "errors": errors,
            "list_url": url_with("/contacts", **filters),
            "cities": await city_choices(db),
            "organizations": await organization_choices(db),
            "countries": country_choices(),
        },
    )


@router.get("/contacts/new")
async def new_contact(request: Request, user: WebEditor, db: SessionDep) -> Response:
    return render(
        request,
        "contacts/form.html",
        await _form_context(db, values={"languages": [], "tags": []}, contact=None),
    )


@router.post("/contacts/new")
async def create_contact(request: Request, user: WebEditor, db: SessionDep) -> Response:
    values, action = read_form(await request.form())
    if action:  # a chip added or removed without JavaScript: the form again, nothing saved
        return render(
            request, "contacts/form.html", await _form_context(db, values=values, contact=None)
        )
    try:
        data = ContactCreate.model_validate(_payload(values, for_update=False))
        contact = await contacts_service.create_contact(db, data, actor=user.username)
    except (ValidationError, AppError) as exc:
        return render(
            request,
            "contacts/form.html",
            await _form_context(
                db, values=values, contact=None, errors=await _errors(db, exc, values)
            ),
            status_code=422,
        )
    return redirect(
        request,
        f"/contacts/{contact.id}",
        flash=_("Contact saved: %(name)s", name=contact.full_name),
    )


@router.get("/contacts/{contact_id}")
async def contact_page(
    request: Request, user: WebUser, db: SessionDep, contact_id: IdPath
) -> Response:
    contact = await get_record(db, Contact, contact_id, "contact")
    return render(request, "contacts/detail.html", {"nav": "contacts", "contact": contact})


@router.get("/contacts/{contact_id}/edit")
async def edit_contact(
    request: Request, user: WebEditor, db: SessionDep, contact_id: IdPath
) -> Response:
    contact = await get_record(db, Contact, contact_id, "contact")
    return render(
        request,
        "contacts/form.html",
        await _form_context(db, values=contact_values(contact), contact=contact),
    )


@router.post("/contacts/{contact_id}/edit")
async def save_contact(
    request: Request, user: WebEditor, db: SessionDep, contact_id: IdPath
) -> Response:
    contact = await get_record(db, Contact, contact_id, "contact")
    values, action = read_form(await request.form())
    if action:
        return render(
            request, "contacts/form.html", await _form_context(db, values=values, contact=contact)
        )
    if str(values.get("version")) != str(contact.version):
        return await _conflict(request, db, contact, values)
    try:
        data = ContactUpdate.model_validate(_payload(values, for_update=True))
        contact = await contacts_service.update_contact(db, contact, data, actor=user.username)
    except (ValidationError, AppError) as exc:
        return render(
            request,
            "contacts/form.html",
            await _form_context(
                db, values=values, contact=contact, errors=await _errors(db, exc, values)
            ),
            status_code=422,
        )
    return redirect(
        request,
        f"/contacts/{contact.id}",
        flash=_("Contact saved: %(name)s", name=contact.full_name),
    )


async def _conflict(
    request: Request, db: AsyncSession, contact: Contact, values: dict[str, Any]
) -> Response:
    """Someone saved the contact after this form was opened: where their version and this
    form differ, and a form that applies the user's own changes (the fields they edited) on
    top of the saved version (the API's 412, made humane)."""
    current = _comparable(contact_values(contact))
    mine = _comparable(values)
    try:
        original = _comparable(json.loads(values.get("_original") or ""))
    except (ValueError, TypeError, AttributeError):
        original = current  # no starting point: every field of the form counts as a change
    my_changes = {name for name in FORM_FIELDS if mine[name] != original[name]}
    names = {
        "city_id": dict(await city_choices(db)),
        "organization_id": dict(await organization_choices(db)),
    }
    for name, model in (("city_id", City), ("organization_id", Organization)):
        for value in (current[name], mine[name]):
            if value is not None and value not in names[name]:
                record = await db.get(model, value)
                names[name][value] = getattr(record, "name", str(value))
    differences = [
        {
            "label": _(FIELD_LABELS[name]),
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
        "contacts/conflict.html",
        {
            "nav": "contacts",
            "contact": contact,
            "differences": differences,
            "values": {
                **merged,
                "version": contact.version,
                "_original": json.dumps(current),
            },
        },
        status_code=409,
    )


@router.post("/contacts/{contact_id}/archive")
async def archive_contact(
    request: Request, user: WebEditor, db: SessionDep, contact_id: IdPath
) -> Response:
    contact = await get_record(db, Contact, contact_id, "contact")
    await contacts_service.archive_contact(db, contact, actor=user.username)
    return redirect(
        request, f"/contacts/{contact_id}", flash=_("Archived: %(name)s", name=contact.full_name)
    )


@router.post("/contacts/{contact_id}/restore")
async def restore_contact(
    request: Request, user: WebEditor, db: SessionDep, contact_id: IdPath
) -> Response:
    contact = await get_record(db, Contact, contact_id, "contact")
    try:
        await contacts_service.check_restorable(db, contact)
    except Conflict as exc:
        raise InvalidInput(
            _("Another contact has this e-mail address now; change it before restoring.")
        ) from exc
    await restore_record(db, contact, actor=user.username, entity=AuditEntity.contact)
    return redirect(
        request, f"/contacts/{contact_id}", flash=_("Restored: %(name)s", name=contact.full_name)
    )
