from tests.factories import make_city, make_contact, make_organization
from tests.problems import PROBLEM_JSON
from tests.problems import pointers as _pointers


async def test_create_read_update_archive_restore(client):
    busan = await make_city(client, name="Busan", country_code="KR")
    metropolis = await make_organization(client)
    response = await client.post(
        "/api/v1/contacts",
        json={
            "full_name": "Kim Min-jun",
            "local_name": "김민준",
            "honorific": "Mr.",
            "position": "International Cooperation Officer",
            "city_id": busan["id"],
            "organization_id": metropolis["id"],
            "email": "minjun.kim@busan.example",
            "phone": "+82 51 888 1234",
            "languages": ["KO", "en"],
            "tags": ["metropolis-course", "youth"],
        },
    )
    assert response.status_code == 201, response.text
    contact = response.json()
    assert contact["full_name"] == "Kim Min-jun"
    assert contact["local_name"] == "김민준"
    assert contact["city_id"] == busan["id"] and contact["city_name"] == "Busan"
    assert contact["organization_id"] == metropolis["id"]
    assert contact["organization_name"] == "Metropolis"
    assert contact["languages"] == ["ko", "en"]
    assert contact["tags"] == ["metropolis-course", "youth"]
    assert contact["is_active"] is True
    assert contact["version"] == 1 and contact["archived_at"] is None
    assert response.headers["location"].endswith(f"/api/v1/contacts/{contact['id']}")
    assert response.headers["etag"] == '"1"'

    response = await client.get(f"/api/v1/contacts/{contact['id']}")
    assert response.status_code == 200
    read = response.json()
    assert read["local_name"] == "김민준"
    assert read["city_name"] == "Busan" and read["organization_name"] == "Metropolis"
    assert response.headers["etag"] == '"1"'

    response = await client.patch(
        f"/api/v1/contacts/{contact['id']}",
        json={"position": "Director", "local_name": "김민준 과장"},
        headers={"If-Match": '"1"'},
    )
    assert response.status_code == 200, response.text
    updated = response.json()
    assert updated["position"] == "Director" and updated["local_name"] == "김민준 과장"
    assert updated["email"] == "minjun.kim@busan.example"
    assert updated["city_name"] == "Busan"
    assert updated["version"] == 2
    assert response.headers["etag"] == '"2"'

    response = await client.delete(f"/api/v1/contacts/{contact['id']}")
    assert response.status_code == 200
    assert response.json()["archived_at"] is not None
    assert (await client.get("/api/v1/contacts")).json()["total"] == 0
    listed = (await client.get("/api/v1/contacts", params={"include_archived": True})).json()
    assert [c["id"] for c in listed["items"]] == [contact["id"]]

    response = await client.post(f"/api/v1/contacts/{contact['id']}/restore")
    assert response.status_code == 200
    assert response.json()["archived_at"] is None
    assert (await client.get("/api/v1/contacts")).json()["total"] == 1


async def test_names_in_any_script_round_trip_and_are_searchable(client):
    names = [
        ("Chloé Lefèvre", None),
        ("Nguyễn Thị Lan", None),
        ("Kim Min-jun", "김민준"),
        ("Chen Yi-ting", "陳怡婷"),
        ("Sergei Ivanov", "Сергей Иванов"),
        ("Leila Haddad", "ليلى حداد"),
    ]
    for full_name, local_name in names:
        created = await make_contact(client, full_name=full_name, local_name=local_name)
        read = (await client.get(f"/api/v1/contacts/{created['id']}")).json()
        assert read["full_name"] == full_name and read["local_name"] == local_name

    page = (await client.get("/api/v1/contacts", params={"q": "민준"})).json()
    assert [c["full_name"] for c in page["items"]] == ["Kim Min-jun"]
    page = (await client.get("/api/v1/contacts", params={"q": "怡婷"})).json()
    assert [c["full_name"] for c in page["items"]] == ["Chen Yi-ting"]
    page = (await client.get("/api/v1/contacts", params={"q": "lefevre"})).json()
    assert [c["full_name"] for c in page["items"]] == ["Chloé Lefèvre"]


