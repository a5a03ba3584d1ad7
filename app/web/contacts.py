"""Contacts: the list with its filters, the contact page, the create and edit forms (with
languages and tags as chips), a save on a stale version made humane, archive and restore."""

import re
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, Literal, TypeVar

import phonenumbers
import pycountry
from babel import Locale
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model
from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.audit.schemas import AuditEntity
from app.cities import service as cities_service
from app.cities.models import City
from app.cities.schemas import CityFilters
from app.contacts import service as contacts_service
from app.contacts.models import Contact
from app.contacts.schemas import ContactCreate, ContactFilters, ContactUpdate
from app.db import SessionDep
from app.errors import AppError, Conflict, InvalidInput
from app.fields import IdPath
from app.organizations import service as organizations_service
from app.organizations.models import Organization
from app.organizations.schemas import OrganizationFilters
from app.pagination import ListQuery
from app.records import get_record, restore_record
from app.text import fold
from app.web import i18n
from app.web.conflicts import FormShape, stale_edit
from app.web.deps import WebEditor, WebUser
from app.web.forms import form_errors, form_values
from app.web.history import FIELD_LABELS  # the conflict screen names fields as history does
from app.web.i18n import _
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
    # Typed in the typeahead fields; read as city_id and organization_id.
    city: Annotated[str, Field(max_length=300)] | None = None
    organization: Annotated[str, Field(max_length=300)] | None = None
    limit: Annotated[int, Field(ge=1, le=200)] = PAGE_SIZE


def as_typed(model: type[BaseModel]) -> type[BaseModel]:
    """The query string of a list page as typed: ``model``'s parameters, each as text (so a
    blank filter of a GET form is "no filter", not an error) and declared (so an unknown one
    is refused, as everywhere). The page then reads it with ``model`` itself."""
    return create_model(
        f"{model.__name__}Typed",
        __config__=ConfigDict(extra="forbid"),
        **{name: (str | None, None) for name in model.model_fields},  # type: ignore[call-overload]  # create_model takes its fields as **kwargs of (type, default)
    )


def read_query(model: type[Q], typed: BaseModel) -> tuple[Q, dict[str, Any], dict[str, str]]:
    """The list's query (``model``), what was typed (for the filter form) and the messages
    of the filters that are not valid (the list is then shown without them)."""
    values = form_values(typed.model_dump(exclude_none=True))
    try:
        return model.model_validate(values), values, {}
    except ValidationError as exc:
        return model(), values, form_errors(exc)


# The typeahead fields of the forms and the list: typed text, a record's label once chosen
# ("Busan (South Korea)", "United Cities and Local Governments (UCLG)"), resolved to its id on
# the server, so a page never lists every city (the desk has thousands).
SUGGESTIONS = 10
_LABEL = re.compile(r"(.*?)\s*[(（]([^()（）]*)[)）]\s*")


def city_label(city: Any) -> str:
    country = i18n.country_name(city.country_code) if city.country_code else ""
    return f"{city.name} ({country})" if country else str(city.name)


def organization_label(organization: Any) -> str:
    if organization.acronym:
        return f"{organization.name} ({organization.acronym})"
    return str(organization.name)


async def suggestions(db: AsyncSession, kind: str, text: str) -> list[str]:
    """The labels of the live cities or organizations matching what was typed (any script)."""
    page = ListQuery(limit=SUGGESTIONS)
    if kind == "city":
        cities, _total = await cities_service.list_cities(db, page, CityFilters(q=text[:200]))
        return [city_label(city) for city in cities]
    organizations, _total = await organizations_service.list_organizations(
        db, page, OrganizationFilters(q=text[:200])
    )
    return [organization_label(o) for o in organizations]


