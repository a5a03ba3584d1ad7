from tests.factories import make_city, make_contact, make_interaction, make_organization
from tests.problems import PROBLEM_JSON
from tests.problems import pointers as _pointers


async def _ids(client, **params) -> list[int]:
    response = await client.get("/api/v1/interactions", params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == len(body["items"])
    return [i["id"] for i in body["items"]]


async def test_create_read_update_archive_restore(client):
    taipei = await make_city(client, name="Taipei", country_code="TW")
    busan = await make_city(client, name="Busan", country_code="KR")
    metropolis = await make_organization(client)
    kim = await make_contact(client, full_name="Kim Min-jun", city_id=busan["id"])

    response = await client.post(
        "/api/v1/interactions",
        json={
            "kind": "meeting",
            "occurred_on": "2024-11-18",
            "title": "Metropolis course, Barcelona",
            "summary": "Met the Busan delegate.",
            "location": "Barcelona",
            "contact_ids": [kim["id"]],
            "city_ids": [taipei["id"]],
            "organization_ids": [metropolis["id"]],
            "tags": ["course"],
        },
    )
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["kind"] == "meeting" and created["occurred_on"] == "2024-11-18"
    assert created["contact_ids"] == [kim["id"]]
    assert created["organization_ids"] == [metropolis["id"]]
    # The contact's city is linked too.
    assert sorted(created["city_ids"]) == sorted([taipei["id"], busan["id"]])
    assert created["version"] == 1 and created["archived_at"] is None
    assert response.headers["location"].endswith(f"/api/v1/interactions/{created['id']}")
    assert response.headers["etag"] == '"1"'

    assert created.pop("follow_up") is None  # none was asked for

    response = await client.get(f"/api/v1/interactions/{created['id']}")
    assert response.status_code == 200
    assert response.json() == created

    response = await client.patch(
        f"/api/v1/interactions/{created['id']}",
        json={"title": "Metropolis course", "kind": "conference"},
        headers={"If-Match": '"1"'},
    )
    assert response.status_code == 200, response.text
    updated = response.json()
    assert updated["title"] == "Metropolis course" and updated["kind"] == "conference"
    assert sorted(updated["city_ids"]) == sorted([taipei["id"], busan["id"]])
    assert response.headers["etag"] == '"2"'

    response = await client.delete(f"/api/v1/interactions/{created['id']}")
    assert response.status_code == 200
    assert response.json()["archived_at"] is not None
    assert await _ids(client) == []
    assert await _ids(client, include_archived=True) == [created["id"]]

    response = await client.post(f"/api/v1/interactions/{created['id']}/restore")
    assert response.status_code == 200
    assert response.json()["archived_at"] is None
    assert await _ids(client) == [created["id"]]


async def test_contact_city_duplicates_are_not_repeated(client):
    busan = await make_city(client, name="Busan", country_code="KR")
    kim = await make_contact(client, full_name="Kim", city_id=busan["id"])
    lee = await make_contact(client, full_name="Lee", city_id=busan["id"])
    interaction = await make_interaction(
        client, contact_ids=[kim["id"], lee["id"]], city_ids=[busan["id"]]
    )
    assert interaction["city_ids"] == [busan["id"]]
    assert interaction["contact_ids"] == [kim["id"], lee["id"]]


async def test_patch_contact_ids_re_resolves_cities(client):
    taipei = await make_city(client, name="Taipei", country_code="TW")
    busan = await make_city(client, name="Busan", country_code="KR")
    tallinn = await make_city(client, name="Tallinn", country_code="EE")
    kim = await make_contact(client, full_name="Kim", city_id=busan["id"])
    kadri = await make_contact(client, full_name="Kadri", city_id=tallinn["id"])
    interaction = await make_interaction(client, contact_ids=[kim["id"]], city_ids=[taipei["id"]])
    assert sorted(interaction["city_ids"]) == sorted([taipei["id"], busan["id"]])

    response = await client.patch(
        f"/api/v1/interactions/{interaction['id']}", json={"contact_ids": [kadri["id"]]}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["contact_ids"] == [kadri["id"]]
    # The directly named city stays; Busan (only via Kim) leaves; Tallinn (via Kadri) joins.
    assert sorted(body["city_ids"]) == sorted([taipei["id"], tallinn["id"]])
    read = (await client.get(f"/api/v1/interactions/{interaction['id']}")).json()
    assert sorted(read["city_ids"]) == sorted([taipei["id"], tallinn["id"]])

    assert await _ids(client, city_id=busan["id"]) == []
    assert await _ids(client, city_id=tallinn["id"]) == [interaction["id"]]
    assert await _ids(client, city_id=taipei["id"]) == [interaction["id"]]
    assert await _ids(client, contact_id=kim["id"]) == []
    assert await _ids(client, contact_id=kadri["id"]) == [interaction["id"]]

    response = await client.patch(
        f"/api/v1/interactions/{interaction['id']}", json={"contact_ids": []}
    )
    assert response.status_code == 200, response.text
    assert response.json()["city_ids"] == [taipei["id"]]
    assert await _ids(client, city_id=tallinn["id"]) == []


async def test_patch_city_ids_keeps_contact_cities(client):
    taipei = await make_city(client, name="Taipei", country_code="TW")
    houston = await make_city(client, name="Houston", country_code="US")
    busan = await make_city(client, name="Busan", country_code="KR")
    kim = await make_contact(client, full_name="Kim", city_id=busan["id"])
    interaction = await make_interaction(client, contact_ids=[kim["id"]], city_ids=[taipei["id"]])

    response = await client.patch(
        f"/api/v1/interactions/{interaction['id']}", json={"city_ids": [houston["id"]]}
    )
    assert response.status_code == 200, response.text
    assert sorted(response.json()["city_ids"]) == sorted([houston["id"], busan["id"]])
    assert await _ids(client, city_id=taipei["id"]) == []
    assert await _ids(client, city_id=houston["id"]) == [interaction["id"]]
    assert await _ids(client, city_id=busan["id"]) == [interaction["id"]]


async def test_patch_occurred_on_keeps_links_and_moves_date(client):
    busan = await make_city(client, name="Busan", country_code="KR")
    kim = await make_contact(client, full_name="Kim", city_id=busan["id"])
    interaction = await make_interaction(client, contact_ids=[kim["id"]], occurred_on="2024-01-10")
    response = await client.patch(
        f"/api/v1/interactions/{interaction['id']}", json={"occurred_on": "2025-03-01"}
    )
    assert response.status_code == 200, response.text
    assert response.json()["city_ids"] == [busan["id"]]
    assert response.json()["contact_ids"] == [kim["id"]]
    assert await _ids(client, city_id=busan["id"], occurred_from="2025-01-01") == [
        interaction["id"]
    ]
    assert await _ids(client, contact_id=kim["id"], occurred_to="2024-12-31") == []


async def test_list_filters(client):
    taipei = await make_city(client, name="Taipei", country_code="TW")
    busan = await make_city(client, name="Busan", country_code="KR")
    houston = await make_city(client, name="Houston", country_code="US")
    metropolis = await make_organization(client, name="Metropolis")
    uclg = await make_organization(client, name="UCLG")
    kim = await make_contact(client, full_name="Kim", city_id=busan["id"])
    jane = await make_contact(client, full_name="Jane", city_id=houston["id"])

    course = await make_interaction(
        client,
        kind="conference",
        occurred_on="2024-11-18",
        title="Metropolis course",
        contact_ids=[kim["id"]],
        organization_ids=[metropolis["id"]],
    )
    call = await make_interaction(
        client,
        kind="call",
        occurred_on="2024-12-01",
        title="Follow-up call",
        contact_ids=[jane["id"]],
        city_ids=[taipei["id"]],
    )
    visit = await make_interaction(
        client,
        kind="visit_inbound",
        occurred_on="2025-02-14",
        title="Delegation visit",
        city_ids=[busan["id"]],
        organization_ids=[uclg["id"]],
    )

    # Default order: newest first.
    assert await _ids(client) == [visit["id"], call["id"], course["id"]]
    # Busan is named directly by the visit and reached only through Kim for the course.
    assert await _ids(client, city_id=busan["id"]) == [visit["id"], course["id"]]
    assert await _ids(client, city_id=houston["id"]) == [call["id"]]
    assert await _ids(client, city_id=taipei["id"]) == [call["id"]]
    assert await _ids(client, contact_id=kim["id"]) == [course["id"]]
    assert await _ids(client, contact_id=jane["id"]) == [call["id"]]
    assert await _ids(client, organization_id=metropolis["id"]) == [course["id"]]
    assert await _ids(client, organization_id=uclg["id"]) == [visit["id"]]
    assert await _ids(client, kind="call") == [call["id"]]
    assert await _ids(client, kind="email") == []
    # Both ends of the date range are inclusive.
    assert await _ids(client, occurred_from="2024-12-01") == [visit["id"], call["id"]]
    assert await _ids(client, occurred_to="2024-12-01") == [call["id"], course["id"]]
    assert await _ids(client, occurred_from="2024-11-18", occurred_to="2024-11-18") == [
        course["id"]
    ]
    assert await _ids(client, occurred_from="2024-11-19", occurred_to="2024-11-30") == []
    assert await _ids(client, city_id=busan["id"], kind="conference") == [course["id"]]
    assert await _ids(client, sort="occurred_on") == [course["id"], call["id"], visit["id"]]

    page = (await client.get("/api/v1/interactions", params={"limit": 1, "offset": 1})).json()
    assert [i["id"] for i in page["items"]] == [call["id"]] and page["total"] == 3


async def test_default_order_breaks_ties_newest_created_first(client):
    first = await make_interaction(client, occurred_on="2024-05-01", title="First")
    second = await make_interaction(client, occurred_on="2024-05-01", title="Second")
    older = await make_interaction(client, occurred_on="2023-05-01", title="Older")
    assert await _ids(client) == [second["id"], first["id"], older["id"]]


async def test_invalid_filters_are_422(client):
    for params in (
        {"kind": "picnic"},
        {"occurred_from": "yesterday"},
        {"occurred_from": "2024-02-30"},
        {"occurred_from": "2025-01-01", "occurred_to": "2024-01-01"},
        {"city_id": "x"},
        {"sort": "nope"},
        {"limit": 201},
    ):
        response = await client.get("/api/v1/interactions", params=params)
        assert response.status_code == 422, params
        assert response.headers["content-type"] == PROBLEM_JSON


async def test_missing_or_archived_contact_is_422_on_contact_ids(client):
    response = await client.post(
        "/api/v1/interactions",
        json={"kind": "call", "occurred_on": "2024-01-01", "title": "T", "contact_ids": [999999]},
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM_JSON
    assert _pointers(response) == {"/contact_ids"}
    assert "999999" in response.json()["detail"]

    kim = await make_contact(client, full_name="Kim")
    lee = await make_contact(client, full_name="Lee")
    await client.delete(f"/api/v1/contacts/{lee['id']}")
    response = await client.post(
        "/api/v1/interactions",
        json={
            "kind": "call",
            "occurred_on": "2024-01-01",
            "title": "T",
            "contact_ids": [kim["id"], lee["id"]],
        },
    )
    assert response.status_code == 422
    assert _pointers(response) == {"/contact_ids"}
    assert await _ids(client, include_archived=True) == []

    interaction = await make_interaction(client, contact_ids=[kim["id"]])
    response = await client.patch(
        f"/api/v1/interactions/{interaction['id']}", json={"contact_ids": [kim["id"], lee["id"]]}
    )
    assert response.status_code == 422
    assert _pointers(response) == {"/contact_ids"}
    read = (await client.get(f"/api/v1/interactions/{interaction['id']}")).json()
    assert read["contact_ids"] == [kim["id"]] and read["version"] == 1


async def test_links_archived_later_do_not_block_edits(client):
    busan = await make_city(client, name="Busan", country_code="KR")
    kim = await make_contact(client, full_name="Kim", city_id=busan["id"])
    lee = await make_contact(client, full_name="Lee")
    interaction = await make_interaction(client, contact_ids=[kim["id"]])
    await client.delete(f"/api/v1/contacts/{kim['id']}")
    path = f"/api/v1/interactions/{interaction['id']}"

    response = await client.patch(path, json={"occurred_on": "2023-06-01", "title": "Moved"})
    assert response.status_code == 200, response.text
    assert response.json()["contact_ids"] == [kim["id"]]
    assert response.json()["city_ids"] == [busan["id"]]
    response = await client.patch(path, json={"contact_ids": [kim["id"], lee["id"]]})
    assert response.status_code == 200, response.text
    assert response.json()["contact_ids"] == [kim["id"], lee["id"]]
    assert await _ids(client, contact_id=lee["id"]) == [interaction["id"]]


async def test_missing_city_or_organization_is_422_naming_the_field(client):
    for field in ("city_ids", "organization_ids"):
        response = await client.post(
            "/api/v1/interactions",
            json={"kind": "call", "occurred_on": "2024-01-01", "title": "T", field: [999999]},
        )
        assert response.status_code == 422, field
        assert _pointers(response) == {f"/{field}"}
    city = await make_city(client)
    await client.delete(f"/api/v1/cities/{city['id']}")
    response = await client.post(
        "/api/v1/interactions",
        json={"kind": "call", "occurred_on": "2024-01-01", "title": "T", "city_ids": [city["id"]]},
    )
    assert response.status_code == 422
    assert _pointers(response) == {"/city_ids"}
    assert await _ids(client, include_archived=True) == []


async def test_body_validation(client):
    cases = [
        {"kind": "picnic", "occurred_on": "2024-01-01", "title": "T"},
        {"kind": "call", "occurred_on": "not a date", "title": "T"},
        {"kind": "call", "occurred_on": "2024-01-01", "title": ""},
        {"kind": "call", "occurred_on": "2024-01-01", "title": "t" * 301},
        {"kind": "call", "occurred_on": "2024-01-01", "title": "T", "contact_ids": [0]},
        {"kind": "call", "occurred_on": "2024-01-01", "title": "T", "contact_ids": ["a"]},
        {"kind": "call", "occurred_on": "2024-01-01"},
        {"kind": "call", "occurred_on": "2024-01-01", "title": "T", "unknown": 1},
    ]
    for body in cases:
        response = await client.post("/api/v1/interactions", json=body)
        assert response.status_code == 422, body
    interaction = await make_interaction(client)
    for body in ({"title": None}, {"occurred_on": None}, {"contact_ids": None}, {"kind": None}):
        response = await client.patch(f"/api/v1/interactions/{interaction['id']}", json=body)
        assert response.status_code == 422, body
    assert (await client.get(f"/api/v1/interactions/{interaction['id']}")).json()["version"] == 1


async def test_stale_if_match_is_412_and_changes_nothing(client):
    interaction = await make_interaction(client, title="Original")
    path = f"/api/v1/interactions/{interaction['id']}"
    response = await client.patch(path, json={"title": "Second"}, headers={"If-Match": '"1"'})
    assert response.status_code == 200
    assert response.headers["etag"] == '"2"'

    response = await client.patch(path, json={"title": "Stale"}, headers={"If-Match": '"1"'})
    assert response.status_code == 412
    assert response.headers["content-type"] == PROBLEM_JSON
    read = await client.get(path)
    assert read.json()["title"] == "Second" and read.headers["etag"] == '"2"'

    response = await client.delete(path, headers={"If-Match": '"1"'})
    assert response.status_code == 412
    read = (await client.get(path)).json()
    assert read["archived_at"] is None and read["version"] == 2

    response = await client.delete(path, headers={"If-Match": '"2"'})
    assert response.status_code == 200
    assert response.headers["etag"] == '"3"'

    response = await client.post(f"{path}/restore", headers={"If-Match": '"2"'})
    assert response.status_code == 412
    read = (await client.get(path)).json()
    assert read["archived_at"] is not None and read["version"] == 3

    response = await client.post(f"{path}/restore", headers={"If-Match": 'W/"3"'})
    assert response.status_code == 200
    assert response.json()["archived_at"] is None


async def test_unknown_interaction_is_404(client):
    for method, path in (
        ("GET", "/api/v1/interactions/999999"),
        ("PATCH", "/api/v1/interactions/999999"),
        ("DELETE", "/api/v1/interactions/999999"),
        ("POST", "/api/v1/interactions/999999/restore"),
    ):
        kwargs = {"json": {"title": "x"}} if method == "PATCH" else {}
        response = await client.request(method, path, **kwargs)
        assert response.status_code == 404, (method, path)
        assert response.headers["content-type"] == PROBLEM_JSON
