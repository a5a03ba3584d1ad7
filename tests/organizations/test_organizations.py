from tests.factories import make_city, make_organization
from tests.problems import assert_field_error, assert_problem
from tests.reading import audit_entries


async def test_create_read_update_archive_restore(client):
    barcelona = await make_city(client, name="Barcelona", country_code="ES")
    response = await client.post(
        "/api/v1/organizations",
        json={
            "name": "Metropolis",
            "acronym": "Metropolis",
            "kind": "city_network",
            "website": "https://www.metropolis.org",
            "headquarters_city_id": barcelona["id"],
            "home_membership": "member",
            "member_since": "1999-01-01",
        },
    )
    assert response.status_code == 201, response.text
    organization = response.json()
    assert organization["name"] == "Metropolis"
    assert organization["kind"] == "city_network"
    assert organization["website"].startswith("https://www.metropolis.org")
    assert organization["headquarters_city_id"] == barcelona["id"]
    assert organization["home_membership"] == "member"
    assert organization["member_since"] == "1999-01-01"
    assert organization["version"] == 1 and organization["archived_at"] is None
    assert response.headers["location"].endswith(f"/api/v1/organizations/{organization['id']}")
    assert response.headers["etag"] == '"1"'

    url = f"/api/v1/organizations/{organization['id']}"
    response = await client.get(url)
    assert response.status_code == 200
    assert response.json() == organization

    response = await client.patch(url, json={"notes": "Founded 1985"}, headers={"If-Match": '"1"'})
    assert response.status_code == 200, response.text
    updated = response.json()
    assert updated["notes"] == "Founded 1985"
    assert updated["acronym"] == "Metropolis"  # untouched fields stay
    assert updated["headquarters_city_id"] == barcelona["id"]
    assert response.headers["etag"] == '"2"'

    response = await client.delete(url)
    assert response.status_code == 200
    assert response.json()["archived_at"] is not None
    assert (await client.get("/api/v1/organizations")).json()["total"] == 0
    listed = (await client.get("/api/v1/organizations", params={"include_archived": True})).json()
    assert [o["id"] for o in listed["items"]] == [organization["id"]]

    response = await client.post(f"{url}/restore")
    assert response.status_code == 200
    assert response.json()["archived_at"] is None
    assert (await client.get("/api/v1/organizations")).json()["total"] == 1


async def test_defaults(client):
    response = await client.post("/api/v1/organizations", json={"name": "Friends of Taipei"})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["kind"] == "other"
    assert body["home_membership"] == "none"
    assert body["acronym"] is None and body["website"] is None
    assert body["headquarters_city_id"] is None


async def test_website_must_be_an_http_url(client):
    for website in ("not a url", "www.example.org", "ftp://example.org", "javascript:alert(1)"):
        response = await client.post(
            "/api/v1/organizations", json={"name": "ICLEI", "website": website}
        )
        assert_field_error(response, "website")
    assert (await client.get("/api/v1/organizations")).json()["total"] == 0

    organization = await make_organization(client, website="https://iclei.org")
    assert organization["website"].rstrip("/") == "https://iclei.org"
    url = f"/api/v1/organizations/{organization['id']}"
    response = await client.patch(url, json={"website": "iclei dot org"})
    assert_field_error(response, "website")
    response = await client.patch(url, json={"website": "http://www.iclei.org/about"})
    assert response.status_code == 200, response.text
    assert response.json()["website"] == "http://www.iclei.org/about"
    response = await client.patch(url, json={"website": None})
    assert response.status_code == 200, response.text
    assert response.json()["website"] is None


async def test_website_length_is_limited_to_500_characters(client):
    longest = "https://example.org/" + "a" * 480
    organization = await make_organization(client, website=longest)
    assert organization["website"] == longest
    url = f"/api/v1/organizations/{organization['id']}"
    assert (await client.get(url)).json()["website"] == longest

    response = await client.post(
        "/api/v1/organizations", json={"name": "Too long", "website": longest + "a"}
    )
    assert_field_error(response, "website")
    # The limit applies to the address as stored: each "é" in a path becomes "%C3%A9".
    response = await client.post(
        "/api/v1/organizations",
        json={"name": "Too long", "website": "https://example.org/" + "é" * 100},
    )
    assert_field_error(response, "website")
    assert (await client.get("/api/v1/organizations")).json()["total"] == 1


