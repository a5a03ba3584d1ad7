"""Organizations: the list (text and kind filters), an organization's page (its member cities,
added and removed there, its contacts, its history), the create and edit forms (a save on a
stale version made humane, as for contacts), archive and restore."""

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import Field, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.schemas import AuditEntity
from app.cities.models import City
from app.contacts import service as contacts_service
from app.contacts.schemas import ContactFilters
from app.db import SessionDep
from app.errors import AppError, Conflict, InvalidInput
from app.fields import IdPath
from app.organizations import service as organizations_service
from app.organizations.models import HomeMembership, Organization, OrganizationKind
from app.organizations.schemas import (
    MemberCreate,
    OrganizationCreate,
    OrganizationFilters,
    OrganizationUpdate,
)
from app.pagination import ListQuery
from app.records import archive_record, get_record, restore_record
from app.web.conflicts import FormShape, stale_edit
from app.web.contacts import as_typed, city_label, read_query, resolve_city
from app.web.deps import WebEditor, WebUser
from app.web.forms import form_errors, form_values
from app.web.history import FIELD_LABELS, NAME_LABELS
from app.web.i18n import N_, _, format_date
from app.web.labels import label
from app.web.templating import redirect, render, url_with

router = APIRouter()

PAGE_SIZE = 50
CONTACTS_SHOWN = 50


class OrganizationListPage(OrganizationFilters, ListQuery):
    limit: Annotated[int, Field(ge=1, le=200)] = PAGE_SIZE


OrganizationListTyped = as_typed(OrganizationListPage)


@router.get("/organizations")
async def organization_list(
    request: Request,
    user: WebUser,
    db: SessionDep,
    typed: Annotated[OrganizationListTyped, Query()],  # type: ignore[valid-type]  # a model made at import by create_model
) -> Response:
    query, raw, errors = read_query(OrganizationListPage, typed)
    organizations, total = await organizations_service.list_organizations(db, query, query)
    filters = query.model_dump(exclude={"limit", "offset"}, exclude_defaults=True)
    return render(
        request,
        "organizations/list.html",
        {
            "nav": "organizations",
            "organizations": organizations,
            "total": total,
            "query": query,
            "values": raw,
            "errors": errors,
            "list_url": url_with("/organizations", **filters),
            "OrganizationKind": OrganizationKind,
        },
    )


# The form's fields, in its order; the headquarters is typed as "city" (a typeahead).
FORM_FIELDS = (
    "name",
    "acronym",
    "kind",
    "website",
    "headquarters_city_id",
    "home_membership",
    "member_since",
    "notes",
)
SHAPE = FormShape(FORM_FIELDS, ids=("headquarters_city_id",))
# The conflict screen names the fields as the form does.
FIELD_NAMES = {**FIELD_LABELS, "name": NAME_LABELS[AuditEntity.organization]}
DUPLICATE = N_("Another organization already has this name or acronym.")


def _organization_form(
    request: Request,
    values: dict[str, Any],
    errors: dict[str, str],
    *,
    organization: Organization | None = None,
    existing_id: int | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "organizations/form.html",
        {
            "nav": "organizations",
            "values": values,
            "errors": errors,
            "organization": organization,
            "existing_id": existing_id,
            "OrganizationKind": OrganizationKind,
            "HomeMembership": HomeMembership,
        },
        status_code=status_code,
    )


async def _headquarters_label(db: AsyncSession, city_id: Any) -> str:
    city = await db.get(City, int(city_id)) if city_id else None
    return city_label(city) if city is not None else ""


def _organization_values(organization: Organization) -> dict[str, Any]:
    """The edit form's values, with the version it starts from and those values as they were
    (``_original``), so a stale save can tell the user's changes from someone else's."""
    values: dict[str, Any] = {name: getattr(organization, name) for name in FORM_FIELDS}
    values["version"] = organization.version
    values["_original"] = SHAPE.original(values)
    return values


async def _read_form(
    request: Request, db: AsyncSession, *, for_update: bool
) -> tuple[dict[str, Any], dict[str, Any], dict[str, str]]:
    """The form as typed, the schema's input (the headquarters resolved to its id; on an edit
    a blank field empties it) and the typed headquarters' message if it means no city."""
    values = form_values(await request.form())
    payload = {name: values[name] for name in FORM_FIELDS if name in values}
    errors: dict[str, str] = {}
    payload["headquarters_city_id"] = None
    if values.get("city"):
        try:
            payload["headquarters_city_id"] = await resolve_city(db, values["city"])
        except ValueError as exc:
            errors["city"] = str(exc)
    values["headquarters_city_id"] = payload["headquarters_city_id"]
    if for_update:
        for name in FORM_FIELDS:
            payload.setdefault(name, None)
    elif payload["headquarters_city_id"] is None:
        del payload["headquarters_city_id"]
    return values, payload, errors


