"""Organizations: the list (text and kind filters) and an organization's page (its member
cities, its contacts, its history), and the form for a new one."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import Field, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from app.cities.models import City
from app.contacts import service as contacts_service
from app.contacts.schemas import ContactFilters
from app.db import SessionDep
from app.errors import AppError, Conflict, InvalidInput
from app.fields import IdPath
from app.organizations import service as organizations_service
from app.organizations.models import HomeMembership, Organization, OrganizationKind
from app.organizations.schemas import OrganizationCreate, OrganizationFilters
from app.pagination import ListQuery
from app.records import get_record
from app.web.contacts import as_typed, city_label, read_query, resolve_city
from app.web.deps import WebEditor, WebUser
from app.web.forms import form_errors, form_values
from app.web.i18n import _
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


async def _form_context(db: AsyncSession) -> dict[str, Any]:
    return {
        "nav": "organizations",
        "OrganizationKind": OrganizationKind,
        "HomeMembership": HomeMembership,
    }


@router.get("/organizations/new")
async def new_organization(request: Request, user: WebEditor, db: SessionDep) -> Response:
    return render(
        request,
        "organizations/form.html",
        {"values": {}, "errors": {}, **await _form_context(db)},
    )


@router.post("/organizations/new")
async def create_organization(request: Request, user: WebEditor, db: SessionDep) -> Response:
    values = form_values(await request.form())
    payload = {k: v for k, v in values.items() if k != "city"}
    link_errors: dict[str, str] = {}
    if values.get("city"):
        try:
            payload["headquarters_city_id"] = await resolve_city(db, values["city"])
        except ValueError as exc:
            link_errors["city"] = str(exc)
    try:
        data = OrganizationCreate.model_validate(payload)
        if link_errors:
            raise InvalidInput("links")
        organization = await organizations_service.create_organization(
            db, data, actor=user.username
        )
    except (ValidationError, AppError) as exc:
        errors = link_errors or form_errors(exc)
        if "headquarters_city_id" in errors:
            errors["city"] = errors.pop("headquarters_city_id")
        if isinstance(exc, Conflict) and exc.extra.get("existing_id") is not None:
            errors = {"name": _("Another organization already has this name or acronym.")}
        return render(
            request,
            "organizations/form.html",
            {"values": values, "errors": errors, **await _form_context(db)},
            status_code=422,
        )
    return redirect(
        request,
        f"/organizations/{organization.id}",
        flash=_("Organization saved: %(name)s", name=organization.name),
    )


@router.get("/organizations/{organization_id}")
async def organization_page(
    request: Request, user: WebUser, db: SessionDep, organization_id: IdPath
) -> Response:
    organization = await get_record(db, Organization, organization_id, "organization")
    members = await organizations_service.list_members(db, organization)
    contacts, contact_total = await contacts_service.list_contacts(
        db,
        ListQuery(limit=CONTACTS_SHOWN),
        ContactFilters(organization_id=organization_id),
    )
    headquarters = None
    if organization.headquarters_city_id is not None:
        city = await db.get(City, organization.headquarters_city_id)
        headquarters = city_label(city) if city is not None else None
    return render(
        request,
        "organizations/detail.html",
        {
            "nav": "organizations",
            "organization": organization,
            "members": members,
            "contacts": contacts,
            "contact_total": contact_total,
            "headquarters": headquarters,
        },
    )