async def test_contact_without_city_or_organization_reads_null_names(client):
    contact = await make_contact(client)
    assert contact["city_id"] is None and contact["city_name"] is None
    assert contact["organization_id"] is None and contact["organization_name"] is None
    assert contact["email"] is None and contact["phone"] is None
    assert contact["languages"] == [] and contact["tags"] == []


async def test_patch_city_and_organization_show_new_names(client):
    houston = await make_city(client, name="Houston", country_code="US")
    tallinn = await make_city(client, name="Tallinn", country_code="EE")
    org = await make_organization(client, name="Eurocities")
    contact = await make_contact(client, city_id=houston["id"])

    response = await client.patch(
        f"/api/v1/contacts/{contact['id']}",
        json={"city_id": tallinn["id"], "organization_id": org["id"]},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["city_id"] == tallinn["id"] and body["city_name"] == "Tallinn"
    assert body["organization_name"] == "Eurocities"
    read = (await client.get(f"/api/v1/contacts/{contact['id']}")).json()
    assert read["city_name"] == "Tallinn" and read["organization_name"] == "Eurocities"

    response = await client.patch(
        f"/api/v1/contacts/{contact['id']}", json={"city_id": None, "organization_id": None}
    )
    assert response.status_code == 200, response.text
    assert response.json()["city_id"] is None and response.json()["city_name"] is None
    assert response.json()["organization_name"] is None


async def test_bad_email_is_422_pointing_at_email(client):
    for bad in ("not-an-email", "two@@example.com", "no-domain@", "a b@example.com"):
        response = await client.post(
            "/api/v1/contacts", json={"full_name": "Kadri Tamm", "email": bad}
        )
        assert response.status_code == 422, bad
        assert response.headers["content-type"] == PROBLEM_JSON
        assert _pointers(response) == {"/email"}, bad
    contact = await make_contact(client)
    response = await client.patch(f"/api/v1/contacts/{contact['id']}", json={"email": "nope"})
    assert response.status_code == 422
    assert _pointers(response) == {"/email"}
    assert (await client.get("/api/v1/contacts")).json()["total"] == 1


async def test_email_is_unique_case_insensitively(client):
    first = await make_contact(client, full_name="Kadri Tamm", email="kadri.tamm@tallinn.example")
    response = await client.post(
        "/api/v1/contacts",
        json={"full_name": "Someone Else", "email": "KADRI.TAMM@Tallinn.EXAMPLE"},
    )
    assert response.status_code == 409, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json()["existing_id"] == first["id"]
    assert (await client.get("/api/v1/contacts")).json()["total"] == 1

    other = await make_contact(client, full_name="Other Person", email="other@example.com")
    response = await client.patch(
        f"/api/v1/contacts/{other['id']}", json={"email": "Kadri.Tamm@tallinn.example"}
    )
    assert response.status_code == 409
    assert response.json()["existing_id"] == first["id"]
    read = (await client.get(f"/api/v1/contacts/{other['id']}")).json()
    assert read["email"] == "other@example.com" and read["version"] == 1

    # Changing the case of one's own address is not a conflict.
    response = await client.patch(
        f"/api/v1/contacts/{first['id']}", json={"email": "Kadri.Tamm@tallinn.example"}
    )
    assert response.status_code == 200, response.text


async def test_archived_contacts_email_can_be_reused_but_restore_then_conflicts(client):
    old = await make_contact(client, full_name="Old Kadri", email="kadri@tallinn.example")
    assert (await client.delete(f"/api/v1/contacts/{old['id']}")).status_code == 200

    response = await client.post(
        "/api/v1/contacts", json={"full_name": "New Kadri", "email": "Kadri@tallinn.example"}
    )
    assert response.status_code == 201, response.text
    new = response.json()

    response = await client.post(f"/api/v1/contacts/{old['id']}/restore")
    assert response.status_code == 409, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json()["existing_id"] == new["id"]
    assert (await client.get(f"/api/v1/contacts/{old['id']}")).json()["archived_at"] is not None

    # Once the new one has a different address, the old one can come back.
    response = await client.patch(
        f"/api/v1/contacts/{new['id']}", json={"email": "kadri.new@tallinn.example"}
    )
    assert response.status_code == 200
    response = await client.post(f"/api/v1/contacts/{old['id']}/restore")
    assert response.status_code == 200, response.text
    assert response.json()["archived_at"] is None


async def test_phone_is_stored_in_e164(client):
    contact = await make_contact(client, phone="+886 2 2720 8889")
    assert contact["phone"] == "+886227208889"
    response = await client.patch(
        f"/api/v1/contacts/{contact['id']}", json={"phone": "+1 (713) 837-0311"}
    )
    assert response.status_code == 200, response.text
    assert response.json()["phone"] == "+17138370311"


async def test_invalid_phone_is_422(client):
    for bad in ("hello", "12345", "+886 2", "+999 1234 5678"):
        response = await client.post("/api/v1/contacts", json={"full_name": "X Y", "phone": bad})
        assert response.status_code == 422, bad
        assert _pointers(response) == {"/phone"}, bad
    assert (await client.get("/api/v1/contacts")).json()["total"] == 0


async def test_languages_must_be_iso_639_1(client):
    contact = await make_contact(client, languages=["ET", " en ", "ru"])
    assert contact["languages"] == ["et", "en", "ru"]
    for bad in (["xx"], ["en", "eng"], ["english"], [""]):
        response = await client.post(
            "/api/v1/contacts", json={"full_name": "X Y", "languages": bad}
        )
        assert response.status_code == 422, bad
        assert all(p.startswith("/languages") for p in _pointers(response)), bad
    response = await client.patch(f"/api/v1/contacts/{contact['id']}", json={"languages": ["xx"]})
    assert response.status_code == 422
    assert (await client.get(f"/api/v1/contacts/{contact['id']}")).json()["languages"] == [
        "et",
        "en",
        "ru",
    ]


async def test_missing_or_archived_city_is_422_naming_the_field(client):
    response = await client.post("/api/v1/contacts", json={"full_name": "X Y", "city_id": 999999})
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM_JSON
    assert _pointers(response) == {"/city_id"}

    city = await make_city(client)
    await client.delete(f"/api/v1/cities/{city['id']}")
    response = await client.post(
        "/api/v1/contacts", json={"full_name": "X Y", "city_id": city["id"]}
    )
    assert response.status_code == 422
    assert _pointers(response) == {"/city_id"}
    assert (await client.get("/api/v1/contacts")).json()["total"] == 0

    contact = await make_contact(client)
    response = await client.patch(f"/api/v1/contacts/{contact['id']}", json={"city_id": city["id"]})
    assert response.status_code == 422
    assert _pointers(response) == {"/city_id"}
    assert (await client.get(f"/api/v1/contacts/{contact['id']}")).json()["city_id"] is None


async def test_missing_or_archived_organization_is_422_naming_the_field(client):
    response = await client.post(
        "/api/v1/contacts", json={"full_name": "X Y", "organization_id": 999999}
    )
    assert response.status_code == 422
    assert _pointers(response) == {"/organization_id"}

    org = await make_organization(client)
    await client.delete(f"/api/v1/organizations/{org['id']}")
    response = await client.post(
        "/api/v1/contacts", json={"full_name": "X Y", "organization_id": org["id"]}
    )
    assert response.status_code == 422
    assert _pointers(response) == {"/organization_id"}

    contact = await make_contact(client)
    response = await client.patch(
        f"/api/v1/contacts/{contact['id']}", json={"organization_id": org["id"]}
    )
    assert response.status_code == 422
    assert _pointers(response) == {"/organization_id"}
    assert (await client.get("/api/v1/contacts")).json()["total"] == 1


async def test_list_filters(client):
    houston = await make_city(client, name="Houston", country_code="US")
    austin = await make_city(client, name="Austin", country_code="US")
    busan = await make_city(client, name="Busan", country_code="KR")
    metropolis = await make_organization(client, name="Metropolis")
    uclg = await make_organization(client, name="UCLG")

    alice = await make_contact(
        client,
        full_name="Alice Houston",
        city_id=houston["id"],
        organization_id=metropolis["id"],
        tags=["mayor", "energy"],
        email="alice@houston.example",
    )
    bob = await make_contact(
        client, full_name="Bob Austin", city_id=austin["id"], tags=["energy"], is_active=False
    )
    kim = await make_contact(
        client,
        full_name="Kim Min-jun",
        local_name="김민준",
        city_id=busan["id"],
        organization_id=uclg["id"],
        tags=["mayor"],
    )
    await make_contact(client, full_name="Nobody Anywhere")

    async def names(**params):
        response = await client.get("/api/v1/contacts", params=params)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["total"] == len(body["items"])
        return sorted(c["full_name"] for c in body["items"])

    assert await names(city_id=houston["id"]) == ["Alice Houston"]
    assert await names(organization_id=uclg["id"]) == ["Kim Min-jun"]
    assert await names(tag="mayor") == ["Alice Houston", "Kim Min-jun"]
    assert await names(tag="energy") == ["Alice Houston", "Bob Austin"]
    assert await names(tag="nothing") == []
    assert await names(is_active=False) == ["Bob Austin"]
    assert await names(is_active=True) == ["Alice Houston", "Kim Min-jun", "Nobody Anywhere"]
    assert await names(country_code="us") == ["Alice Houston", "Bob Austin"]
    assert await names(country_code="KR") == ["Kim Min-jun"]
    assert await names(country_code="EE") == []
    assert await names(q="alice@houston") == ["Alice Houston"]
    assert await names(q="BOB") == ["Bob Austin"]
    assert await names(q="김민준") == ["Kim Min-jun"]
    # LIKE wildcards in q are plain characters.
    assert await names(q="%") == []
    assert await names(q="_") == []
    assert await names(tag="energy", country_code="US", is_active=True) == ["Alice Houston"]
    # Archived contacts leave the list unless asked for.
    await client.delete(f"/api/v1/contacts/{kim['id']}")
    assert await names(tag="mayor") == ["Alice Houston"]
    assert await names(tag="mayor", include_archived=True) == ["Alice Houston", "Kim Min-jun"]
    assert alice["id"] != bob["id"]


async def test_invalid_filter_values_are_422(client):
    for params in (
        {"country_code": "XX"},
        {"country_code": "USA"},
        {"is_active": "maybe"},
        {"city_id": "abc"},
        {"city_id": 0},
    ):
        response = await client.get("/api/v1/contacts", params=params)
        assert response.status_code == 422, params
        assert response.headers["content-type"] == PROBLEM_JSON


async def test_sort_by_full_name_and_paging(client):
    for name in ("Chloé Lefèvre", "adam Smith", "Bongani Dlamini", "Zeynep Kaya"):
        await make_contact(client, full_name=name)

    page = (await client.get("/api/v1/contacts", params={"sort": "full_name"})).json()
    assert [c["full_name"] for c in page["items"]] == [
        "adam Smith",
        "Bongani Dlamini",
        "Chloé Lefèvre",
        "Zeynep Kaya",
    ]
    page = (await client.get("/api/v1/contacts", params={"sort": "-full_name"})).json()
    assert [c["full_name"] for c in page["items"]] == [
        "Zeynep Kaya",
        "Chloé Lefèvre",
        "Bongani Dlamini",
        "adam Smith",
    ]
    page = (
        await client.get("/api/v1/contacts", params={"sort": "full_name", "limit": 2, "offset": 1})
    ).json()
    assert [c["full_name"] for c in page["items"]] == ["Bongani Dlamini", "Chloé Lefèvre"]
    assert page["total"] == 4 and page["limit"] == 2 and page["offset"] == 1


async def test_bad_paging_and_sort_are_422(client):
    await make_contact(client)
    for params in ({"limit": 201}, {"limit": 0}, {"offset": -1}, {"sort": "nope"}, {"sort": "-x"}):
        response = await client.get("/api/v1/contacts", params=params)
        assert response.status_code == 422, params
        assert response.headers["content-type"] == PROBLEM_JSON
    assert (await client.get("/api/v1/contacts", params={"limit": 200})).status_code == 200


async def test_too_long_fields_are_422(client):
    cases = [
        ({"full_name": "x" * 201}, "/full_name"),
        ({"full_name": "X Y", "local_name": "김" * 201}, "/local_name"),
        ({"full_name": "X Y", "position": "p" * 201}, "/position"),
        ({"full_name": "X Y", "tags": [f"t{i}" for i in range(51)]}, "/tags"),
        ({"full_name": "X Y", "tags": ["t" * 61]}, "/tags/0"),
        ({"full_name": "X Y", "notes": "n" * 10_001}, "/notes"),
        ({"full_name": ""}, "/full_name"),
        ({"full_name": "   "}, "/full_name"),
    ]
    for body, pointer in cases:
        response = await client.post("/api/v1/contacts", json=body)
        assert response.status_code == 422, body
        assert pointer in _pointers(response), (pointer, response.json())
    # The longest allowed values are fine.
    response = await client.post(
        "/api/v1/contacts",
        json={"full_name": "x" * 200, "tags": [f"t{i}" for i in range(50)]},
    )
    assert response.status_code == 201, response.text
    assert (await client.get("/api/v1/contacts")).json()["total"] == 1


async def test_required_fields_cannot_be_patched_to_null(client):
    contact = await make_contact(client, tags=["a"])
    for body in ({"full_name": None}, {"tags": None}, {"languages": None}, {"is_active": None}):
        response = await client.patch(f"/api/v1/contacts/{contact['id']}", json=body)
        assert response.status_code == 422, body
    read = (await client.get(f"/api/v1/contacts/{contact['id']}")).json()
    assert read["full_name"] == "Kadri Tamm" and read["tags"] == ["a"] and read["version"] == 1


async def test_unknown_fields_are_refused(client):
    response = await client.post("/api/v1/contacts", json={"full_name": "X Y", "emial": "a@b.c"})
    assert response.status_code == 422
    response = await client.post("/api/v1/contacts", json={"full_name": "X Y", "city_name": "X"})
    assert response.status_code == 422
    assert (await client.get("/api/v1/contacts")).json()["total"] == 0


async def test_stale_if_match_is_refused(client):
    contact = await make_contact(client)
    await client.patch(f"/api/v1/contacts/{contact['id']}", json={"position": "Mayor"})
    response = await client.patch(
        f"/api/v1/contacts/{contact['id']}",
        json={"position": "Deputy"},
        headers={"If-Match": '"1"'},
    )
    assert response.status_code == 412
    assert (await client.get(f"/api/v1/contacts/{contact['id']}")).json()["position"] == "Mayor"


async def test_country_filter_follows_the_contacts_city_and_its_country(client):
    """A contact is in its city's country: moving the contact, or correcting the city's
    country, moves it between the country lists (and their exports)."""
    busan = await make_city(client, name="Busan", country_code="KR")
    tallinn = await make_city(client, name="Tallinn", country_code="EE")
    kim = await make_contact(client, full_name="Kim Min-jun", city_id=busan["id"])
    kadri = await make_contact(client, full_name="Kadri Tamm", city_id=tallinn["id"])
    await make_contact(client, full_name="No City")

    async def names(country: str) -> list[str]:
        response = await client.get("/api/v1/contacts", params={"country_code": country})
        assert response.status_code == 200, response.text
        return [c["full_name"] for c in response.json()["items"]]

    assert await names("KR") == ["Kim Min-jun"]
    assert await names("EE") == ["Kadri Tamm"]

    moved = await client.patch(f"/api/v1/contacts/{kim['id']}", json={"city_id": tallinn["id"]})
    assert moved.status_code == 200, moved.text
    assert await names("KR") == []
    assert await names("EE") == ["Kadri Tamm", "Kim Min-jun"]

    fixed = await client.patch(f"/api/v1/cities/{tallinn['id']}", json={"country_code": "FI"})
    assert fixed.status_code == 200, fixed.text
    assert await names("EE") == []
    assert await names("FI") == ["Kadri Tamm", "Kim Min-jun"]
    export = await client.get("/api/v1/contacts/export", params={"country_code": "FI"})
    assert export.status_code == 200
    assert "Kadri Tamm" in export.text and "Kim Min-jun" in export.text

    dropped = await client.patch(f"/api/v1/contacts/{kadri['id']}", json={"city_id": None})
    assert dropped.status_code == 200, dropped.text
    assert await names("FI") == ["Kim Min-jun"]