async def resolve_city(db: AsyncSession, text: str) -> int:
    """The live city a typed label or name means; ValueError (a translated message) if none
    or several."""
    name, suffix = text, None
    match = _LABEL.fullmatch(text)
    if match:
        name, suffix = match.group(1), match.group(2).strip()
    keys = {fold(name)[:200], fold(text)[:200]}
    found = list(
        await db.scalars(
            select(City)
            .where(col(City.name_key).in_(keys), col(City.archived_at).is_(None))
            .order_by(col(City.id))
        )
    )
    if suffix and len(found) > 1:
        found = [
            c
            for c in found
            if suffix in (i18n.country_name(c.country_code), (c.country_code or "").upper())
        ] or found
    if not found:
        raise ValueError(
            _("No city is called “%(name)s”. Choose one of the suggestions.", name=text)
        )
    if len(found) > 1:
        raise ValueError(
            _(
                "Several cities are called “%(name)s”; add the country, e.g. %(example)s.",
                name=name,
                example=city_label(found[0]),
            )
        )
    assert found[0].id is not None
    return found[0].id


async def resolve_organization(db: AsyncSession, text: str) -> int:
    name = text
    match = _LABEL.fullmatch(text)
    if match:
        name = match.group(1)
    found = list(
        await db.scalars(
            select(Organization)
            .where(
                col(Organization.archived_at).is_(None),
                or_(
                    col(Organization.name_key).in_({fold(name)[:200], fold(text)[:200]}),
                    func.lower(col(Organization.acronym)) == text.strip().lower(),
                ),
            )
            .order_by(col(Organization.id))
        )
    )
    if len(found) != 1:
        raise ValueError(
            _("No organization is called “%(name)s”. Choose one of the suggestions.", name=text)
        )
    assert found[0].id is not None
    return found[0].id


async def resolve_links(db: AsyncSession, values: dict[str, Any]) -> dict[str, str]:
    """The typed city and organization of a form as ``city_id`` and ``organization_id``
    (a blank one empties the link); the messages of those that mean no single record."""
    errors: dict[str, str] = {}
    for name, resolve in (("city", resolve_city), ("organization", resolve_organization)):
        text = str(values.get(name) or "").strip()
        try:
            values[f"{name}_id"] = await resolve(db, text) if text else None
        except ValueError as exc:
            values[f"{name}_id"] = None
            errors[name] = str(exc)
    return errors


async def link_labels(db: AsyncSession, values: dict[str, Any]) -> dict[str, Any]:
    """``values`` with the labels of its ``city_id`` and ``organization_id`` as the typeahead
    fields' text."""
    labelled = dict(values)
    for name, model, label in (
        ("city", City, city_label),
        ("organization", Organization, organization_label),
    ):
        record_id = values.get(f"{name}_id")
        record = await db.get(model, int(record_id)) if record_id else None
        labelled[name] = label(record) if record is not None else ""
    return labelled


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


async def _form_context(db: AsyncSession, values: dict[str, Any], **context: Any) -> dict[str, Any]:
    if "city" not in values and "organization" not in values:  # a record's ids, not typed text
        values = await link_labels(db, values)
    return {"nav": "contacts", "errors": {}, "values": values, **context}


async def _refusals(
    db: AsyncSession, exc: ValidationError | AppError, values: dict[str, Any]
) -> dict[str, str]:
    """``_errors``, with the links' messages beside the typeahead fields people type in."""
    errors = await _errors(db, exc, values)
    for name in ("city", "organization"):
        if f"{name}_id" in errors:
            errors[name] = errors.pop(f"{name}_id")
    return errors


SHAPE = FormShape(FORM_FIELDS, lists=CHIP_FIELDS, ids=("city_id", "organization_id"))


def contact_values(contact: Contact) -> dict[str, Any]:
    """The edit form's values, with the version it starts from and those values as they
    were (``_original``), so a stale save can tell the user's changes from someone else's."""
    values: dict[str, Any] = {name: getattr(contact, name) for name in FORM_FIELDS}
    values["version"] = contact.version
    values["_original"] = SHAPE.original(values)
    return values


