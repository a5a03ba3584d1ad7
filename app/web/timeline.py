"""The timeline partial other pages load (``hx-get="/timeline/city/{id}"``, or contact): the
record's interactions, partnership signings and follow-ups, newest first, with "More"."""

from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.cities.models import City
from app.contacts.models import Contact
from app.db import SessionDep
from app.fields import IdPath
from app.pagination import PageQuery
from app.records import get_record
from app.timeline import service as timeline_service
from app.web.deps import WebUser
from app.web.i18n import _
from app.web.labels import label
from app.web.names import names_of
from app.web.templating import render, url_with

router = APIRouter()

PAGE_SIZE = 20


@router.get("/timeline/{kind}/{record_id}")
async def timeline(
    request: Request,
    user: WebUser,
    db: SessionDep,
    kind: Literal["city", "contact"],
    record_id: IdPath,
    offset: int = 0,
) -> Response:
    page = PageQuery(limit=PAGE_SIZE, offset=max(offset, 0))
    if kind == "city":
        await get_record(db, City, record_id, "city")
        items, total = await timeline_service.city_timeline(db, record_id, page)
    else:
        await get_record(db, Contact, record_id, "contact")
        items, total = await timeline_service.contact_timeline(db, record_id, page)
    entries = await _entries(db, items)
    if kind == "city":  # the city's own page: its name under every item says nothing
        for entry in entries:
            entry["cities"] = [(i, name) for i, name in entry["cities"] if i != record_id]
    more = None
    if page.offset + page.limit < total:
        more = url_with(f"/timeline/{kind}/{record_id}", offset=page.offset + page.limit)
    return render(request, "timeline/_entries.html", {"entries": entries, "more": more})


async def _entries(db: Any, items: list[Any]) -> list[dict[str, Any]]:
    """Each item as the template shows it, with the names of the people and cities it names
    (one query for each kind of record on the page)."""
    contact_ids: set[int] = set()
    city_ids: set[int] = set()
    for item in items:
        record = item.record
        if item.type == "interaction":
            contact_ids.update(record.contact_ids)
            city_ids.update(record.city_ids)
        elif item.type == "follow_up":
            contact_ids.update([record.contact_id] if record.contact_id else [])
            city_ids.update([record.city_id] if record.city_id else [])
        else:
            city_ids.add(record.city_id)
    contacts = await names_of(db, Contact, contact_ids)
    cities = await names_of(db, City, city_ids)
    entries = []
    for item in items:
        record = item.record
        entry: dict[str, Any] = {"date": item.date, "summary": None, "href": None}
        if item.type == "interaction":
            entry.update(
                kind=label(record.kind),
                title=record.title,
                summary=record.summary,
                href=f"/interactions/{record.id}",
                contacts=[(i, contacts[i]) for i in record.contact_ids if i in contacts],
                cities=[(i, cities[i]) for i in record.city_ids if i in cities],
            )
        elif item.type == "follow_up":
            entry.update(
                kind=_("Follow-up") + " · " + label(record.status),
                title=record.title,
                contacts=[(record.contact_id, contacts[record.contact_id])]
                if record.contact_id in contacts
                else [],
                cities=[(record.city_id, cities[record.city_id])]
                if record.city_id in cities
                else [],
            )
        else:
            entry.update(
                kind=_("Partnership signed"),
                title=label(record.kind),
                contacts=[],
                cities=[(record.city_id, cities[record.city_id])]
                if record.city_id in cities
                else [],
            )
        entries.append(entry)
    return entries
