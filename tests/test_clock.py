"""The desk's day: "today" is the date in CRM_TIME_ZONE (default Asia/Taipei), so at 23:30
UTC it is already tomorrow. The clock is a dependency; these tests stand at chosen instants."""

from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

from app import clock
from app.config import Settings
from tests.factories import make_city, make_contact, make_follow_up, make_partnership

LATE_EVENING_UTC = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)  # 07:30 on 2 December in Taipei
AFTERNOON_UTC = datetime(2026, 12, 1, 15, 30, tzinfo=UTC)  # 23:30 on 1 December in Taipei


def _settings(**values) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def test_today_is_the_date_in_the_desks_time_zone():
    assert clock.today(_settings(), LATE_EVENING_UTC) == date(2026, 12, 2)
    assert clock.today(_settings(), AFTERNOON_UTC) == date(2026, 12, 1)
    assert clock.today(_settings(time_zone="UTC"), LATE_EVENING_UTC) == date(2026, 12, 1)
    assert clock.today(_settings(time_zone="America/Chicago"), LATE_EVENING_UTC) == date(
        2026, 12, 1
    )


@pytest.mark.parametrize("zone", ["Mars/Olympus", "", "../etc/passwd", "Taipei"])
def test_an_unknown_time_zone_is_refused_at_start(zone):
    with pytest.raises(ValidationError, match="CRM_TIME_ZONE"):
        _settings(time_zone=zone)


@pytest.fixture
def stand_at(app):
    """Make the app's clock read a chosen instant for the test."""

    def set_time(moment: datetime) -> None:
        app.dependency_overrides[clock.current_time] = lambda: moment

    yield set_time
    app.dependency_overrides.pop(clock.current_time, None)


async def _overdue_ids(client) -> list[int]:
    response = await client.get("/api/v1/follow-ups", params={"overdue": True})
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


async def test_a_follow_up_due_yesterday_in_taipei_is_overdue_before_utc_midnight(client, stand_at):
    follow_up = await make_follow_up(client, due_on="2026-12-01")
    stand_at(AFTERNOON_UTC)
    assert await _overdue_ids(client) == []
    stand_at(LATE_EVENING_UTC)
    assert await _overdue_ids(client) == [follow_up["id"]]


async def test_reports_default_to_the_desks_today(client, admin, stand_at):
    city = await make_city(client)
    await make_partnership(client, city["id"], signed_on="1961-12-02")
    stand_at(LATE_EVENING_UTC)
    response = await client.get("/api/v1/reports/anniversaries", params={"within_days": 0})
    assert [item["anniversary_on"] for item in response.json()["items"]] == ["2026-12-02"]
    response = await admin.get("/api/v1/reports/dormant-partners", params={"format": "csv"})
    assert 'filename="dormant-partners-2026-12-02.csv"' in response.headers["content-disposition"]

    stand_at(datetime(2026, 12, 31, 16, 30, tzinfo=UTC))  # already 2027 in Taipei
    response = await client.get("/api/v1/reports/engagement")
    assert response.json()["period"] == {"from": "2027-01-01", "to": "2027-12-31"}


async def test_export_file_names_carry_the_desks_date(client, stand_at):
    await make_contact(client)
    stand_at(LATE_EVENING_UTC)
    response = await client.get("/api/v1/contacts/export")
    assert response.headers["content-disposition"] == (
        'attachment; filename="contacts-2026-12-02.csv"'
    )
