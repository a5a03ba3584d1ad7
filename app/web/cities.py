"""Cities: the list (by country, partnership kind, dormant), a city's page (its names,
partnerships and anniversaries, contacts, organizations, timeline) and the forms that add a
city and a partnership."""

from collections import defaultdict
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BeforeValidator, Field, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.schemas import AuditEntity
from app.cities import service as cities_service
from app.cities.models import City
from app.cities.schemas import CityCreate, CityFilters, CityUpdate
from app.clock import TodayDep
from app.config import Settings, SettingsDep
from app.contacts import service as contacts_service
from app.contacts.schemas import ContactFilters
from app.db import SessionDep
from app.errors import AppError, Conflict, InvalidInput
from app.fields import COUNTRY_CODES, CountryCode, IdPath, QueryBool
from app.organizations import service as organizations_service
from app.pagination import MAX_LIMIT, ListQuery
from app.partnerships import service as partnerships_service
from app.partnerships.models import Partnership, PartnershipKind, PartnershipStatus
from app.partnerships.schemas import PartnershipCreate, PartnershipFilters
from app.records import get_record, restore_record
from app.reports import service as reports_service
from app.text import fold
from app.web.deps import WebEditor, WebUser
from app.web.forms import form_errors, form_values
from app.web.i18n import N_, _, country_name
from app.web.search import ORGANIZATION_KINDS
from app.web.templating import redirect, render

router = APIRouter()

PER_PAGE = 50
# A city page lists this many of its contacts, then links to the contacts list.
CONTACTS_SHOWN = 50

PARTNERSHIP_KINDS = {
    PartnershipKind.sister_city: N_("Sister city"),
    PartnershipKind.friendship_city: N_("Friendship city"),
    PartnershipKind.cooperation_agreement: N_("Cooperation agreement"),
}
PARTNERSHIP_STATUSES = {
    PartnershipStatus.active: N_("Active"),
    PartnershipStatus.suspended: N_("Suspended"),
    PartnershipStatus.ended: N_("Ended"),
}


def _blank_is_none(value: Any) -> Any:
    return value or None


class CityListPage(CityFilters):
    """The list page's query: the API's city filters (a form's blank select means "any"),
    dormant partners only, the name order and the page."""

    country_code: Annotated[CountryCode | None, BeforeValidator(_blank_is_none)] = None
    partnership_kind: Annotated[PartnershipKind | None, BeforeValidator(_blank_is_none)] = None
    dormant: QueryBool = False
    sort: Annotated[Literal["name", "-name"] | None, BeforeValidator(_blank_is_none)] = None
    page: Annotated[int, Field(ge=1, le=100_000)] = 1


def _labels(labels: dict[Any, str]) -> dict[str, str]:
    return {str(key): _(label) for key, label in labels.items()}


def _country_options(codes: list[str]) -> list[tuple[str, str]]:
    """(code, name in the reader's language), in the order of the names."""
    return sorted(((code, country_name(code)) for code in codes), key=lambda o: fold(o[1]))


async def _all_live_partnerships(
    db: AsyncSession, filters: PartnershipFilters
) -> list[Partnership]:
    items: list[Partnership] = []
    while True:
        page, total = await partnerships_service.list_partnerships(
            db, ListQuery(limit=MAX_LIMIT, offset=len(items), sort="signed_on"), filters
        )
        items.extend(page)
        if not page or len(items) >= total:
            return items


async def _dormant(
    db: AsyncSession, settings: Settings, today: date, kind: PartnershipKind | None = None
) -> list[City]:
    rows = await reports_service.dormant_partners(
        db,
        as_of=today,
        inactive_days=settings.dormant_after_days,
        kinds=[kind] if kind else (),
    )
    return [row["city"] for row in rows]


def _page_of_dormant(cities: list[City], query: CityListPage) -> tuple[list[City], int]:
    """The list's filters and order applied to the dormant partners (a short list)."""
    term = fold(query.q)
    chosen = [
        city
        for city in cities
        if (not query.country_code or city.country_code == query.country_code)
        and (not term or term in city.search_text)
    ]
    chosen.sort(key=lambda c: (c.name_key, c.id or 0), reverse=query.sort == "-name")
    start = (query.page - 1) * PER_PAGE
    return chosen[start : start + PER_PAGE], len(chosen)