async def test_headquarters_city_must_exist_and_be_live(client):
    response = await client.post(
        "/api/v1/organizations", json={"name": "UCLG", "headquarters_city_id": 999_999}
    )
    body = assert_field_error(response, "headquarters_city_id")
    assert "999999" in body["detail"]

    barcelona = await make_city(client, name="Barcelona", country_code="ES")
    assert (await client.delete(f"/api/v1/cities/{barcelona['id']}")).status_code == 200
    response = await client.post(
        "/api/v1/organizations", json={"name": "UCLG", "headquarters_city_id": barcelona["id"]}
    )
    body = assert_field_error(response, "headquarters_city_id")
    assert "archived" in body["detail"]
    assert (await client.get("/api/v1/organizations")).json()["total"] == 0

    organization = await make_organization(client)
    url = f"/api/v1/organizations/{organization['id']}"
    assert_field_error(
        await client.patch(url, json={"headquarters_city_id": barcelona["id"]}),
        "headquarters_city_id",
    )
    assert_field_error(
        await client.patch(url, json={"headquarters_city_id": 999_999}), "headquarters_city_id"
    )
    assert (await client.get(url)).json()["headquarters_city_id"] is None

    seoul = await make_city(client, name="Seoul", country_code="KR")
    response = await client.patch(url, json={"headquarters_city_id": seoul["id"]})
    assert response.status_code == 200, response.text
    assert response.json()["headquarters_city_id"] == seoul["id"]


async def test_list_filters_by_kind_and_home_membership(client):
    metropolis = await make_organization(
        client, name="Metropolis", kind="city_network", home_membership="member"
    )
    iclei = await make_organization(
        client, name="ICLEI", kind="city_network", home_membership="observer"
    )
    jica = await make_organization(client, name="JICA", kind="government", home_membership="none")
    unesco = await make_organization(
        client,
        name="UNESCO",
        kind="international_organization",
        home_membership="former_member",
    )

    async def names(**params):
        response = await client.get("/api/v1/organizations", params=params)
        assert response.status_code == 200, response.text
        page = response.json()
        assert page["total"] == len(page["items"])
        return [o["name"] for o in page["items"]]

    assert await names() == ["ICLEI", "JICA", "Metropolis", "UNESCO"]
    assert await names(kind="city_network") == ["ICLEI", "Metropolis"]
    assert await names(kind="government") == ["JICA"]
    assert await names(kind="ngo") == []
    assert await names(home_membership="member") == ["Metropolis"]
    assert await names(home_membership="observer") == ["ICLEI"]
    assert await names(home_membership="former_member") == ["UNESCO"]
    assert await names(kind="city_network", home_membership="member") == ["Metropolis"]
    assert await names(kind="government", home_membership="member") == []
    assert {metropolis["id"], iclei["id"], jica["id"], unesco["id"]} == {
        o["id"] for o in (await client.get("/api/v1/organizations")).json()["items"]
    }

    response = await client.get("/api/v1/organizations", params={"kind": "club"})
    body = assert_problem(response, 422, "validation-error")
    assert body["errors"][0]["parameter"] == "kind"
    response = await client.get("/api/v1/organizations", params={"home_membership": "yes"})
    assert_problem(response, 422, "validation-error")


async def test_stale_if_match_is_refused(client):
    organization = await make_organization(client)
    url = f"/api/v1/organizations/{organization['id']}"
    assert (await client.patch(url, json={"acronym": "MP"})).status_code == 200
    response = await client.patch(url, json={"acronym": "XX"}, headers={"If-Match": '"1"'})
    assert_problem(response, 412, "precondition-failed")
    assert (await client.get(url)).json()["acronym"] == "MP"
    assert_problem(
        await client.delete(url, headers={"If-Match": '"1"'}), 412, "precondition-failed"
    )


async def test_members_add_list_remove(client):
    organization = await make_organization(client)
    busan = await make_city(client, name="Busan", country_code="KR")
    barcelona = await make_city(client, name="Barcelona", country_code="ES")
    members_url = f"/api/v1/organizations/{organization['id']}/members"

    response = await client.get(members_url)
    assert response.status_code == 200
    assert response.json() == []

    response = await client.post(members_url, json={"city_id": busan["id"], "since": "2004-05-01"})
    assert response.status_code == 201, response.text
    assert response.json() == {
        "organization_id": organization["id"],
        "city_id": busan["id"],
        "city_name": "Busan",
        "country_code": "KR",
        "since": "2004-05-01",
    }
    response = await client.post(members_url, json={"city_id": barcelona["id"]})
    assert response.status_code == 201, response.text
    assert response.json()["since"] is None

    response = await client.get(members_url)
    assert response.status_code == 200
    assert [(m["city_id"], m["city_name"]) for m in response.json()] == [
        (barcelona["id"], "Barcelona"),
        (busan["id"], "Busan"),
    ]

    response = await client.delete(f"{members_url}/{busan['id']}")
    assert response.status_code == 204
    assert response.content == b""
    assert [m["city_id"] for m in (await client.get(members_url)).json()] == [barcelona["id"]]

    response = await client.delete(f"{members_url}/{busan['id']}")
    assert_problem(response, 404, "not-found")
    assert [m["city_id"] for m in (await client.get(members_url)).json()] == [barcelona["id"]]


