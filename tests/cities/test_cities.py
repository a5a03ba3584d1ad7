from tests.factories import make_city, make_partnership


async def test_create_read_update_archive_restore(client):
    response = await client.post(
        "/api/v1/cities",
        json={
            "name": "Johannesburg",
            "alternate_names": ["約翰尼斯堡", "Joburg"],
            "country_code": "za",
            "population": 5_600_000,
        },
    )
    assert response.status_code == 201, response.text
    city = response.json()
    assert city["country_code"] == "ZA"
    assert city["alternate_names"] == ["約翰尼斯堡", "Joburg"]
    assert city["version"] == 1 and city["archived_at"] is None
    assert response.headers["location"].endswith(f"/api/v1/cities/{city['id']}")
    assert response.headers["etag"] == '"1"'

    response = await client.get(f"/api/v1/cities/{city['id']}")
    assert response.status_code == 200
    assert response.json()["name"] == "Johannesburg"

    response = await client.patch(
        f"/api/v1/cities/{city['id']}", json={"region": "Gauteng"}, headers={"If-Match": '"1"'}
    )
    assert response.status_code == 200, response.text
    assert response.json()["region"] == "Gauteng"
    assert response.json()["population"] == 5_600_000
    assert response.headers["etag"] == '"2"'

    response = await client.delete(f"/api/v1/cities/{city['id']}")
    assert response.status_code == 200
    assert response.json()["archived_at"] is not None
    listed = (await client.get("/api/v1/cities")).json()
    assert listed["total"] == 0
    listed = (await client.get("/api/v1/cities", params={"include_archived": True})).json()
    assert [c["id"] for c in listed["items"]] == [city["id"]]

    response = await client.post(f"/api/v1/cities/{city['id']}/restore")
    assert response.status_code == 200
    assert response.json()["archived_at"] is None
    assert (await client.get("/api/v1/cities")).json()["total"] == 1


async def test_stale_if_match_is_refused_and_changes_nothing(client):
    city = await make_city(client)
    await client.patch(f"/api/v1/cities/{city['id']}", json={"region": "Texas"})
    response = await client.patch(
        f"/api/v1/cities/{city['id']}", json={"region": "Harris"}, headers={"If-Match": '"1"'}
    )
    assert response.status_code == 412
    assert response.headers["content-type"] == "application/problem+json"
    assert (await client.get(f"/api/v1/cities/{city['id']}")).json()["region"] == "Texas"
    response = await client.delete(f"/api/v1/cities/{city['id']}", headers={"If-Match": '"1"'})
    assert response.status_code == 412


async def test_validation_errors_are_problem_json(client):
    response = await client.post(
        "/api/v1/cities", json={"name": "X", "country_code": "XX", "population": -1}
    )
    assert response.status_code == 422
    body = response.json()
    assert body["status"] == 422 and body["title"] and body["type"]
    pointers = {e["pointer"] for e in body["errors"]}
    assert pointers == {"/country_code", "/population"}


async def test_unknown_and_server_fields_are_refused(client):
    for body in (
        {"name": "Busan", "contry_code": "KR"},
        {"name": "Busan", "id": 7},
        {"name": "Busan", "version": 3},
    ):
        response = await client.post("/api/v1/cities", json=body)
        assert response.status_code == 422, body


async def test_list_filters_sort_and_paging(client):
    houston = await make_city(client, name="Houston", country_code="US")
    await make_city(client, name="Busan", country_code="KR", alternate_names=["釜山"])
    await make_city(client, name="Austin", country_code="US")
    await make_partnership(client, houston["id"])

    page = (await client.get("/api/v1/cities", params={"country_code": "us"})).json()
    assert [c["name"] for c in page["items"]] == ["Austin", "Houston"]
    assert page["total"] == 2 and page["limit"] == 50 and page["offset"] == 0

    page = (await client.get("/api/v1/cities", params={"partnership_kind": "sister_city"})).json()
    assert [c["name"] for c in page["items"]] == ["Houston"]

    page = (await client.get("/api/v1/cities", params={"sort": "-name", "limit": 2})).json()
    assert [c["name"] for c in page["items"]] == ["Houston", "Busan"]
    assert page["total"] == 3

    page = (await client.get("/api/v1/cities", params={"q": "釜山"})).json()
    assert [c["name"] for c in page["items"]] == ["Busan"]

    assert (await client.get("/api/v1/cities", params={"limit": 201})).status_code == 422
    assert (await client.get("/api/v1/cities", params={"sort": "nope"})).status_code == 422
