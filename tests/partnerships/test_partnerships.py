from tests.factories import make_city, make_partnership
from tests.problems import assert_field_error, assert_problem


async def test_create_read_update_archive_restore(client):
    houston = await make_city(client)
    response = await client.post(
        "/api/v1/partnerships",
        json={
            "city_id": houston["id"],
            "kind": "sister_city",
            "signed_on": "1961-06-15",
            "notes": "Taipei's first sister-city agreement.",
        },
    )
    assert response.status_code == 201, response.text
    partnership = response.json()
    assert partnership["city_id"] == houston["id"]
    assert partnership["kind"] == "sister_city"
    assert partnership["signed_on"] == "1961-06-15"
    assert partnership["status"] == "active"  # the default
    assert partnership["version"] == 1 and partnership["archived_at"] is None
    assert response.headers["location"].endswith(f"/api/v1/partnerships/{partnership['id']}")
    assert response.headers["etag"] == '"1"'

    response = await client.get(f"/api/v1/partnerships/{partnership['id']}")
    assert response.status_code == 200
    assert response.json() == partnership
    assert response.headers["etag"] == '"1"'

    response = await client.patch(
        f"/api/v1/partnerships/{partnership['id']}",
        json={"status": "suspended"},
        headers={"If-Match": '"1"'},
    )
    assert response.status_code == 200, response.text
    updated = response.json()
    assert updated["status"] == "suspended"
    assert updated["version"] == 2
    assert response.headers["etag"] == '"2"'

    response = await client.delete(f"/api/v1/partnerships/{partnership['id']}")
    assert response.status_code == 200, response.text
    assert response.json()["archived_at"] is not None
    assert (await client.get("/api/v1/partnerships")).json()["total"] == 0
    listed = (await client.get("/api/v1/partnerships", params={"include_archived": True})).json()
    assert [p["id"] for p in listed["items"]] == [partnership["id"]]
    # An archived record can still be read by id.
    response = await client.get(f"/api/v1/partnerships/{partnership['id']}")
    assert response.status_code == 200
    assert response.json()["archived_at"] is not None

    response = await client.post(f"/api/v1/partnerships/{partnership['id']}/restore")
    assert response.status_code == 200, response.text
    assert response.json()["archived_at"] is None
    listed = (await client.get("/api/v1/partnerships")).json()
    assert [p["id"] for p in listed["items"]] == [partnership["id"]]


