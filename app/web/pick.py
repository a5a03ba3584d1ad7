"""The multi-select typeahead picker: choose contacts, cities or organizations by typing.

``GET /pick/{kind}?q=`` answers with the matching records as ``role="option"`` items (an
htmx partial that static/pick.js puts in the picker's list). ``chosen`` gives the labels of
records already picked, so a form shown again after an error keeps its chips.

Without JavaScript the picker is a plain form: its text box submits the query, and the page
answers with ``found`` (the matches as checkboxes); ``contact_cities`` gives the cities a form's
contacts bring with them (linked whatever the form says, so shown apart, not removable)."""

from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.cities import service as cities_service
from app.cities.models import City
from app.cities.schemas import CityFilters
from app.contacts import service as contacts_service
from app.contacts.models import Contact
from app.contacts.schemas import ContactFilters
from app.db import SessionDep
from app.organizations import service as organizations_service
from app.organizations.models import Organization
from app.organizations.schemas import OrganizationFilters
from app.pagination import ListQuery
from app.text import like_pattern
from app.web.deps import WebUser
from app.web.i18n import country_name
from app.web.templating import render

router = APIRouter()

PickKind = Literal["contact", "city", "organization"]
MAX_OPTIONS = 8
MAX_CONTACTS = 10
_MODELS: dict[str, Any] = {"contact": Contact, "city": City, "organization": Organization}


async def _names(session: AsyncSession, model: Any, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    label = col(model.full_name if model is Contact else model.name)
    rows = await session.execute(select(col(model.id), label).where(col(model.id).in_(ids)))
    return {row[0]: row[1] for row in rows.all()}


async def _contacts(session: AsyncSession, q: str) -> list[Contact]:
    """The contacts whose name, local name or e-mail matches ``q``, or whose city's or
    organization's name does (so typing "Gazi" finds the Gaziantep delegates): one query."""
    pattern = like_pattern(q, pairs=True)
    cities = select(col(City.id)).where(
        col(City.search_text).like(pattern, escape="\\"), col(City.archived_at).is_(None)
    )
    organizations = select(col(Organization.id)).where(
        col(Organization.search_text).like(pattern, escape="\\"),
        col(Organization.archived_at).is_(None),
    )
    stmt = (
        contacts_service.filtered_contacts(session, ContactFilters())
        .where(
            or_(
                col(Contact.search_text).like(pattern, escape="\\"),
                col(Contact.city_id).in_(cities),
                col(Contact.organization_id).in_(organizations),
            )
        )
        .order_by(col(Contact.name_key), col(Contact.id))
        .limit(MAX_CONTACTS)
    )
    return list(await session.scalars(stmt))


async def options(session: AsyncSession, kind: str, q: str) -> list[dict[str, Any]]:
    """The records of ``kind`` matching ``q``, each with what tells two of them apart."""
    page = ListQuery(limit=MAX_OPTIONS)
    if kind == "contact":
        contacts = await _contacts(session, q)
        cities = await _names(session, City, {c.city_id for c in contacts if c.city_id})
        organizations = await _names(
            session, Organization, {c.organization_id for c in contacts if c.organization_id}
        )
        return [
            {
                "id": c.id,
                "label": c.full_name,
                "city_id": c.city_id if c.city_id in cities else None,
                "city_name": cities.get(c.city_id or 0),
                "context": [
                    text
                    for text in (
                        c.local_name,
                        c.position,
                        organizations.get(c.organization_id or 0),
                        cities.get(c.city_id or 0),
                        c.email,
                    )
                    if text
                ],
            }
            for c in contacts
        ]
    if kind == "city":
        found, _total = await cities_service.list_cities(session, page, CityFilters(q=q))
        return [
            {
                "id": c.id,
                "label": c.name,
                "context": [t for t in (c.region, country_name(c.country_code)) if t],
            }
            for c in found
        ]
    orgs, _total = await organizations_service.list_organizations(
        session, page, OrganizationFilters(q=q)
    )
    return [{"id": o.id, "label": o.name, "context": []} for o in orgs]


async def chosen(session: AsyncSession, kind: str, ids: list[int]) -> list[tuple[int, str]]:
    """``(id, label)`` of the records picked, in the order picked (unknown ids left out)."""
    names = await _names(session, _MODELS[kind], set(ids))
    return [(i, names[i]) for i in dict.fromkeys(ids) if i in names]


async def found(session: AsyncSession, kind: str, q: str, chosen_ids: list[int]) -> dict[str, Any]:
    """The answer to a query typed without JavaScript: ``q`` and the matching records not
    chosen yet (the page shows them as checkboxes)."""
    term = q.strip()[:200]
    items = await options(session, kind, term) if term else []
    taken = set(chosen_ids)
    return {"q": term, "items": [item for item in items if item["id"] not in taken]}


async def contact_cities(session: AsyncSession, contact_ids: list[int]) -> list[dict[str, Any]]:
    """``{city_id, city_name, contact_id, contact_name}`` of each contact (in the order given)
    that has a city: the cities an interaction links because of its contacts."""
    if not contact_ids:
        return []
    rows = await session.execute(
        select(col(Contact.id), col(Contact.full_name), col(City.id), col(City.name))
        .join(City, col(City.id) == col(Contact.city_id))
        .where(col(Contact.id).in_(set(contact_ids)))
    )
    by_contact = {row[0]: row for row in rows.all()}
    return [
        {
            "contact_id": row[0],
            "contact_name": row[1],
            "city_id": row[2],
            "city_name": row[3],
        }
        for contact_id in dict.fromkeys(contact_ids)
        if (row := by_contact.get(contact_id)) is not None
    ]


async def archived_names(session: AsyncSession, kind: str, ids: list[int]) -> list[str]:
    """The labels of the records among ``ids`` that are archived."""
    if not ids:
        return []
    model = _MODELS[kind]
    label = col(model.full_name if model is Contact else model.name)
    rows = await session.scalars(
        select(label).where(col(model.id).in_(set(ids)), col(model.archived_at).is_not(None))
    )
    return list(rows.all())


@router.get("/pick/{kind}")
async def pick(
    request: Request, user: WebUser, db: SessionDep, kind: PickKind, q: str = ""
) -> Response:
    term = q.strip()[:200]
    items = await options(db, kind, term) if term else []
    return render(request, "pick/_options.html", {"items": items, "kind": kind, "q": term})
