"""Input means what it says: dates and moments are ISO text (never a number read as a Unix
time), a JSON body's booleans and numbers are JSON booleans and numbers, a query string's
booleans are true or false, and a PATCH refuses null for a field that cannot be emptied."""

import pytest

from app.config import Settings
from tests.factories import make_city, make_contact
from tests.problems import assert_field_error, assert_problem


@pytest.mark.parametrize("bad", [0, 1_700_000_000, "0", "1700000000", "2025-01-01T00:00:00"])
async def test_a_date_in_a_body_is_iso_text(client, bad):
    city = await make_city(client)
    response = await client.post(
        "/api/v1/partnerships",
        json={"city_id": city["id"], "kind": "sister_city", "signed_on": bad},
    )
    body = assert_field_error(response, "signed_on")
    assert body["errors"][0]["detail"].endswith("is not a date; use YYYY-MM-DD")
    assert (await client.get("/api/v1/partnerships")).json()["total"] == 0


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/events", {"name": "Expo", "starts_on": 0}),
        ("/api/v1/follow-ups", {"title": "Call back", "due_on": 0}),
        ("/api/v1/organizations", {"name": "Metropolis", "member_since": 0}),
        (
            "/api/v1/interactions",
            {"kind": "call", "occurred_on": 20250101, "title": "Call"},
        ),
    ],
)
async def test_no_date_field_takes_a_number(client, path, body):
    response = await client.post(path, json=body)
    [field] = [name for name, value in body.items() if isinstance(value, int)]
    assert_field_error(response, field)


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("/api/v1/reports/anniversaries", "as_of"),
        ("/api/v1/reports/dormant-partners", "as_of"),
        ("/api/v1/follow-ups", "due_before"),
        ("/api/v1/interactions", "occurred_to"),
        ("/api/v1/events", "starts_before"),
        ("/api/v1/invitations", "send_on_before"),
        ("/api/v1/reports/engagement", "from"),
    ],
)
async def test_a_date_in_a_query_is_iso_text(admin, path, parameter):
    params = {parameter: "0"}
    if parameter == "from":
        params["to"] = "2025-12-31"
    body = assert_problem(await admin.get(path, params=params), 422)
    [error] = body["errors"]
    assert error == {
        "parameter": parameter,
        "in": "query",
        "detail": "'0' is not a date; use YYYY-MM-DD",
    }
    assert (await admin.get(path, params={**params, parameter: "2025-01-01"})).status_code == 200


async def test_a_moment_is_iso_text_with_a_time(admin):
    for bad in ("0.5", "0", "1700000000", "2025-01-01"):
        body = assert_problem(await admin.get("/api/v1/audit", params={"until": bad}), 422)
        assert "is not a date and time; use YYYY-MM-DDTHH:MM:SSZ" in body["errors"][0]["detail"]
    good = await admin.get("/api/v1/audit", params={"until": "2025-01-01T08:00:00+08:00"})
    assert good.status_code == 200


async def test_a_sent_at_is_iso_text(client):
    contact = await make_contact(client, email="kadri@tallinn.ee")
    event = (await client.post("/api/v1/events", json={"name": "Expo"})).json()
    response = await client.post(
        f"/api/v1/events/{event['id']}/invitations",
        json={"contact_id": contact["id"], "status": "sent", "sent_at": 1_700_000_000},
    )
    assert_field_error(response, "sent_at")


@pytest.mark.parametrize(
    ("field", "value"), [("is_active", 0), ("is_active", "false"), ("is_active", None)]
)
async def test_a_flag_in_a_body_is_true_or_false(client, field, value):
    response = await client.post("/api/v1/contacts", json={"full_name": "Kadri Tamm", field: value})
    assert_field_error(response, field)
    assert (await client.get("/api/v1/contacts")).json()["total"] == 0


async def test_a_dry_run_flag_that_is_not_a_boolean_writes_nothing(client):
    contact = await make_contact(client, email="kadri@tallinn.ee")
    event = (await client.post("/api/v1/events", json={"name": "Expo"})).json()
    url = f"/api/v1/events/{event['id']}/invitations/bulk"
    body = {"send_on": "2026-01-05", "contact_ids": [contact["id"]]}
    assert_field_error(await client.post(url, json={**body, "dry_run": 0}), "dry_run")
    listed = await client.get(f"/api/v1/events/{event['id']}/invitations")
    assert listed.json()["total"] == 0
    dry = await client.post(url, json={**body, "dry_run": True})
    assert dry.status_code == 200 and dry.json()["dry_run"] is True


@pytest.mark.parametrize("bad", [False, True, "12", "1.5", 1.5])
async def test_a_number_in_a_body_is_a_json_number(client, bad):
    response = await client.post("/api/v1/cities", json={"name": "Houston", "population": bad})
    assert_field_error(response, "population")