async def test_patch_changes_only_the_fields_sent(client):
    houston = await make_city(client)
    partnership = await make_partnership(
        client, houston["id"], notes="Signed at City Hall", status="active"
    )
    url = f"/api/v1/partnerships/{partnership['id']}"

    response = await client.patch(url, json={"kind": "friendship_city"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["kind"] == "friendship_city"
    assert body["signed_on"] == "1961-06-15"
    assert body["notes"] == "Signed at City Hall"
    assert body["status"] == "active"
    assert body["city_id"] == houston["id"]

    # An optional field sent as null is cleared; the others stay.
    response = await client.patch(url, json={"signed_on": None})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["signed_on"] is None
    assert body["notes"] == "Signed at City Hall"
    assert body["kind"] == "friendship_city"

    # A required field cannot be emptied.
    response = await client.patch(url, json={"kind": None})
    assert_field_error(response, "kind")
    assert_field_error(await client.patch(url, json={"status": None}), "status")
    assert_field_error(await client.patch(url, json={"city_id": None}), "city_id")
    assert (await client.get(url)).json()["kind"] == "friendship_city"

    # Moving it to another city works.
    austin = await make_city(client, name="Austin")
    response = await client.patch(url, json={"city_id": austin["id"]})
    assert response.status_code == 200, response.text
    assert response.json()["city_id"] == austin["id"]


async def test_patch_without_changes_keeps_the_version(client):
    houston = await make_city(client)
    partnership = await make_partnership(client, houston["id"])
    response = await client.patch(
        f"/api/v1/partnerships/{partnership['id']}", json={"kind": "sister_city"}
    )
    assert response.status_code == 200
    assert response.json()["version"] == 1
    assert response.headers["etag"] == '"1"'


async def test_list_filters_by_city_kind_and_status(client):
    houston = await make_city(client, name="Houston")
    busan = await make_city(client, name="Busan", country_code="KR")
    sister = await make_partnership(client, houston["id"], signed_on="1961-06-15")
    friendship = await make_partnership(
        client, busan["id"], kind="friendship_city", signed_on="2010-03-01"
    )
    ended = await make_partnership(
        client,
        houston["id"],
        kind="cooperation_agreement",
        status="ended",
        signed_on="1999-01-01",
    )

    async def ids(**params):
        response = await client.get("/api/v1/partnerships", params=params)
        assert response.status_code == 200, response.text
        page = response.json()
        assert page["total"] == len(page["items"])
        return [p["id"] for p in page["items"]]

    # Newest signing first by default.
    assert await ids() == [friendship["id"], ended["id"], sister["id"]]
    assert await ids(city_id=houston["id"]) == [ended["id"], sister["id"]]
    assert await ids(city_id=busan["id"]) == [friendship["id"]]
    assert await ids(kind="sister_city") == [sister["id"]]
    assert await ids(kind="friendship_city") == [friendship["id"]]
    assert await ids(status="ended") == [ended["id"]]
    assert await ids(status="active") == [friendship["id"], sister["id"]]
    assert await ids(status="suspended") == []
    assert await ids(city_id=houston["id"], status="active") == [sister["id"]]
    assert await ids(city_id=houston["id"], kind="friendship_city") == []

    page = (await client.get("/api/v1/partnerships", params={"limit": 1, "offset": 1})).json()
    assert [p["id"] for p in page["items"]] == [ended["id"]]
    assert page["total"] == 3 and page["limit"] == 1 and page["offset"] == 1


async def test_unknown_filter_values_are_refused(client):
    response = await client.get("/api/v1/partnerships", params={"kind": "twin_town"})
    body = assert_problem(response, 422, "validation-error")
    assert body["errors"][0]["parameter"] == "kind"
    response = await client.get("/api/v1/partnerships", params={"status": "dormant"})
    assert_problem(response, 422, "validation-error")


async def test_missing_city_is_refused(client):
    response = await client.post(
        "/api/v1/partnerships", json={"city_id": 999_999, "kind": "sister_city"}
    )
    body = assert_field_error(response, "city_id")
    assert "999999" in body["detail"]
    assert (await client.get("/api/v1/partnerships")).json()["total"] == 0


async def test_archived_city_is_refused(client):
    houston = await make_city(client)
    partnership = await make_partnership(client, houston["id"])
    austin = await make_city(client, name="Austin")
    assert (await client.delete(f"/api/v1/cities/{austin['id']}")).status_code == 200

    response = await client.post(
        "/api/v1/partnerships", json={"city_id": austin["id"], "kind": "sister_city"}
    )
    body = assert_field_error(response, "city_id")
    assert "archived" in body["detail"]

    response = await client.patch(
        f"/api/v1/partnerships/{partnership['id']}", json={"city_id": austin["id"]}
    )
    assert_field_error(response, "city_id")
    response = await client.patch(
        f"/api/v1/partnerships/{partnership['id']}", json={"city_id": 999_999}
    )
    assert_field_error(response, "city_id")
    assert (await client.get(f"/api/v1/partnerships/{partnership['id']}")).json()[
        "city_id"
    ] == houston["id"]


async def test_a_partnership_with_the_home_city_is_refused(client):
    taipei = await make_city(client, name="Taipei", country_code="TW")
    response = await client.post(
        "/api/v1/partnerships", json={"city_id": taipei["id"], "kind": "sister_city"}
    )
    body = assert_field_error(response, "city_id")
    assert "home city" in body["detail"]
    assert (await client.get("/api/v1/partnerships")).json()["total"] == 0

    # Nor can an existing partnership be moved to it.
    houston = await make_city(client)
    partnership = await make_partnership(client, houston["id"])
    response = await client.patch(
        f"/api/v1/partnerships/{partnership['id']}", json={"city_id": taipei["id"]}
    )
    assert_field_error(response, "city_id")


async def test_the_home_city_is_recognised_whatever_the_case(client):
    taipei = await make_city(client, name="TAIPEI", country_code="TW")
    response = await client.post(
        "/api/v1/partnerships", json={"city_id": taipei["id"], "kind": "friendship_city"}
    )
    assert_field_error(response, "city_id")


async def test_invalid_bodies_are_refused(client):
    houston = await make_city(client)
    cases = [
        ({"city_id": houston["id"], "kind": "twin_town"}, "/kind"),
        ({"city_id": houston["id"], "kind": "sister_city", "status": "paused"}, "/status"),
        (
            {"city_id": houston["id"], "kind": "sister_city", "signed_on": "15/06/1961"},
            "/signed_on",
        ),
        ({"kind": "sister_city"}, "/city_id"),
        ({"city_id": 0, "kind": "sister_city"}, "/city_id"),
        ({"city_id": houston["id"], "kind": "sister_city", "home": "Taipei"}, "/home"),
    ]
    for body, pointer in cases:
        response = await client.post("/api/v1/partnerships", json=body)
        problem = assert_problem(response, 422, "validation-error")
        assert pointer in {e["pointer"] for e in problem["errors"]}, body
    assert (await client.get("/api/v1/partnerships")).json()["total"] == 0


async def test_stale_if_match_is_refused(client):
    houston = await make_city(client)
    partnership = await make_partnership(client, houston["id"])
    url = f"/api/v1/partnerships/{partnership['id']}"
    assert (await client.patch(url, json={"notes": "First edit"})).status_code == 200

    response = await client.patch(url, json={"notes": "Lost update"}, headers={"If-Match": '"1"'})
    body = assert_problem(response, 412, "precondition-failed")
    assert body["current_etag"] == '"2"'
    assert (await client.get(url)).json()["notes"] == "First edit"

    response = await client.delete(url, headers={"If-Match": '"1"'})
    assert_problem(response, 412, "precondition-failed")
    assert (await client.get(url)).json()["archived_at"] is None

    # The current ETag, weak or strong, or "*" is accepted.
    response = await client.patch(url, json={"notes": "Second"}, headers={"If-Match": 'W/"2"'})
    assert response.status_code == 200, response.text
    assert response.headers["etag"] == '"3"'
    response = await client.delete(url, headers={"If-Match": '"3"'})
    assert response.status_code == 200, response.text
    version = response.json()["version"]

    response = await client.post(f"{url}/restore", headers={"If-Match": '"1"'})
    assert_problem(response, 412, "precondition-failed")
    assert (await client.get(url)).json()["archived_at"] is not None
    response = await client.post(f"{url}/restore", headers={"If-Match": f'"{version}"'})
    assert response.status_code == 200, response.text
    assert response.json()["archived_at"] is None
    response = await client.patch(url, json={"notes": "Any"}, headers={"If-Match": "*"})
    assert response.status_code == 200


async def test_unknown_partnership_is_404(client):
    for response in (
        await client.get("/api/v1/partnerships/999999"),
        await client.patch("/api/v1/partnerships/999999", json={"notes": "x"}),
        await client.delete("/api/v1/partnerships/999999"),
        await client.post("/api/v1/partnerships/999999/restore"),
    ):
        assert_problem(response, 404, "not-found")


async def test_viewer_reads_but_cannot_write(client, viewer, anon):
    houston = await make_city(client)
    partnership = await make_partnership(client, houston["id"])
    assert (await viewer.get(f"/api/v1/partnerships/{partnership['id']}")).status_code == 200
    response = await viewer.post(
        "/api/v1/partnerships", json={"city_id": houston["id"], "kind": "sister_city"}
    )
    assert_problem(response, 403, "forbidden")
    response = await viewer.patch(
        f"/api/v1/partnerships/{partnership['id']}", json={"status": "ended"}
    )
    assert_problem(response, 403, "forbidden")
    assert (await client.get(f"/api/v1/partnerships/{partnership['id']}")).json()[
        "status"
    ] == "active"
    response = await anon.get("/api/v1/partnerships")
    assert_problem(response, 401, "unauthorized")
