"""The desk's day. "Today" is the date in the desk's time zone (``CRM_TIME_ZONE``, default
Asia/Taipei), not in UTC: at 23:30 UTC it is already tomorrow in Taipei. Everything that
asks what day it is (overdue follow-ups, reports, export file names, demo data) asks here."""

from datetime import date, datetime
from functools import cache
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import Depends

from app.config import Settings, SettingsDep
from app.db import utcnow


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def date_in(time_zone: str, now: datetime | None = None) -> date:
    """The date in ``time_zone`` (an IANA name) at ``now`` (default: this instant)."""
    return (now or utcnow()).astimezone(_zone(time_zone)).date()


def today(settings: Settings, now: datetime | None = None) -> date:
    """The desk's date at ``now`` (default: this instant)."""
    return date_in(settings.time_zone, now)


DEFAULT_TIME_ZONE: str = Settings.model_fields["time_zone"].default


def current_time() -> datetime:
    """The instant a request is handled (a dependency, so a test can stand at any moment)."""
    return utcnow()


def desk_today(settings: SettingsDep, now: Annotated[datetime, Depends(current_time)]) -> date:
    return today(settings, now)


TodayDep = Annotated[date, Depends(desk_today)]
