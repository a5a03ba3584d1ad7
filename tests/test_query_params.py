"""Strict query strings: a parameter an endpoint does not declare is refused, never ignored;
each list's filters are one model; ``sort`` is an enum of the list's fields."""

import re
from typing import Any

import pytest
from pydantic import ValidationError

from app.audit import service as audit_service
from app.auth import service as auth_service
from app.cities import service as cities_service
from app.contacts import service as contacts_service
from app.contacts.schemas import ContactFilters
from app.events import service as events_service
from app.follow_ups import service as follow_ups_service
from app.interactions import service as interactions_service
from app.invitations import service as invitations_service
from app.organizations import service as organizations_service
from app.partnerships import service as partnerships_service
from tests.exports.helpers import csv_rows
from tests.factories import make_city, make_contact
from tests.invitations.helpers import audit_entries, invite, listed, make_event
from tests.problems import assert_problem

UNKNOWN = "not_a_parameter"


def unknown_parameters(response) -> list[str]:
    body = assert_problem(response, 422, "validation-error")
    for error in body["errors"]:
        assert error["in"] == "query" and error["detail"], body
    return [error["parameter"] for error in body["errors"]]


def accepted_in(response) -> set[str]:
    """The accepted parameters a refusal lists ("it accepts: a, b, c")."""
    detail = response.json()["detail"]
    if detail.endswith("it takes no query parameters"):
        return set()
    listed_names = re.search(r"it accepts: (.*)$", detail)
    assert listed_names, detail
    return set(listed_names.group(1).split(", "))


async def audit_total(client) -> int:
    response = await client.get("/api/v1/audit", params={"limit": 1})
    assert response.status_code == 200, response.text
    return response.json()["total"]


# --- The three silent wrong answers the strict query string ends -------------------------


async def test_contacts_export_with_an_unknown_filter_exports_nothing(client):
    busan = await make_city(client, name="Busan", country_code="KR")
    await make_contact(client, full_name="Kim Min-jun", city_id=busan["id"])
    await make_contact(client, full_name="John Smith")
    before = await audit_total(client)

    response = await client.get("/api/v1/contacts/export", params={"country": "KR"})

    assert unknown_parameters(response) == ["country"]
    assert "country_code" in accepted_in(response) and "format" in accepted_in(response)
    assert "Content-Disposition" not in response.headers
    assert await audit_total(client) == before  # no export was recorded: none was made
    # The parameter the export does declare still filters.
    response = await client.get("/api/v1/contacts/export", params={"country_code": "KR"})
    assert response.status_code == 200
    assert "Kim Min-jun" in response.text and "John Smith" not in response.text


async def test_invitation_export_with_an_unknown_filter_exports_nothing(client):
    event = await make_event(client)
    contact = await make_contact(client, email="kadri@example.org")
    await invite(client, event["id"], contact["id"])
    before = await audit_total(client)

    response = await client.get(
        f"/api/v1/events/{event['id']}/invitations/export", params={"state": "planned"}
    )

    assert unknown_parameters(response) == ["state"]
    assert {"format", "status", "send_on_before", "q"} <= accepted_in(response)
    assert await audit_total(client) == before
    assert "Content-Disposition" not in response.headers


async def test_bulk_invite_with_dry_run_in_the_query_string_writes_nothing(client):
    event = await make_event(client)
    ids = [
        (await make_contact(client, full_name=name, email=f"{name[:4].lower()}@example.org"))["id"]
        for name in ("Anna Berg", "Boris Lee")
    ]
    url = f"/api/v1/events/{event['id']}/invitations/bulk"
    body = {"send_on": "2025-02-01", "contact_ids": ids}
    before = await audit_total(client)

    response = await client.post(url, params={"dry_run": "true"}, json=body)

    assert unknown_parameters(response) == ["dry_run"]
    assert "takes no query parameters" in response.json()["detail"]
    assert await listed(client, f"events/{event['id']}/invitations") == []
    assert await audit_total(client) == before
    # dry_run belongs in the body, where it is honoured ...
    response = await client.post(url, json={**body, "dry_run": True})
    assert response.status_code == 200, response.text
    assert response.json()["dry_run"] is True and len(response.json()["invitations"]) == 2
    assert await listed(client, f"events/{event['id']}/invitations") == []
    # ... and without it the same body writes: the refused request would have.
    response = await client.post(url, json=body)
    assert response.status_code == 200, response.text
    assert len(await listed(client, f"events/{event['id']}/invitations")) == 2