def _shown(name: str, value: Any, names: dict[str, dict[int, str]]) -> str:
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
    typed: Annotated[ContactListTyped, Query()],  # type: ignore[valid-type]  # a model made at import by create_model
) -> Response:
    sort = getattr(typed, "sort", None)
    if sort and sort not in SORTS:
        raise InvalidInput(
            _(
                "This list cannot be sorted by “%(sort)s”: choose an order in the Sort by list.",
                sort=sort,
            )
        )
    query, raw, errors = read_query(ContactListPage, typed)
    links = {"city": query.city, "organization": query.organization}
    errors.update(await resolve_links(db, links))
    query = query.model_copy(
        update={
            name: links[name] or getattr(query, name) for name in ("city_id", "organization_id")
        }
    )
    if "city" not in raw and "organization" not in raw:
        raw = await link_labels(db, raw)
    service_page = ListQuery(
        limit=query.limit, offset=query.offset, sort=SORTS.get(query.sort or "name")
    )
    contacts, total = await contacts_service.list_contacts(db, service_page, query)
    filters = query.model_dump(
        exclude={"limit", "offset", "city", "organization"}, exclude_defaults=True
    )
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
            "countries": country_choices(),
        },
    )


@router.get("/contacts/suggest/{kind}")
async def suggest(
    request: Request,
    user: WebUser,
    db: SessionDep,
    kind: Literal["city", "organization"],
    city: Annotated[str, Query(max_length=200)] = "",
    organization: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    """The options of a typeahead field's datalist (htmx sends the field as it is typed)."""
    text = (city if kind == "city" else organization).strip()
    labels = await suggestions(db, kind, text) if text else []
    return render(request, "contacts/_suggestions.html", {"labels": labels})


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
    errors = await resolve_links(db, values)

    async def create() -> Contact:
        data = ContactCreate.model_validate(_payload(values, for_update=False))
        if errors:
            raise InvalidInput("links")
        return await contacts_service.create_contact(db, data, actor=user.username)

    return await _saved(request, db, create, values=values, errors=errors, contact=None)


async def _saved(
    request: Request,
    db: AsyncSession,
    save: Callable[[], Awaitable[Contact]],
    *,
    values: dict[str, Any],
    errors: dict[str, str],
    contact: Contact | None,
) -> Response:
    """Run ``save``: the contact's page with a message, or the form again with every error
    beside its field and everything typed kept."""
    try:
        saved = await save()
    except (ValidationError, AppError) as exc:
        if not (isinstance(exc, InvalidInput) and errors):
            errors = {**await _refusals(db, exc, values), **errors}
        return render(
            request,
            "contacts/form.html",
            await _form_context(db, values=values, contact=contact, errors=errors),
            status_code=422,
        )
    return redirect(
        request,
        f"/contacts/{saved.id}",
        flash=_("Contact saved: %(name)s", name=saved.full_name),
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
    errors = await resolve_links(db, values)
    if not errors and str(values.get("version")) != str(contact.version):
        return await _conflict(request, db, contact, values)

    async def update() -> Contact:
        data = ContactUpdate.model_validate(_payload(values, for_update=True))
        if errors:
            raise InvalidInput("links")
        return await contacts_service.update_contact(db, contact, data, actor=user.username)

    return await _saved(request, db, update, values=values, errors=errors, contact=contact)


async def _conflict(
    request: Request, db: AsyncSession, contact: Contact, values: dict[str, Any]
) -> Response:
    """Someone saved the contact after this form was opened: where their version and this
    form differ, and a form that applies the user's own changes on top of the saved version."""
    saved = contact_values(contact)
    names: dict[str, dict[int, str]] = {"city_id": {}, "organization_id": {}}
    for name, model, label in (
        ("city_id", City, city_label),
        ("organization_id", Organization, organization_label),
    ):
        for value in (SHAPE.comparable(saved)[name], SHAPE.comparable(values)[name]):
            record = await db.get(model, value) if value is not None else None
            if record is not None:
                names[name][value] = label(record)
    conflict = await stale_edit(
        request,
        db,
        SHAPE,
        saved,
        values,
        entity=AuditEntity.contact,
        entity_id=contact.id,
        labels=FIELD_LABELS,
        shown=lambda name, value: _shown(name, value, names),
    )
    return render(
        request,
        "contacts/conflict.html",
        {
            "nav": "contacts",
            "contact": contact,
            "conflict": conflict,
            "values": {
                **await link_labels(db, conflict.merged),
                "version": contact.version,
                "_original": conflict.original,
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