def _refusals(exc: ValidationError | AppError, values: dict[str, Any]) -> dict[str, str]:
    errors = form_errors(exc)
    for name in FORM_FIELDS:
        if name in errors and not values.get(name) and name != "headquarters_city_id":
            errors[name] = _("This field is required.")  # emptied on the edit form (null)
    if "headquarters_city_id" in errors:
        errors["city"] = errors.pop("headquarters_city_id")
    return errors


async def _saved(
    request: Request,
    save: Callable[[], Awaitable[Organization]],
    *,
    values: dict[str, Any],
    errors: dict[str, str],
    organization: Organization | None,
) -> Response:
    """Run ``save``: the organization's page with a message, or the form again with every
    error beside its field (a taken name: the API's 409) and everything typed kept."""
    try:
        saved = await save()
    except (ValidationError, AppError) as exc:
        if isinstance(exc, Conflict) and exc.extra.get("existing_id") is not None:
            return _organization_form(
                request,
                values,
                {"name": _(DUPLICATE), **errors},
                organization=organization,
                existing_id=exc.extra["existing_id"],
                status_code=409,
            )
        if not (isinstance(exc, InvalidInput) and errors):
            errors = {**_refusals(exc, values), **errors}
        return _organization_form(
            request, values, errors, organization=organization, status_code=422
        )
    return redirect(
        request,
        f"/organizations/{saved.id}",
        flash=_("Organization saved: %(name)s", name=saved.name),
    )


@router.get("/organizations/new")
async def new_organization(request: Request, user: WebEditor) -> Response:
    return _organization_form(request, {}, {})


@router.post("/organizations/new")
async def create_organization(request: Request, user: WebEditor, db: SessionDep) -> Response:
    values, payload, errors = await _read_form(request, db, for_update=False)

    async def create() -> Organization:
        data = OrganizationCreate.model_validate(payload)
        if errors:
            raise InvalidInput("links")
        return await organizations_service.create_organization(db, data, actor=user.username)

    return await _saved(request, create, values=values, errors=errors, organization=None)


@router.get("/organizations/{organization_id}/edit")
async def edit_organization(
    request: Request, user: WebEditor, db: SessionDep, organization_id: IdPath
) -> Response:
    organization = await get_record(db, Organization, organization_id, "organization")
    values = _organization_values(organization)
    values["city"] = await _headquarters_label(db, organization.headquarters_city_id)
    return _organization_form(request, values, {}, organization=organization)


@router.post("/organizations/{organization_id}/edit")
async def save_organization(
    request: Request, user: WebEditor, db: SessionDep, organization_id: IdPath
) -> Response:
    organization = await get_record(db, Organization, organization_id, "organization")
    values, payload, errors = await _read_form(request, db, for_update=True)
    if not errors and str(values.get("version")) != str(organization.version):
        return await _conflict(request, db, organization, values)

    async def update() -> Organization:
        data = OrganizationUpdate.model_validate(payload)
        if errors:
            raise InvalidInput("links")
        return await organizations_service.update_organization(
            db, organization, data, actor=user.username
        )

    return await _saved(request, update, values=values, errors=errors, organization=organization)


async def _conflict(
    request: Request, db: AsyncSession, organization: Organization, values: dict[str, Any]
) -> Response:
    """Someone saved the organization after this form was opened (the API's 412, made
    humane): where the versions differ, and a form re-applying the user's changes on theirs."""
    saved = _organization_values(organization)
    cities = {
        city_id: await _headquarters_label(db, city_id)
        for city_id in {
            SHAPE.comparable(saved)["headquarters_city_id"],
            SHAPE.comparable(values)["headquarters_city_id"],
        }
        if city_id is not None
    }

    def shown(name: str, value: Any) -> str:
        if name == "headquarters_city_id":
            return cities.get(value) or str(value)
        if name in ("kind", "home_membership"):
            return label(value)
        if name == "member_since":
            try:
                return format_date(date.fromisoformat(value))
            except ValueError:
                return str(value)
        return str(value)

    conflict = await stale_edit(
        request,
        db,
        SHAPE,
        saved,
        values,
        entity=AuditEntity.organization,
        entity_id=organization.id,
        labels=FIELD_NAMES,
        shown=shown,
    )
    merged = dict(conflict.merged)
    merged["city"] = await _headquarters_label(db, merged.pop("headquarters_city_id"))
    return render(
        request,
        "organizations/conflict.html",
        {
            "nav": "organizations",
            "organization": organization,
            "conflict": conflict,
            "values": {
                **merged,
                "version": organization.version,
                "_original": conflict.original,
            },
        },
        status_code=409,
    )