# --- Every endpoint ----------------------------------------------------------------------


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


async def test_every_endpoint_refuses_an_unknown_query_parameter(app, admin):
    """GET and POST alike, before anything is read or written; the refusal lists exactly the
    parameters the OpenAPI document gives the operation."""
    operations = [
        (method.upper(), path, operation)
        for path, item in app.openapi()["paths"].items()
        for method, operation in item.items()
    ]
    assert len(operations) > 40
    assert {method for method, _, _ in operations} >= {"GET", "POST", "PATCH", "DELETE"}
    before = await audit_total(admin)
    for method, path, operation in operations:
        response = await admin.request(method, _concrete(path), params={UNKNOWN: "1"})
        assert unknown_parameters(response) == [UNKNOWN], (method, path)
        documented = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
        assert accepted_in(response) == documented, (method, path)
    assert await audit_total(admin) == before


async def test_the_token_route_refuses_an_unknown_query_parameter(anon):
    response = await anon.post(
        "/api/v1/auth/token",
        params={"grant": "admin"},
        data={"username": "admin", "password": "correct-horse-battery"},
    )
    assert unknown_parameters(response) == ["grant"]
    assert "access_token" not in response.text


async def test_every_unknown_parameter_is_named_once(client):
    response = await client.get(
        "/api/v1/contacts", params=[("contry", "KR"), ("limit", "5"), ("cty", "1"), ("cty", "2")]
    )
    assert unknown_parameters(response) == ["contry", "cty"]
    detail = response.json()["detail"]
    assert "'contry', 'cty'" in detail and "country_code" in detail and "limit" in detail


async def test_declared_parameters_and_aliases_still_pass(client):
    await make_city(client, name="Busan", country_code="KR")
    checks: list[tuple[str, Any]] = [
        ("/api/v1/cities", {"country_code": "kr", "limit": 5, "offset": 0, "sort": "-name"}),
        ("/api/v1/cities", {"q": "", "include_archived": "false"}),
        ("/api/v1/reports/engagement", {"from": "2025-01-01", "to": "2025-12-31"}),
        (
            "/api/v1/reports/dormant-partners",
            [("kind", "sister_city"), ("kind", "cooperation_agreement")],
        ),
        ("/api/v1/search", {"q": "busan", "limit": 3}),
        ("/api/v1/contacts/export", {"format": "vcf", "country_code": "KR"}),
    ]
    for path, params in checks:
        response = await client.get(path, params=params)
        assert response.status_code == 200, (path, response.text)


async def test_parameters_a_list_used_to_ignore_are_refused(client):
    contact = await make_contact(client)
    response = await client.get(
        f"/api/v1/contacts/{contact['id']}/timeline", params={"sort": "occurred_on"}
    )
    assert unknown_parameters(response) == ["sort"]
    assert accepted_in(response) == {"limit", "offset"}
    response = await client.get("/api/v1/audit", params={"q": "kadri"})
    assert unknown_parameters(response) == ["q"]


# --- One filter model per list -----------------------------------------------------------


def _query_names(app, path: str) -> set[str]:
    operation = app.openapi()["paths"][path]["get"]
    return {p["name"] for p in operation["parameters"] if p["in"] == "query"}


def test_an_export_takes_the_filters_of_its_list(app):
    paging = {"limit", "offset", "sort"}
    for listed_at, exported_at in (
        ("/api/v1/contacts", "/api/v1/contacts/export"),
        ("/api/v1/events/{event_id}/invitations", "/api/v1/events/{event_id}/invitations/export"),
    ):
        assert _query_names(app, listed_at) - paging == _query_names(app, exported_at) - {"format"}


