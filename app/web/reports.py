"""Reports: dormant partners, coming anniversaries and the engagement of a year or a period,
with charts, each downloadable as CSV or XLSX with headers in the reader's language."""

from collections.abc import AsyncIterator, Callable, Sequence
from datetime import date
from enum import StrEnum
from typing import Annotated, Any, Literal

from babel import dates as babel_dates
from babel import numbers as babel_numbers
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response, StreamingResponse
from pydantic import Field, ValidationError

from app.auth.models import Role
from app.clock import TodayDep
from app.config import Settings
from app.db import SessionDep
from app.errors import AppError, Forbidden
from app.exports.formats import XLSX_MEDIA_TYPE, csv_document, xlsx_stream
from app.interactions.models import InteractionKind
from app.pagination import QueryModel
from app.partnerships.models import PartnershipKind
from app.reports import service as reports_service
from app.reports.schemas import DormantPartnersFilters, EngagementReport
from app.web import charts, i18n
from app.web.deps import WebUser
from app.web.forms import form_errors
from app.web.i18n import N_, _
from app.web.labels import BY_VALUE
from app.web.templating import render

router = APIRouter()

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
ANNIVERSARY_DAYS = 90  # the page's default window; the API's is a year

PARTNERSHIP_KINDS = {
    PartnershipKind.sister_city: N_("Sister city"),
    PartnershipKind.friendship_city: N_("Friendship city"),
    PartnershipKind.cooperation_agreement: N_("Cooperation agreement"),
}
# The words of app/web/labels.py (every page names a kind the same way).
INTERACTION_KINDS = {kind: BY_VALUE[kind.value] for kind in InteractionKind}


class Download(StrEnum):
    csv = "csv"
    xlsx = "xlsx"


DownloadQuery = Annotated[Download | None, Query()]
Text = Annotated[str | None, Query(max_length=20)]


def kind_label(kind: str) -> str:
    return _(PARTNERSHIP_KINDS[PartnershipKind(kind)])


def _blank_dropped(**values: Any) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value not in (None, "", [])}


def _format_percent(value: float) -> str:
    return babel_numbers.format_percent(value, locale=i18n.current_locale())


def _month_label(month: date, skeleton: str) -> str:
    return babel_dates.format_skeleton(skeleton, month, locale=i18n.current_locale())


def _check_download(user: Any, download: Download | None) -> None:
    """A download is an export, which viewers may not make (as in the API)."""
    if download is not None and user.role not in (Role.admin, Role.editor):
        raise Forbidden(_("Your role does not allow this."))


async def _one_batch(rows: list[list[Any]]) -> AsyncIterator[list[list[Any]]]:
    yield rows


def _download(
    download: Download, name: str, header: Sequence[str], rows: list[list[Any]], title: str
) -> Response:
    """The table as a file: a CSV document or an XLSX workbook (frozen bold header)."""
    headers = {
        "Content-Disposition": f'attachment; filename="{name}.{download.value}"',
        "Cache-Control": "no-store",
    }
    if download is Download.csv:
        return Response(
            csv_document(header, rows).encode("utf-8"), media_type=CSV_MEDIA_TYPE, headers=headers
        )
    widths = [max(12, min(40, len(column) * 2 + 4)) for column in header]
    return StreamingResponse(
        xlsx_stream(header, _one_batch(rows), widths=widths, title=title),
        media_type=XLSX_MEDIA_TYPE,
        headers=headers,
    )


@router.get("/reports")
async def reports_index(request: Request, user: WebUser) -> Response:
    return render(request, "reports/index.html", {})


# -- dormant partners -----------------------------------------------------------------------


