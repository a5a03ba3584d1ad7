"""A NUL character anywhere (body, nested body, query, form) is a 422 naming where,
never a 500 from the database; a bad date says which format to use."""

import pytest

from tests.factories import make_city, make_contact
from tests.problems import assert_problem, pointers


async def test_a_nul_in_a_body_is_422_naming_each_place(client):
    response = await client.post(
        "/api/v1/cities",
        json={"name": "Tai\x00pei", "alternate_names": ["ok", "臺\x00北"], "country_code": "TW"},
    )
    body = assert_problem(response, 422, "validation-error")
    assert pointers(response) == {"/name", "/alternate_names/1"}
    assert "NUL" in body["detail"]
    assert (await client.get("/api/v1/cities")).json()["total"] == 0


async def test_a_nul_in_a_nested_body_or_a_patch_is_422(client):
    contact = await make_contact(client)
    response = await client.post(
        "/api/v1/interactions",
        json={
            "kind": "call",
            "occurred_on": "2025-01-01",
            "title": "Call",
            "contact_ids": [contact["id"]],
            "follow_up": {"title": "Send\x00 it", "due_on": "2025-02-01"},
        },
    )
    assert pointers(response) == {"/follow_up/title"}
    response = await client.patch(f"/api/v1/contacts/{contact['id']}", json={"notes": "\x00"})
    assert pointers(response) == {"/notes"}
    response = await client.patch(f"/api/v1/contacts/{contact['id']}", json={"tags": ["a\x00"]})
    assert pointers(response) == {"/tags/0"}


@pytest.mark.parametrize(
    "path",
    ["/api/v1/cities?q=tai%00pei", "/api/v1/search?q=%00", "/api/v1/contacts?tag=a%00"],
)
async def test_a_nul_in_a_query_is_422_naming_the_parameter(client, path):
    response = await client.get(path)
    body = assert_problem(response, 422, "validation-error")
    [error] = body["errors"]
    assert error["in"] == "query" and error["parameter"] in {"q", "tag"}


async def test_a_nul_in_a_form_is_422(anon):
    response = await anon.post(
        "/api/v1/auth/token", data={"username": "ad\x00min", "password": "x"}
    )
    body = assert_problem(response, 422)
    assert body["errors"] == [{"pointer": "/username", "detail": body["errors"][0]["detail"]}]


@pytest.mark.parametrize("bad", ["2025-13-01", "soon", "2025-1-1", "01/02/2025"])
async def test_a_bad_date_says_use_yyyy_mm_dd(client, bad):
    city = await make_city(client)
    response = await client.post(
        "/api/v1/partnerships",
        json={"city_id": city["id"], "kind": "sister_city", "signed_on": bad},
    )
    body = assert_problem(response, 422)
    [error] = body["errors"]
    assert error["pointer"] == "/signed_on"
    assert error["detail"] == f"'{bad}' is not a date; use YYYY-MM-DD"
    response = await client.get("/api/v1/reports/anniversaries", params={"as_of": bad})
    assert "use YYYY-MM-DD" in assert_problem(response, 422)["errors"][0]["detail"]