async def test_the_invitation_export_applies_the_list_filters(client):
    event = await make_event(client)
    soon = (await make_contact(client, full_name="Anna Soon"))["id"]
    later = (await make_contact(client, full_name="Boris Later"))["id"]
    await invite(client, event["id"], soon, send_on="2025-02-01")
    await invite(client, event["id"], later, send_on="2025-03-01")
    url = f"/api/v1/events/{event['id']}/invitations"
    for params, names in (
        ({"send_on_before": "2025-02-15"}, ["Anna Soon"]),
        ({"send_on_after": "2025-02-15"}, ["Boris Later"]),
        ({"q": "boris"}, ["Boris Later"]),
        ({}, ["Anna Soon", "Boris Later"]),
    ):
        shown = [
            i["full_name"] for i in await listed(client, url.removeprefix("/api/v1/"), **params)
        ]
        response = await client.get(f"{url}/export", params=params)
        assert response.status_code == 200, response.text
        exported = [row[1] for row in csv_rows(response.content)[1:]]
        assert shown == exported == names, params
    entries = await audit_entries(client, "invitation", entity_id=event["id"])
    exports = [e["changes"] for e in entries if e["action"] == "export"]
    assert {"format": "csv", "filters": {"q": "boris"}, "rows": 1} in exports


def test_a_filter_model_refuses_an_unknown_filter():
    with pytest.raises(ValidationError, match="country"):
        ContactFilters(country="KR")  # type: ignore[call-arg]  # the mistake under test
    assert ContactFilters(country_code="kr", q="").model_dump(exclude_defaults=True) == {
        "country_code": "KR"
    }


async def test_a_filter_error_names_the_parameter(client):
    response = await client.get("/api/v1/contacts", params={"country_code": "XX"})
    body = assert_problem(response, 422, "validation-error")
    assert body["errors"][0]["parameter"] == "country_code"
    assert body["errors"][0]["in"] == "query"


# --- sort: an enum per list --------------------------------------------------------------

SORTED_LISTS = {
    "/api/v1/cities": cities_service.SORTABLE,
    "/api/v1/partnerships": partnerships_service.SORTABLE,
    "/api/v1/organizations": organizations_service.SORTABLE,
    "/api/v1/contacts": contacts_service.SORTABLE,
    "/api/v1/interactions": interactions_service.SORTABLE,
    "/api/v1/follow-ups": follow_ups_service.SORTABLE,
    "/api/v1/events": events_service.SORTABLE,
    "/api/v1/invitations": invitations_service.SORTABLE,
    "/api/v1/events/{event_id}/invitations": invitations_service.SORTABLE,
    "/api/v1/audit": audit_service.SORTABLE,
    "/api/v1/users": auth_service.USER_SORTABLE,
}


def _sort_enum(app, path: str) -> list[str]:
    parameters = app.openapi()["paths"][path]["get"]["parameters"]
    (sort,) = [p for p in parameters if p["name"] == "sort"]
    # An optional parameter is documented without null (a client would send the text "null")
    assert sort["required"] is False and "anyOf" not in sort["schema"], sort
    assert sort["schema"]["type"] == "string"
    return sort["schema"]["enum"]


def test_sort_is_an_enum_of_the_list_fields(app):
    for path, sortable in SORTED_LISTS.items():
        expected = {form for name in sortable for form in (name, f"-{name}")}
        enum = _sort_enum(app, path)
        assert set(enum) == expected and len(enum) == len(expected), path


async def test_every_sort_value_the_document_offers_works(app, admin):
    await make_city(admin, name="Busan", country_code="KR")
    event = await make_event(admin)
    for path, _sortable in SORTED_LISTS.items():
        url = path.replace("{event_id}", str(event["id"]))
        for value in _sort_enum(app, path):
            response = await admin.get(url, params={"sort": value})
            assert response.status_code == 200, (path, value, response.text)


async def test_a_bad_sort_value_is_a_clear_422(client):
    for value in ("nope", "+name", "--name", "-"):
        response = await client.get("/api/v1/cities", params={"sort": value})
        body = assert_problem(response, 422, "validation-error")
        assert [(e["parameter"], e["in"]) for e in body["errors"]] == [("sort", "query")]
        assert "cannot sort by" in body["detail"] and "country_code" in body["detail"]