def _dormant_table(items: list[dict[str, Any]]) -> tuple[list[str], list[list[Any]]]:
    header = [
        _("City"),
        _("Country"),
        _("Partnership"),
        _("Last interaction"),
        _("Days since"),
        _("Active contacts"),
        _("Open follow-ups"),
    ]
    rows = [
        [
            item["city"].name,
            i18n.country_name(item["city"].country_code),
            "; ".join(
                kind_label(p.kind) + (f" ({i18n.format_date(p.signed_on)})" if p.signed_on else "")
                for p in item["partnerships"]
            ),
            i18n.format_date(item["last_interaction_on"])
            if item["last_interaction_on"]
            else _("Never"),
            item["days_inactive"],
            item["active_contacts"],
            item["open_follow_ups"],
        ]
        for item in items
    ]
    return header, rows


@router.get("/reports/dormant")
async def dormant_report(
    request: Request,
    user: WebUser,
    db: SessionDep,
    today: TodayDep,
    inactive_days: Text = None,
    kind: Annotated[list[str] | None, Query(max_length=3)] = None,
    as_of: Text = None,
    download: DownloadQuery = None,
) -> Response:
    """Partner cities without an interaction for a while, with the API's filters."""
    _check_download(user, download)
    settings: Settings = request.app.state.settings
    values = _blank_dropped(inactive_days=inactive_days, kind=kind, as_of=as_of)
    try:
        filters = DormantPartnersFilters.model_validate(values)
    except ValidationError as exc:
        context: dict[str, Any] = {"values": values, "errors": form_errors(exc), "items": None}
        return render(request, "reports/dormant.html", _dormant_context(context), status_code=422)
    day = filters.as_of or today
    days = filters.inactive_days or settings.dormant_after_days
    items = await reports_service.dormant_partners(
        db, as_of=day, inactive_days=days, kinds=filters.kind or ()
    )
    if download is not None:
        header, rows = _dormant_table(items)
        return _download(download, f"dormant-partners-{day}", header, rows, _("Dormant partners"))
    context = {
        "values": {"inactive_days": days, "kind": filters.kind or [], "as_of": filters.as_of},
        "errors": {},
        "items": items,
        "as_of": day,
        "inactive_days": days,
        "query": request.url.query,
    }
    return render(request, "reports/dormant.html", _dormant_context(context))


def _dormant_context(context: dict[str, Any]) -> dict[str, Any]:
    return {
        **context,
        "kinds": [(kind.value, _(label)) for kind, label in PARTNERSHIP_KINDS.items()],
        "kind_label": kind_label,
    }


# -- anniversaries --------------------------------------------------------------------------


def _anniversaries_table(items: list[dict[str, Any]]) -> tuple[list[str], list[list[Any]]]:
    header = [_("City"), _("Country"), _("Partnership"), _("Signed on"), _("Years"), _("Date")]
    rows = [
        [
            item["city"].name,
            i18n.country_name(item["city"].country_code),
            kind_label(item["partnership"].kind),
            i18n.format_date(item["partnership"].signed_on),
            item["years"],
            i18n.format_date(item["anniversary_on"]),
        ]
        for item in items
    ]
    return header, rows


@router.get("/reports/anniversaries")
async def anniversaries_report(
    request: Request,
    user: WebUser,
    db: SessionDep,
    today: TodayDep,
    within_days: Text = None,
    download: DownloadQuery = None,
) -> Response:
    """Signing anniversaries in the next ``within_days`` days (90 unless asked)."""
    _check_download(user, download)
    errors: dict[str, str] = {}
    days = ANNIVERSARY_DAYS
    if within_days:
        try:
            days = int(within_days)
        except ValueError:
            errors["within_days"] = _("Enter a whole number.")
        else:
            if not 0 <= days <= 3660:
                errors["within_days"] = _("Enter a number of days from 0 to 3660.")
    if errors:
        context = {"values": {"within_days": within_days}, "errors": errors, "items": None}
        return render(request, "reports/anniversaries.html", context, status_code=422)
    items = await reports_service.anniversaries(db, as_of=today, within_days=days)
    if download is not None:
        header, rows = _anniversaries_table(items)
        return _download(download, f"anniversaries-{today}", header, rows, _("Anniversaries"))
    context = {
        "values": {"within_days": days},
        "errors": {},
        "items": items,
        "today": today,
        "kind_label": kind_label,
        "query": request.url.query,
    }
    return render(request, "reports/anniversaries.html", context)