# -- archiving and restoring ------------------------------------------------------------------


@router.post("/organizations/{organization_id}/archive")
async def archive_organization(
    request: Request, user: WebEditor, db: SessionDep, organization_id: IdPath
) -> Response:
    organization = await get_record(db, Organization, organization_id, "organization")
    await archive_record(db, organization, actor=user.username, entity=AuditEntity.organization)
    return redirect(
        request,
        f"/organizations/{organization_id}",
        flash=_("Archived: %(name)s", name=organization.name),
    )


@router.post("/organizations/{organization_id}/restore")
async def restore_organization(
    request: Request, user: WebEditor, db: SessionDep, organization_id: IdPath
) -> Response:
    organization = await get_record(db, Organization, organization_id, "organization")
    try:
        await organizations_service.check_restorable(db, organization)
    except Conflict as exc:
        raise InvalidInput(
            _(
                "A live organization has this name or acronym now, so this one cannot be "
                "restored. Rename or archive the other one first."
            )
        ) from exc
    await restore_record(db, organization, actor=user.username, entity=AuditEntity.organization)
    return redirect(
        request,
        f"/organizations/{organization_id}",
        flash=_("Restored: %(name)s", name=organization.name),
    )


# -- an organization's page and its member cities ---------------------------------------------


async def _organization_page(
    request: Request,
    db: AsyncSession,
    organization: Organization,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    members = await organizations_service.list_members(db, organization)
    contacts, contact_total = await contacts_service.list_contacts(
        db,
        ListQuery(limit=CONTACTS_SHOWN),
        ContactFilters(organization_id=organization.id),
    )
    return render(
        request,
        "organizations/detail.html",
        {
            "nav": "organizations",
            "organization": organization,
            "members": members,
            "contacts": contacts,
            "contact_total": contact_total,
            "headquarters": await _headquarters_label(db, organization.headquarters_city_id),
            "values": values or {},
            "errors": errors or {},
        },
        status_code=status_code,
    )


@router.get("/organizations/{organization_id}")
async def organization_page(
    request: Request, user: WebUser, db: SessionDep, organization_id: IdPath
) -> Response:
    organization = await get_record(db, Organization, organization_id, "organization")
    return await _organization_page(request, db, organization)


@router.post("/organizations/{organization_id}/members")
async def add_member(
    request: Request, user: WebEditor, db: SessionDep, organization_id: IdPath
) -> Response:
    organization = await get_record(db, Organization, organization_id, "organization")
    values = form_values(await request.form())
    errors: dict[str, str] = {"city": _("Choose the member city.")}
    city_id = None
    if values.get("city"):
        try:
            city_id = await resolve_city(db, values["city"])
            errors = {}
        except ValueError as exc:
            errors["city"] = str(exc)
    try:
        # An unknown city is refused as city_id; the since date is checked all the same.
        data = MemberCreate.model_validate({"city_id": city_id, "since": values.get("since")})
        member = await organizations_service.add_member(db, organization, data, actor=user.username)
    except (ValidationError, AppError) as exc:
        if isinstance(exc, Conflict) and exc.extra.get("existing_city_id") is not None:
            errors = {"city": _("This city is already a member of this organization.")}
        elif isinstance(exc, Conflict):  # archived: its page shows no member form to correct
            raise InvalidInput(
                _("This organization is archived: restore it before adding a member city.")
            ) from exc
        else:
            refused = form_errors(exc)
            if "city_id" in refused:
                refused["city"] = refused.pop("city_id")
            errors = {**refused, **errors}  # the typed city's own message first
        return await _organization_page(
            request,
            db,
            organization,
            values=values,
            errors=errors,
            status_code=409 if isinstance(exc, Conflict) else 422,
        )
    return redirect(
        request,
        f"/organizations/{organization_id}#members-heading",
        flash=_("%(city)s added to the members.", city=member["city_name"]),
    )


@router.get("/organizations/{organization_id}/members")
async def members_of_organization(
    request: Request, user: WebUser, organization_id: IdPath
) -> Response:
    """Where a refused member form was posted (a reload, or a language switch, comes here):
    the organization's page."""
    return redirect(request, f"/organizations/{organization_id}#members-heading")


@router.post("/organizations/{organization_id}/members/{city_id}/remove")
async def remove_member(
    request: Request, user: WebEditor, db: SessionDep, organization_id: IdPath, city_id: IdPath
) -> Response:
    organization = await get_record(db, Organization, organization_id, "organization")
    city = await db.get(City, city_id)
    await organizations_service.remove_member(db, organization, city_id, actor=user.username)
    return redirect(
        request,
        f"/organizations/{organization_id}#members-heading",
        flash=_("%(city)s removed from the members.", city=city.name if city else city_id),
    )
