"""``crm export`` against a temporary SQLite file (synchronous: the command runs its own loop)."""

import asyncio
import json
import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner, Result

from app import cli
from app.config import Settings, get_settings
from app.contacts.models import Contact
from app.db import Database
from app.events.models import Event
from app.invitations.models import Invitation, InvitationStatus
from tests.exports.reading import ods_rows
from tests.reading import csv_rows, vcards, xlsx_rows

SECRET = "cli-test-secret-key-long-enough-for-hs256"


class Crm:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.url = f"sqlite+aiosqlite:///{path}"
        self.runner = CliRunner()

    def run(self, *args: str) -> Result:
        get_settings.cache_clear()
        try:
            return self.runner.invoke(
                cli.app,
                list(args),
                env={"CRM_DATABASE_URL": self.url, "CRM_SECRET_KEY": SECRET},
                catch_exceptions=False,
            )
        finally:
            get_settings.cache_clear()

    def invite_everyone(self, *, planned: int) -> int:
        """An event to which every contact is invited, the first ``planned`` still planned."""

        async def insert() -> int:
            settings = Settings(database_url=self.url, secret_key=SECRET, _env_file=None)  # type: ignore[call-arg]
            database = Database(settings)
            try:
                async with database.write_sessionmaker() as session, session.begin():
                    event = Event(name="Smart City Summit & Expo 2025", starts_on=date(2025, 3, 18))
                    session.add(event)
                    await session.flush()
                    contact_ids = (
                        await session.scalars(select(Contact.id).order_by(Contact.name_key))
                    ).all()
                    for index, contact_id in enumerate(contact_ids):
                        status = (
                            InvitationStatus.planned if index < planned else InvitationStatus.sent
                        )
                        session.add(
                            Invitation(
                                event_id=event.id,
                                contact_id=contact_id,
                                status=status,
                                notes="=1+1",
                            )
                        )
                    assert event.id is not None
                    return event.id
            finally:
                await database.dispose()

        return asyncio.run(insert())

    def export_audit(self) -> list[tuple[str, str, int | None, dict]]:
        connection = sqlite3.connect(self.path)
        try:
            rows = connection.execute(
                "SELECT actor, entity, entity_id, changes FROM audit_entry "
                "WHERE action = 'export' ORDER BY id"
            ).fetchall()
        finally:
            connection.close()
        return [
            (actor, entity, entity_id, json.loads(changes))
            for actor, entity, entity_id, changes in rows
        ]


@pytest.fixture
def crm(tmp_path: Path) -> Iterator[Crm]:
    get_settings.cache_clear()
    database = Crm(tmp_path / "crm.db")
    assert database.run("db", "upgrade").exit_code == 0
    assert database.run("demo").exit_code == 0
    yield database
    get_settings.cache_clear()


def test_export_invitations_to_xlsx_with_a_status_filter(crm, tmp_path):
    event_id = crm.invite_everyone(planned=2)
    output = tmp_path / "invitations.xlsx"

    result = crm.run(
        "export",
        "invitations",
        str(event_id),
        "--format",
        "xlsx",
        "-o",
        str(output),
        "--status",
        "planned",
    )

    assert result.exit_code == 0, result.output
    assert "Wrote 2 invitations" in result.output
    rows = xlsx_rows(output.read_bytes())
    assert rows[0][:3] == ["honorific", "full_name", "local_name"]
    assert len(rows) == 3
    assert {row[10] for row in rows[1:]} == {"planned"}
    assert {row[12] for row in rows[1:]} == {"=1+1"}  # text, not a formula (checked above)
    assert not list(tmp_path.glob("*.part"))
    assert crm.export_audit() == [
        (
            "cli",
            "invitation",
            event_id,
            {"format": "xlsx", "filters": {"status": "planned"}, "rows": 2},
        )
    ]


def test_export_both_lists_as_ods(crm, tmp_path):
    event_id = crm.invite_everyone(planned=2)
    output = tmp_path / "invitations.ods"
    result = crm.run("export", "invitations", str(event_id), "--format", "ods", "-o", str(output))
    assert result.exit_code == 0, result.output
    assert f"to {output} (ods)" in result.output
    rows = ods_rows(output.read_bytes())  # checks the package and that every cell is text
    assert rows[0][:3] == ["honorific", "full_name", "local_name"]
    assert {row[12] for row in rows[1:]} == {"=1+1"}  # text, not a formula

    output = tmp_path / "contacts.ods"  # the format follows the extension
    result = crm.run("export", "contacts", "-o", str(output), "--country-code", "kr")
    assert result.exit_code == 0, result.output
    rows = ods_rows(output.read_bytes())
    assert [row[1:3] for row in rows[1:]] == [["Kim Min-jun", "김민준"]]
    assert [entry[3]["format"] for entry in crm.export_audit()] == ["ods", "ods"]


def test_export_format_follows_the_file_extension(crm, tmp_path):
    event_id = crm.invite_everyone(planned=100)
    output = tmp_path / "list.csv"
    result = crm.run("export", "invitations", str(event_id), "-o", str(output))
    assert result.exit_code == 0, result.output
    rows = csv_rows(output.read_bytes())
    assert rows[0][0] == "honorific" and len(rows) > 5
    assert {row[12] for row in rows[1:]} == {"'=1+1"}


def test_export_contacts_as_csv_and_vcf_with_filters(crm, tmp_path):
    output = tmp_path / "korea.csv"
    result = crm.run(
        "export", "contacts", "--format", "csv", "-o", str(output), "--country-code", "kr"
    )
    assert result.exit_code == 0, result.output
    assert "Wrote 1 contact " in result.output
    rows = csv_rows(output.read_bytes())
    assert [row[1] for row in rows[1:]] == ["Kim Min-jun"]
    assert rows[1][2] == "김민준" and rows[1][7] == "South Korea"

    output = tmp_path / "all.vcf"
    result = crm.run("export", "contacts", "-f", "vcf", "-o", str(output), "--active")
    assert result.exit_code == 0, result.output
    cards = vcards(output.read_bytes())
    assert len(cards) > 3
    assert "Kim Min-jun" in {card.fn.value for card in cards}

    assert crm.export_audit() == [
        ("cli", "contact", None, {"format": "csv", "filters": {"country_code": "KR"}, "rows": 1}),
        (
            "cli",
            "contact",
            None,
            {"format": "vcf", "filters": {"is_active": True}, "rows": len(cards)},
        ),
    ]


def test_export_refuses_unknown_events_and_bad_filters(crm, tmp_path):
    output = tmp_path / "out.csv"
    result = crm.run("export", "invitations", "4242", "-o", str(output))
    assert result.exit_code == 1
    assert "Event 4242 does not exist" in result.output
    assert not output.exists() and not list(tmp_path.glob("*.part"))

    result = crm.run("export", "contacts", "-o", str(output), "--country-code", "XX")
    assert result.exit_code == 2
    assert "--country-code: 'XX' is not an ISO 3166-1 alpha-2 country code" in result.output
    assert not output.exists()

    result = crm.run("export", "contacts", "-o", str(tmp_path / "missing" / "out.csv"))
    assert result.exit_code == 2
    assert "no folder" in result.output

    result = crm.run("export", "invitations", "1", "--format", "vcf", "-o", str(output))
    assert result.exit_code != 0
    assert crm.export_audit() == []