# -- engagement -----------------------------------------------------------------------------


def _engagement_rows(
    report: EngagementReport,
    months: list[tuple[date, int]],
    countries: list[tuple[str | None, int]],
) -> list[list[Any]]:
    """The report as (measure, value) rows in the reader's language, for a download."""
    events = report.events_hosted
    rows: list[list[Any]] = [
        [_("From"), i18n.format_date(report.period.from_)],
        [_("To"), i18n.format_date(report.period.to)],
        [_("Cities engaged"), report.cities_engaged],
        [_("Countries engaged"), report.countries_engaged],
        [_("Conferences attended"), report.conferences_attended],
        [_("Meetings with organizations"), report.organization_meetings],
        [_("Inbound visits"), report.visits.inbound],
        [_("Outbound visits"), report.visits.outbound],
        [_("Events hosted"), events.count],
        [_("Invitations sent to events held in this period"), events.invitations_sent],
        [_("Accepted"), events.accepted],
        [_("Declined"), events.declined],
        [_("Attended"), events.attended],
        [
            _("Acceptance rate"),
            _format_percent(events.acceptance_rate) if events.acceptance_rate is not None else "",
        ],
        [_("Dormant partners at the end"), report.dormant_partners_at_end],
    ]
    for kind, count in report.interactions_by_kind.items():
        rows.append(
            [_("Interactions: %(kind)s", kind=_(INTERACTION_KINDS[InteractionKind(kind)])), count]
        )
    for kind, count in report.partnerships.active_at_end_by_kind.items():
        rows.append([_("Active partnerships: %(kind)s", kind=kind_label(kind)), count])
    for kind, count in report.partnerships.signed_in_period_by_kind.items():
        rows.append([_("Signed in the period: %(kind)s", kind=kind_label(kind)), count])
    for month, count in months:
        rows.append([_("Interactions in %(month)s", month=_month_label(month, "yMMM")), count])
    for code, count in countries:
        rows.append([_("Interactions with %(country)s", country=_country(code)), count])
    for city in report.most_engaged_cities:
        rows.append([_("Most engaged: %(city)s", city=city.name), city.interactions])
    return rows


def _country(code: str | None) -> str:
    return i18n.country_name(code) if code else _("No country")


def _engagement_charts(
    report: EngagementReport,
    months: list[tuple[date, int]],
    countries: list[tuple[str | None, int]],
) -> list[dict[str, Any]]:
    """The page's three charts, each with its table."""
    one_year = report.period.from_.year == report.period.to.year
    month_data = [(_month_label(m, "MMM" if one_year else "yMMM"), n) for m, n in months]
    month_rows = [(_month_label(m, "yMMM"), n) for m, n in months]
    if not any(n for _m, n in months):
        month_data = month_rows = []
    country_data = [(_country(code), n) for code, n in countries]
    events = report.events_hosted
    funnel = [
        (_("Sent"), events.invitations_sent),
        (_("Accepted"), events.accepted),
        (_("Attended"), events.attended),
    ]
    if not events.invitations_sent:
        funnel = []
    empty = _("Nothing in this period.")
    no_invitations = _("No invitations to events held in this period.")
    funnel_title = _("Invitations to events held in this period")
    return [
        _chart(
            "months",
            charts.column_chart,
            month_data,
            month_rows,
            title=_("Interactions per month"),
            description=_("How many interactions the desk logged in each month."),
            empty_message=empty,
            label_header=_("Month"),
            value_header=_("Interactions"),
        ),
        _chart(
            "countries",
            charts.bar_chart,
            country_data,
            charts.by_value(country_data),
            title=_("Engagement by country"),
            description=_("Interactions with the cities of each country, most first."),
            empty_message=empty,
            label_header=_("Country"),
            value_header=_("Interactions"),
            share_header=_("Share"),
        ),
        _chart(
            "funnel",
            charts.funnel_chart,
            funnel,
            funnel,
            title=funnel_title,
            description=_(
                "Invitations to the events the city hosted that were held in this period "
                "(whenever they were sent): how many went out, were accepted and attended."
            ),
            empty_message=no_invitations,
            label_header=_("Step"),
            value_header=_("Invitations"),
            share_header=_("Of those sent"),
            share_of="first",
        ),
    ]