@router.get("/cities")
async def city_list(
    request: Request,
    user: WebUser,
    db: SessionDep,
    settings: SettingsDep,
    today: TodayDep,
    query: Annotated[CityListPage, Query()],
) -> Response:
    dormant = await _dormant(db, settings, today)
    if query.dormant:
        of_kind = await _dormant(db, settings, today, query.partnership_kind)
        cities, total = _page_of_dormant(of_kind if query.partnership_kind else dormant, query)
    else:
        page = ListQuery(limit=PER_PAGE, offset=(query.page - 1) * PER_PAGE, sort=query.sort)
        cities, total = await cities_service.list_cities(db, page, query)
    partnerships: dict[int, list[Partnership]] = defaultdict(list)
    for partnership in await _all_live_partnerships(db, PartnershipFilters()):
        partnerships[partnership.city_id].append(partnership)
    return render(
        request,
        "cities/list.html",
        {
            "query": query,
            "cities": cities,
            "total": total,
            "pages": max(1, -(-total // PER_PAGE)),
            "partnerships": partnerships,
            "dormant_ids": {city.id for city in dormant},
            "countries": _country_options(await cities_service.countries_in_use(db)),
            "kinds": _labels(PARTNERSHIP_KINDS),
            "statuses": _labels(PARTNERSHIP_STATUSES),
        },
    )


# -- a new city --------------------------------------------------------------------------------


def _city_form(
    request: Request,
    values: dict[str, Any],
    errors: dict[str, str],
    *,
    existing_id: int | None = None,
    city: City | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "cities/form.html",
        {
            "values": values,
            "errors": errors,
            "existing_id": existing_id,
            "city": city,
            "countries": _country_options(COUNTRY_CODES),
        },
        status_code=status_code,
    )


@router.get("/cities/new")
async def new_city_form(request: Request, user: WebEditor) -> Response:
    return _city_form(request, {}, {})


def _names(text: Any) -> list[str]:
    """Alternate names typed one per line."""
    return [line.strip() for line in str(text or "").splitlines() if line.strip()]


@router.post("/cities/new")
async def create_city(request: Request, user: WebEditor, db: SessionDep) -> Response:
    values = form_values(await request.form())
    data = {**values, "alternate_names": _names(values.get("alternate_names"))}
    try:
        city = await cities_service.create_city(
            db, CityCreate.model_validate(data), actor=user.username
        )
    except Conflict as exc:
        errors = {"name": _(DUPLICATE_CITY)}
        return _city_form(
            request, values, errors, existing_id=exc.extra.get("existing_id"), status_code=409
        )
    except (ValidationError, AppError) as exc:
        return _city_form(request, values, form_errors(exc), status_code=422)
    return redirect(request, f"/cities/{city.id}", flash=_("City %(name)s added.", name=city.name))


# -- editing, archiving, restoring a city -----------------------------------------------------

DUPLICATE_CITY = N_("A city with this name already exists in this country.")


def _city_values(city: City) -> dict[str, Any]:
    return {
        "name": city.name,
        "alternate_names": "\n".join(city.alternate_names or []),
        "country_code": city.country_code,
        "region": city.region,
        "version": city.version,
    }


@router.get("/cities/{city_id}/edit")
async def edit_city_form(
    request: Request, user: WebEditor, db: SessionDep, city_id: IdPath
) -> Response:
    city = await get_record(db, City, city_id, "city")
    return _city_form(request, _city_values(city), {}, city=city)


@router.post("/cities/{city_id}/edit")
async def save_city(request: Request, user: WebEditor, db: SessionDep, city_id: IdPath) -> Response:
    city = await get_record(db, City, city_id, "city")
    form = await request.form()
    values = form_values(form)
    if str(values.get("version")) != str(city.version):
        # Someone saved the city after this form was opened (the API's 412): keep what was
        # typed, say so, and let a second save apply it on top of their version.
        errors = {
            "": _(
                "Someone changed this city since you opened the form. Check the fields "
                "below and save again to keep your version."
            )
        }
        return _city_form(
            request, {**values, "version": city.version}, errors, city=city, status_code=409
        )
    data = {
        "name": values.get("name"),
        "alternate_names": _names(values.get("alternate_names")),
        "country_code": values.get("country_code"),
        "region": values.get("region"),
    }
    try:
        await cities_service.update_city(
            db, city, CityUpdate.model_validate(data), actor=user.username
        )
    except Conflict as exc:
        return _city_form(
            request,
            values,
            {"name": _(DUPLICATE_CITY)},
            existing_id=exc.extra.get("existing_id"),
            city=city,
            status_code=409,
        )
    except (ValidationError, AppError) as exc:
        return _city_form(request, values, form_errors(exc), city=city, status_code=422)
    return redirect(request, f"/cities/{city_id}", flash=_("City saved: %(name)s", name=city.name))


@router.post("/cities/{city_id}/archive")
async def archive_city(
    request: Request,
    user: WebEditor,
    db: SessionDep,
    settings: SettingsDep,
    today: TodayDep,
    city_id: IdPath,
) -> Response:
    city = await get_record(db, City, city_id, "city")
    cascade = (await request.form()).get("cascade") == "true"
    try:
        await cities_service.archive_city(db, city, actor=user.username, cascade=cascade)
    except Conflict as exc:
        return await _city_page(
            request, db, settings, today, city, blockers=exc.extra, status_code=409
        )
    return redirect(request, f"/cities/{city_id}", flash=_("Archived: %(name)s", name=city.name))


@router.post("/cities/{city_id}/restore")
async def restore_city(
    request: Request, user: WebEditor, db: SessionDep, city_id: IdPath
) -> Response:
    city = await get_record(db, City, city_id, "city")
    try:
        await cities_service.check_restorable(db, city)
    except Conflict as exc:
        raise InvalidInput(_(DUPLICATE_CITY)) from exc
    await restore_record(db, city, actor=user.username, entity=AuditEntity.city)
    return redirect(request, f"/cities/{city_id}", flash=_("Restored: %(name)s", name=city.name))


# -- a city's page -----------------------------------------------------------------------------


async def _next_anniversaries(
    db: AsyncSession, city_id: int, today: date
) -> dict[int, dict[str, Any]]:
    """Each active partnership's next signing anniversary (within a year from today)."""
    found: dict[int, dict[str, Any]] = {}
    for item in await reports_service.anniversaries(db, as_of=today, within_days=366):
        partnership = item["partnership"]
        if partnership.city_id == city_id:
            found.setdefault(partnership.id, item)
    return found


async def _city_page(
    request: Request,
    db: AsyncSession,
    settings: Settings,
    today: date,
    city: City,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    blockers: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    assert city.id is not None
    contacts, contact_total = await contacts_service.list_contacts(
        db, ListQuery(limit=CONTACTS_SHOWN), ContactFilters(city_id=city.id)
    )
    dormant = await _dormant(db, settings, today)
    return render(
        request,
        "cities/detail.html",
        {
            "city": city,
            "partnerships": await _all_live_partnerships(db, PartnershipFilters(city_id=city.id)),
            "anniversaries": await _next_anniversaries(db, city.id, today),
            "contacts": contacts,
            "contact_total": contact_total,
            "memberships": await organizations_service.memberships_of_city(db, city.id),
            "is_dormant": any(other.id == city.id for other in dormant),
            "kinds": _labels(PARTNERSHIP_KINDS),
            "statuses": _labels(PARTNERSHIP_STATUSES),
            "organization_kinds": ORGANIZATION_KINDS,
            "values": values or {},
            "errors": errors or {},
            "blockers": blockers,
        },
        status_code=status_code,
    )


@router.get("/cities/{city_id}")
async def city_page(
    request: Request,
    user: WebUser,
    db: SessionDep,
    settings: SettingsDep,
    today: TodayDep,
    city_id: IdPath,
) -> Response:
    city = await get_record(db, City, city_id, "city")
    return await _city_page(request, db, settings, today, city)


def _partnership_errors(exc: ValidationError | AppError) -> dict[str, str]:
    if isinstance(exc, Conflict):
        return {
            "kind": _(
                "This city already has an active partnership of this kind. End or suspend "
                "it first, or choose another status."
            )
        }
    errors = form_errors(exc)
    if "city_id" in errors:  # the home city, or an archived one: about the page's city
        errors[""] = _("No partnership can be added to this city.")
        del errors["city_id"]
    return errors


@router.post("/cities/{city_id}/partnerships")
async def add_partnership(
    request: Request,
    user: WebEditor,
    db: SessionDep,
    settings: SettingsDep,
    today: TodayDep,
    city_id: IdPath,
) -> Response:
    city = await get_record(db, City, city_id, "city")
    values = form_values(await request.form())
    try:
        data = PartnershipCreate.model_validate({**values, "city_id": city_id})
        await partnerships_service.create_partnership(
            db, data, actor=user.username, home_city=settings.home_city
        )
    except (ValidationError, AppError) as exc:
        return await _city_page(
            request,
            db,
            settings,
            today,
            city,
            values=values,
            errors=_partnership_errors(exc),
            status_code=409 if isinstance(exc, Conflict) else 422,
        )
    return redirect(
        request,
        f"/cities/{city_id}",
        flash=_("Partnership with %(name)s added.", name=city.name),
    )


@router.get("/cities/{city_id}/partnerships")
async def partnerships_of_city(request: Request, user: WebUser, city_id: IdPath) -> Response:
    """Where a refused form was posted (a reload, or a language switch, comes here): the
    city's page."""
    return redirect(request, f"/cities/{city_id}#city-partnerships")