async def test_duplicate_member_is_a_conflict(client):
    organization = await make_organization(client)
    busan = await make_city(client, name="Busan", country_code="KR")
    members_url = f"/api/v1/organizations/{organization['id']}/members"
    assert (await client.post(members_url, json={"city_id": busan["id"]})).status_code == 201

    response = await client.post(members_url, json={"city_id": busan["id"], "since": "2020-01-01"})
    body = assert_problem(response, 409, "conflict")
    assert "Busan" in body["detail"]
    members = (await client.get(members_url)).json()
    assert [(m["city_id"], m["since"]) for m in members] == [(busan["id"], None)]


async def test_member_city_must_exist_and_be_live(client):
    organization = await make_organization(client)
    members_url = f"/api/v1/organizations/{organization['id']}/members"

    response = await client.post(members_url, json={"city_id": 999_999})
    assert_field_error(response, "city_id")

    busan = await make_city(client, name="Busan", country_code="KR")
    assert (await client.delete(f"/api/v1/cities/{busan['id']}")).status_code == 200
    response = await client.post(members_url, json={"city_id": busan["id"]})
    body = assert_field_error(response, "city_id")
    assert "archived" in body["detail"]

    response = await client.post(members_url, json={})
    assert_field_error(response, "city_id")
    assert (await client.get(members_url)).json() == []


async def test_members_of_an_unknown_organization_are_404(client):
    busan = await make_city(client, name="Busan", country_code="KR")
    url = "/api/v1/organizations/999999/members"
    assert_problem(await client.get(url), 404, "not-found")
    assert_problem(await client.post(url, json={"city_id": busan["id"]}), 404, "not-found")
    assert_problem(await client.delete(f"{url}/{busan['id']}"), 404, "not-found")


async def test_viewer_cannot_change_members(client, viewer):
    organization = await make_organization(client)
    busan = await make_city(client, name="Busan", country_code="KR")
    members_url = f"/api/v1/organizations/{organization['id']}/members"
    assert_problem(await viewer.post(members_url, json={"city_id": busan["id"]}), 403, "forbidden")
    assert (await client.post(members_url, json={"city_id": busan["id"]})).status_code == 201
    assert_problem(await viewer.delete(f"{members_url}/{busan['id']}"), 403, "forbidden")
    response = await viewer.get(members_url)
    assert response.status_code == 200
    assert [m["city_id"] for m in response.json()] == [busan["id"]]


async def test_membership_changes_are_audited(client):
    organization = await make_organization(client)
    busan = await make_city(client, name="Busan", country_code="KR")
    tallinn = await make_city(client, name="Tallinn", country_code="EE")
    members_url = f"/api/v1/organizations/{organization['id']}/members"

    entries = await audit_entries(client, "organization", entity_id=organization["id"])
    assert [e["action"] for e in entries] == ["create"]

    assert (await client.post(members_url, json={"city_id": busan["id"]})).status_code == 201
    assert (await client.post(members_url, json={"city_id": tallinn["id"]})).status_code == 201
    assert (await client.delete(f"{members_url}/{busan['id']}")).status_code == 204
    # Refused changes leave no trace.
    assert (await client.post(members_url, json={"city_id": tallinn["id"]})).status_code == 409
    assert (await client.delete(f"{members_url}/{busan['id']}")).status_code == 404

    entries = await audit_entries(client, "organization", entity_id=organization["id"])
    assert len(entries) == 4
    member_changes = [e["changes"]["member_city_ids"] for e in entries[:3]]  # newest first
    assert member_changes == [
        {"old": sorted([busan["id"], tallinn["id"]]), "new": [tallinn["id"]]},
        {"old": [busan["id"]], "new": sorted([busan["id"], tallinn["id"]])},
        {"old": [], "new": [busan["id"]]},
    ]
    for entry in entries[:3]:
        assert entry["action"] == "update"
        assert entry["entity"] == "organization"
        assert entry["entity_id"] == organization["id"]
        assert entry["actor"] == "editor"
    assert entries[3]["action"] == "create"


async def test_an_archived_organization_takes_no_new_members(client):
    organization = await make_organization(client)
    busan = await make_city(client, name="Busan", country_code="KR")
    members_url = f"/api/v1/organizations/{organization['id']}/members"
    assert (await client.delete(f"/api/v1/organizations/{organization['id']}")).status_code == 200

    response = await client.post(members_url, json={"city_id": busan["id"]})
    assert_problem(response, 409, "conflict")
    assert (await client.get(members_url)).json() == []