def _chart(
    chart_id: str,
    draw: Callable[..., Any],
    data: charts.Data,
    rows: charts.Data,
    *,
    title: str,
    description: str,
    empty_message: str,
    label_header: str,
    value_header: str,
    share_header: str | None = None,
    share_of: Literal["total", "first"] = "total",
) -> dict[str, Any]:
    """One chart of the page and its table: the figures drawn with ``draw`` and listed as
    ``rows``; a share column (and shares in the chart) when ``share_header`` is given."""
    percent = {"percent_format": _format_percent} if share_header else {}
    svg = draw(
        data,
        title=title,
        description=description,
        empty_message=empty_message,
        number_format=i18n.format_number,
        chart_id=f"chart-{chart_id}",
        **percent,
    )
    table = charts.data_table(
        rows,
        caption=title,
        label_header=label_header,
        value_header=value_header,
        share_header=share_header,
        empty_message=empty_message,
        number_format=i18n.format_number,
        share_of=share_of,
        **percent,
    )
    return {"id": chart_id, "title": title, "svg": svg, "table": table}


class EngagementPeriodForm(QueryModel):
    """The period form's fields, typed (the service decides which combinations are valid)."""

    year: Annotated[int, Field(ge=1900, le=9999)] | None = None
    start: date | None = None
    end: date | None = None


@router.get("/reports/engagement")
async def engagement_report(
    request: Request,
    user: WebUser,
    db: SessionDep,
    today: TodayDep,
    year: Text = None,
    start: Annotated[str | None, Query(alias="from", max_length=20)] = None,
    end: Annotated[str | None, Query(alias="to", max_length=20)] = None,
    download: DownloadQuery = None,
) -> Response:
    """What the desk did in a year (``year``) or a period (``from`` and ``to``)."""
    _check_download(user, download)
    settings: Settings = request.app.state.settings
    values = _blank_dropped(year=year, start=start, end=end)
    try:
        period = EngagementPeriodForm.model_validate(values)
        first, last = reports_service.engagement_period(
            year=period.year, start=period.start, end=period.end, today=today
        )
    except (ValidationError, AppError) as exc:
        errors = form_errors(exc)
        errors = {{"start": "from", "end": "to"}.get(k, k): v for k, v in errors.items()}
        shown = {"year": year, "from": start, "to": end}
        context = {"values": shown, "errors": errors, "report": None}
        return render(request, "reports/engagement.html", context, status_code=422)
    report = await reports_service.engagement(
        db,
        start=first,
        end=last,
        today=today,
        inactive_days=settings.dormant_after_days,
        home_city=settings.home_city,
    )
    months = await reports_service.interactions_per_month(db, start=first, end=last)
    countries = await reports_service.engagement_by_country(
        db, start=first, end=last, home_city=settings.home_city
    )
    if download is not None:
        header = [_("Measure"), _("Value")]
        rows = _engagement_rows(report, months, countries)
        return _download(download, f"engagement-{first}-to-{last}", header, rows, _("Engagement"))
    context = {
        "values": {"year": period.year, "from": period.start, "to": period.end},
        "errors": {},
        "report": report,
        "charts": _engagement_charts(report, months, countries),
        "interaction_kinds": [
            (_(label), report.interactions_by_kind[kind.value])
            for kind, label in INTERACTION_KINDS.items()
        ],
        "partnership_kinds": [
            (
                _(label),
                report.partnerships.active_at_end_by_kind[kind.value],
                report.partnerships.signed_in_period_by_kind[kind.value],
            )
            for kind, label in PARTNERSHIP_KINDS.items()
        ],
        "percent": _format_percent,
        "dormant_as_of": min(last, today),
        "query": request.url.query,
    }
    return render(request, "reports/engagement.html", context)