async def test_a_whole_number_may_be_written_with_a_zero_fraction(client):
    # JSON Schema counts 2.0 as an integer; so does the API.
    city = await make_city(client, population=2_300_000.0)
    assert city["population"] == 2_300_000 and isinstance(city["population"], int)


async def test_an_id_in_a_body_is_a_number(client):
    city = await make_city(client)
    response = await client.post(
        "/api/v1/contacts", json={"full_name": "Kadri Tamm", "city_id": str(city["id"])}
    )
    assert_field_error(response, "city_id")
    response = await client.post(
        "/api/v1/interactions",
        json={"kind": "call", "occurred_on": "2025-01-01", "title": "Call", "city_ids": [True]},
    )
    assert_field_error(response, "city_ids/0")


@pytest.mark.parametrize("bad", ["1", "0", "yes", "on", "True"])
async def test_a_boolean_in_a_query_is_true_or_false(client, bad):
    body = assert_problem(await client.get("/api/v1/cities", params={"include_archived": bad}), 422)
    assert body["errors"] == [
        {"parameter": "include_archived", "in": "query", "detail": "Input should be true or false"}
    ]
    for good in ("true", "false"):
        response = await client.get("/api/v1/cities", params={"include_archived": good})
        assert response.status_code == 200
    assert (await client.get("/api/v1/contacts", params={"is_active": "false"})).status_code == 200


async def test_a_patch_refuses_null_where_a_field_cannot_be_empty(client):
    city = await make_city(client, notes="Twinned in 1961", alternate_names=["休士頓"])
    url = f"/api/v1/cities/{city['id']}"
    for field in ("name", "alternate_names"):
        body = assert_field_error(await client.patch(url, json={field: None}), field)
        assert body["errors"][0]["detail"] == f"{field} cannot be empty; leave it out to keep it"
    cleared = await client.patch(url, json={"notes": None, "country_code": None})
    assert cleared.status_code == 200, cleared.text
    assert cleared.json()["notes"] is None and cleared.json()["country_code"] is None
    assert cleared.json()["alternate_names"] == ["休士頓"]


@pytest.mark.parametrize(
    ("path", "create", "field"),
    [
        ("/api/v1/contacts", {"full_name": "Kadri Tamm"}, "is_active"),
        ("/api/v1/organizations", {"name": "Metropolis"}, "kind"),
        ("/api/v1/events", {"name": "Expo"}, "name"),
        ("/api/v1/follow-ups", {"title": "Call back", "due_on": "2026-01-05"}, "due_on"),
        (
            "/api/v1/interactions",
            {"kind": "call", "occurred_on": "2025-01-01", "title": "Call"},
            "tags",
        ),
    ],
)
async def test_every_update_refuses_null_for_a_field_that_cannot_be_empty(
    client, path, create, field
):
    created = await client.post(path, json=create)
    assert created.status_code == 201, created.text
    response = await client.patch(f"{path}/{created.json()['id']}", json={field: None})
    assert_field_error(response, field)


async def test_user_updates_refuse_null_for_role_activity_and_password(admin):
    user = await admin.post(
        "/api/v1/users", json={"username": "kadri", "password": "correct horse", "role": "editor"}
    )
    url = f"/api/v1/users/{user.json()['id']}"
    for field in ("role", "is_active", "password"):
        assert_field_error(await admin.patch(url, json={field: None}), field)
    assert_field_error(await admin.patch(url, json={"is_active": 0}), "is_active")
    assert_field_error(await admin.patch(url, json={"username": "kadri2"}), "username")
    renamed = await admin.patch(url, json={"full_name": None})
    assert renamed.status_code == 200 and renamed.json()["role"] == "editor"


def test_the_desk_time_zone_is_kept_as_configured():
    settings = Settings(
        database_url="sqlite+aiosqlite://",
        secret_key="test-secret-key-that-is-long-enough-for-hs256",
        time_zone="Europe/Tallinn",
        _env_file=None,  # type: ignore[call-arg]
    )
    assert settings.time_zone == "Europe/Tallinn"


def test_the_cli_still_names_the_date_format_of_a_date_filter():
    from typer.testing import CliRunner

    from app import cli

    result = CliRunner().invoke(cli.app, ["dormant", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    [line] = [line for line in result.output.splitlines() if "--as-of" in line]
    assert "YYYY-MM-DD" in line


async def test_a_nul_in_a_bulk_invitation_is_422_on_every_database(client):
    event = (await client.post("/api/v1/events", json={"name": "Expo"})).json()
    response = await client.post(
        f"/api/v1/events/{event['id']}/invitations/bulk",
        json={"send_on": "2026-01-05", "tags": ["\x00"]},
    )
    assert_field_error(response, "tags/0")
    response = await client.post("/api/v1/cities", json={"name": "E\x00yM"})
    assert_field_error(response, "name")
