from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response

from app.auth.deps import CurrentUser
from app.auth.models import Role
from app.clock import TodayDep
from app.config import SettingsDep
from app.db import SessionDep
from app.errors import Forbidden
from app.fields import IsoDate
from app.reports import service as reports_service
from app.reports.schemas import (
    AnniversariesReport,
    DormantPartnersQuery,
    DormantPartnersReport,
    EngagementReport,
    ReportFormat,
)

router = APIRouter(prefix="/reports", tags=["reports"])

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {}}, "description": "JSON, or CSV with format=csv"}
}
AsOf = Annotated[IsoDate | None, Query(description="The day the report is about (default: today)")]


def check_download(user: CurrentUser, format: ReportFormat) -> ReportFormat:
    """Everyone may read a report; a CSV download is an export, which viewers may not make."""
    if format is ReportFormat.csv and user.role not in (Role.admin, Role.editor):
        raise Forbidden(
            f"Your role '{user.role}' cannot download reports as CSV; it needs: admin, editor"
        )
    return format


async def report_format(
    user: CurrentUser,
    format: Annotated[
        ReportFormat,
        Query(description="json, or csv (a download: editors and admins only, like exports)"),
    ] = ReportFormat.json,
) -> ReportFormat:
    return check_download(user, format)


FormatDep = Annotated[ReportFormat, Depends(report_format)]


def csv_download(document: str, filename: str) -> Response:
    return Response(
        content=document.encode("utf-8"),
        media_type=CSV_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/dormant-partners", response_model=DormantPartnersReport, responses=CSV_RESPONSE)
async def dormant_partners(
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    today: TodayDep,
    query: Annotated[DormantPartnersQuery, Query()],
) -> Any:
    """Partner cities with no interaction in the last ``inactive_days``: never-contacted first,
    then the longest dormant."""
    output = check_download(user, query.format)
    as_of = query.as_of or today
    items = await reports_service.dormant_partners(
        session,
        as_of=as_of,
        inactive_days=query.inactive_days or settings.dormant_after_days,
        kinds=query.kind or (),
    )
    if output is ReportFormat.csv:
        return csv_download(
            reports_service.dormant_partners_csv(items), f"dormant-partners-{as_of}.csv"
        )
    return {"items": items, "total": len(items)}


@router.get("/anniversaries", response_model=AnniversariesReport)
async def anniversaries(
    session: SessionDep,
    today: TodayDep,
    within_days: Annotated[
        int, Query(ge=0, le=3660, description="Days after as_of the window reaches")
    ] = 365,
    as_of: AsOf = None,
) -> dict[str, Any]:
    """Signing anniversaries of active partnerships from as_of to as_of + within_days."""
    items = await reports_service.anniversaries(
        session, as_of=as_of or today, within_days=within_days
    )
    return {"items": items}


async def engagement_period(
    today: TodayDep,
    year: Annotated[int | None, Query(ge=1900, le=9999, description="A calendar year")] = None,
    start: Annotated[
        IsoDate | None, Query(alias="from", description="First day of the period (with to)")
    ] = None,
    end: Annotated[
        IsoDate | None, Query(alias="to", description="Last day of the period, inclusive")
    ] = None,
) -> tuple[date, date]:
    return reports_service.engagement_period(year=year, start=start, end=end, today=today)


@router.get("/engagement", response_model=EngagementReport, responses=CSV_RESPONSE)
async def engagement(
    session: SessionDep,
    settings: SettingsDep,
    output: FormatDep,
    period: Annotated[tuple[date, date], Depends(engagement_period)],
    today: TodayDep,
) -> Any:
    """What the desk did in a year (``year``) or a period (``from`` and ``to``; default: this
    year)."""
    start, end = period
    report = await reports_service.engagement(
        session,
        start=start,
        end=end,
        today=today,
        inactive_days=settings.dormant_after_days,
        home_city=settings.home_city,
    )
    if output is ReportFormat.csv:
        return csv_download(
            reports_service.engagement_csv(report), f"engagement-{start}-to-{end}.csv"
        )
    return report
