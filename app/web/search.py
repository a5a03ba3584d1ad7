"""Search: the header's search-as-you-type and the results page, across cities, contacts,
organizations and events, in any script (釜山 finds Busan, 台北 finds 臺北)."""

from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from app.cities.models import City
from app.contacts.models import Contact
from app.db import SessionDep
from app.events import service as events_service
from app.events.models import Event
from app.events.schemas import EventFilters
from app.organizations.models import Organization
from app.pagination import ListQuery
from app.records import get_record
from app.search import service as search_service
from app.web.deps import WebUser
from app.web.i18n import N_
from app.web.templating import render

router = APIRouter()

# How many records of each kind the results page and the suggestions show.
PAGE_LIMIT = 50
SUGGEST_LIMIT = 8
SUGGEST_EVENTS = 3

ORGANIZATION_KINDS = {
    "city_network": N_("City network"),
    "international_organization": N_("International organization"),
    "ngo": N_("NGO"),
    "government": N_("Government"),
    "company": N_("Company"),
    "academic": N_("Academic"),
    "other": N_("Other"),
}

SearchText = Annotated[str | None, Query(max_length=200, description="What to look for")]


@dataclass
class Results:
    """What a search found, by kind, in the search service's order (best match first)."""

    cities: list[City] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    organizations: list[Organization] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.cities) + len(self.contacts) + len(self.organizations) + len(self.events)

    def groups(self) -> list[tuple[str, str, list[Any], str]]:
        """(heading, kind, records, address prefix) of each kind found, in the page's order."""
        groups: list[tuple[str, str, list[Any], str]] = [
            (N_("Cities"), "city", self.cities, "/cities/"),
            (N_("Contacts"), "contact", self.contacts, "/contacts/"),
            (N_("Organizations"), "organization", self.organizations, "/organizations/"),
            (N_("Events"), "event", self.events, "/events/"),
        ]
        return [group for group in groups if group[2]]


MODELS: dict[str, tuple[type[Any], str]] = {
    "city": (City, "cities"),
    "contact": (Contact, "contacts"),
    "organization": (Organization, "organizations"),
}


async def find(db: AsyncSession, q: str, *, limit: int, event_limit: int) -> Results:
    results = Results()
    for hit in await search_service.search(db, q, limit=limit):
        model, group = MODELS[hit.type]
        getattr(results, group).append(await get_record(db, model, hit.id, hit.type))
    events, _total = await events_service.list_events(
        db, ListQuery(limit=event_limit), EventFilters(q=q)
    )
    results.events = events
    return results


def _context(q: str | None, results: Results | None) -> dict[str, Any]:
    return {
        "q": q or "",
        "search_q": q or "",
        "results": results,
        "organization_kinds": ORGANIZATION_KINDS,
    }


@router.get("/search")
async def search_page(
    request: Request, user: WebUser, db: SessionDep, q: SearchText = None
) -> Response:
    """The results page (also where the header's search form goes without JavaScript)."""
    term = (q or "").strip()
    results = await find(db, term, limit=PAGE_LIMIT, event_limit=PAGE_LIMIT) if term else None
    return render(request, "search/index.html", _context(term, results))


@router.get("/search/suggest")
async def suggest(
    request: Request, user: WebUser, db: SessionDep, q: SearchText = None
) -> Response:
    """The header's search-as-you-type: a few suggestions under the box (an htmx partial)."""
    term = (q or "").strip()
    if not term:
        return Response(status_code=200, content="", media_type="text/html")
    results = await find(db, term, limit=SUGGEST_LIMIT, event_limit=SUGGEST_EVENTS)
    return render(request, "search/_suggest.html", _context(term, results))
