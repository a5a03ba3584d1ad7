"""``crm dormant`` against a temporary SQLite file, with its data made through the API.

Synchronous on purpose, like tests/test_cli.py: the command runs its own event loop."""

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from typer.testing import Result

from app import cli
from app.config import get_settings
from tests.test_cli import SECRET, CliDatabase


def dormant(db: CliDatabase, *args: str, **env: str) -> Result:
    get_settings.cache_clear()
    try:
        return db.runner.invoke(
            cli.app,
            ["dormant", *args],
            env={"CRM_DATABASE_URL": db.url, "CRM_SECRET_KEY": SECRET, **env},
            catch_exceptions=False,
        )
    finally:
        get_settings.cache_clear()


def table_rows(result: Result) -> list[str]:
    """The body lines of the printed table: what follows the header's rule."""
    lines = result.output.splitlines()
    rule = next(i for i, line in enumerate(lines) if set(line.strip()) == {"─"})
    return [line.strip() for line in lines[rule + 1 :] if line.strip()]


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[CliDatabase]:
    """A migrated database holding four partner cities of Taipei."""
    get_settings.cache_clear()
    db = CliDatabase(tmp_path / "crm.db")
    assert db.run("db", "upgrade").exit_code == 0
    assert (
        db.run("users", "create", "ed", "--role", "editor", input="ed-password-1\n").exit_code == 0
    )

    async def seed(api) -> None:
        token = await api.post(
            "/api/v1/auth/token", data={"username": "ed", "password": "ed-password-1"}
        )
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}

        async def post(path: str, body: dict) -> dict:
            response = await api.post(f"/api/v1/{path}", json=body, headers=headers)
            assert response.status_code == 201, response.text
            return response.json()

        for name, country, kind, signed_on, last_on in [
            ("Houston", "US", "sister_city", "1961-06-15", None),
            ("Busan", "KR", "sister_city", "1966-12-20", "2020-05-01"),
            ("臺中", "TW", "friendship_city", None, "2023-06-01"),
            ("Kaohsiung", "TW", "cooperation_agreement", "2010-01-01", "2025-11-01"),
        ]:
            city = await post("cities", {"name": name, "country_code": country})
            body = {"city_id": city["id"], "kind": kind, "signed_on": signed_on}
            await post("partnerships", body)
            if name == "Busan":
                await post("contacts", {"full_name": "Kim Min-jun", "city_id": city["id"]})
            if last_on:
                interaction = {"kind": "meeting", "occurred_on": last_on, "title": "Talks"}
                await post("interactions", {**interaction, "city_ids": [city["id"]]})

    db.api(seed)
    yield db
    get_settings.cache_clear()


def test_prints_the_dormant_partners_as_a_table(desk):
    result = dormant(desk, "--as-of", "2026-01-01")
    assert result.exit_code == 0, result.output
    assert "3 dormant partner cities" in result.output
    assert "730 days before 2026-01-01" in result.output
    header = next(line for line in result.output.splitlines() if "City" in line)
    for column in ("City", "Country", "Partnerships", "Last interaction", "Days inactive"):
        assert column in header
    assert "Active contacts" in header and "Open follow-ups" in header
    rows = table_rows(result)
    assert len(rows) == 3
    # Never contacted first, then the longest dormant.
    assert rows[0].split() == [
        "Houston",
        "US",
        "sister_city",
        "(1961-06-15)",
        "never",
        "-",
        "0",
        "0",
    ]
    busan_days = str((date(2026, 1, 1) - date(2020, 5, 1)).days)
    assert rows[1].split() == [
        "Busan",
        "KR",
        "sister_city",
        "(1966-12-20)",
        "2020-05-01",
        busan_days,
        "1",
        "0",
    ]
    taichung_days = str((date(2026, 1, 1) - date(2023, 6, 1)).days)
    assert rows[2].split() == [
        "臺中",
        "TW",
        "friendship_city",
        "2023-06-01",
        taichung_days,
        "0",
        "0",
    ]
    assert "Kaohsiung" not in result.output


def test_days_kinds_and_the_default_window(desk):
    result = dormant(desk, "--as-of", "2026-01-01", "--days", "30")
    assert result.exit_code == 0, result.output
    assert "4 dormant partner cities" in result.output
    assert [row.split()[0] for row in table_rows(result)] == [
        "Houston",
        "Busan",
        "臺中",
        "Kaohsiung",
    ]

    result = dormant(
        desk, "--as-of", "2026-01-01", "--kind", "friendship_city", "--kind", "sister_city"
    )
    assert result.exit_code == 0, result.output
    assert [row.split()[0] for row in table_rows(result)] == ["Houston", "Busan", "臺中"]
    result = dormant(desk, "--as-of", "2026-01-01", "--kind", "cooperation_agreement")
    assert result.exit_code == 0, result.output
    assert "No dormant partner cities" in result.output

    # The window comes from CRM_DORMANT_AFTER_DAYS when --days is not given.
    result = dormant(desk, "--as-of", "2026-01-01", CRM_DORMANT_AFTER_DAYS="3000")
    assert result.exit_code == 0, result.output
    assert [row.split()[0] for row in table_rows(result)] == ["Houston"]
    assert "3000 days before 2026-01-01" in result.output


def test_today_is_the_default_day(desk):
    result = dormant(desk, "--days", "1")
    assert result.exit_code == 0, result.output
    assert "4 dormant partner cities" in result.output
    assert "in the 1 day before" in result.output


def test_refuses_bad_options(desk):
    for args in (
        ["--days", "0"],
        ["--kind", "twin_town"],
        ["--as-of", "2026-02-30"],
        ["--as-of", "soon"],
    ):
        result = dormant(desk, *args)
        assert result.exit_code == 2, (args, result.output)
        assert "dormant partner" not in result.output
