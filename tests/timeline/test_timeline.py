from tests.factories import make_city, make_contact, make_interaction, make_partnership
from tests.problems import PROBLEM_BASE


async def timeline(client, url: str, **params) -> dict:
    response = await client.get(url, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def entries(page: dict) -> list[tuple[str, str, int]]:
    for item in page["items"]:
        assert item["record"]["id"]
        assert item["type"] in {"interaction", "partnership"}
    return [(item["type"], item["date"], item["record"]["id"]) for item in page["items"]]


async def test_city_timeline_has_direct_and_contact_interactions_and_signings(client):
    johannesburg = await make_city(client, name="Johannesburg", country_code="ZA")
    barcelona = await make_city(client, name="Barcelona", country_code="ES")
    thandiwe = await make_contact(client, full_name="Thandiwe Mokoena", city_id=johannesburg["id"])
    letter = await make_interaction(
        client,
        kind="letter",
        occurred_on="2012-05-14",
        title="Greetings letter",
        city_ids=[johannesburg["id"]],
    )
    # Names only the contact (and another city): it reaches Johannesburg through her.
    course = await make_interaction(
        client,
        kind="conference",
        occurred_on="2024-11-18",
        title="Metropolis course",
        contact_ids=[thandiwe["id"]],
        city_ids=[barcelona["id"]],
    )
    signed = await make_partnership(client, johannesburg["id"], signed_on="1975-04-01")
    await make_partnership(
        client, johannesburg["id"], kind="cooperation_agreement", signed_on=None
    )  # no signing date: nothing to show
    await make_interaction(
        client, occurred_on="2025-01-01", title="Elsewhere", city_ids=[barcelona["id"]]
    )

    page = await timeline(client, f"/api/v1/cities/{johannesburg['id']}/timeline")
    assert entries(page) == [
        ("interaction", "2024-11-18", course["id"]),
        ("interaction", "2012-05-14", letter["id"]),
        ("partnership", "1975-04-01", signed["id"]),
    ]
    assert page["total"] == 3 and page["limit"] == 50 and page["offset"] == 0
    first, _, last = page["items"]
    assert first["record"]["title"] == "Metropolis course"
    assert first["record"]["contact_ids"] == [thandiwe["id"]]
    assert last["record"]["kind"] == "sister_city"
    assert last["record"]["city_id"] == johannesburg["id"]

    page = await timeline(client, f"/api/v1/cities/{barcelona['id']}/timeline")
    assert [e[1] for e in entries(page)] == ["2025-01-01", "2024-11-18"]

    # Once she is no longer named, the course leaves Johannesburg's timeline.
    response = await client.patch(f"/api/v1/interactions/{course['id']}", json={"contact_ids": []})
    assert response.status_code == 200, response.text
    page = await timeline(client, f"/api/v1/cities/{johannesburg['id']}/timeline")
    assert [e[2] for e in entries(page)] == [letter["id"], signed["id"]]
    page = await timeline(client, f"/api/v1/cities/{barcelona['id']}/timeline")
    assert [e[1] for e in entries(page)] == ["2025-01-01", "2024-11-18"]


async def test_an_interaction_naming_the_city_twice_appears_once(client):
    busan = await make_city(client, name="Busan", country_code="KR")
    kim = await make_contact(client, full_name="Kim Min-jun", city_id=busan["id"])
    visit = await make_interaction(
        client, occurred_on="2023-09-01", contact_ids=[kim["id"]], city_ids=[busan["id"]]
    )
    page = await timeline(client, f"/api/v1/cities/{busan['id']}/timeline")
    assert entries(page) == [("interaction", "2023-09-01", visit["id"])]
    assert page["total"] == 1


async def test_an_interaction_with_two_contacts_of_a_city_appears_once(client):
    tallinn = await make_city(client, name="Tallinn", country_code="EE")
    kadri = await make_contact(client, full_name="Kadri Tamm", city_id=tallinn["id"])
    mari = await make_contact(client, full_name="Mari Kask", city_id=tallinn["id"])
    call = await make_interaction(
        client, kind="call", occurred_on="2025-05-05", contact_ids=[kadri["id"], mari["id"]]
    )
    page = await timeline(client, f"/api/v1/cities/{tallinn['id']}/timeline")
    assert entries(page) == [("interaction", "2025-05-05", call["id"])]
    assert page["total"] == 1


async def test_city_timeline_pages(client):
    houston = await make_city(client)
    dates = ["2025-09-10", "2026-03-24", "2019-01-02", "2022-07-07"]
    for day in dates:
        await make_interaction(client, occurred_on=day, city_ids=[houston["id"]])
    await make_partnership(client, houston["id"], signed_on="1961-06-15")
    url = f"/api/v1/cities/{houston['id']}/timeline"

    everything = [e[1] for e in entries(await timeline(client, url))]
    assert everything == ["2026-03-24", "2025-09-10", "2022-07-07", "2019-01-02", "1961-06-15"]

    page = await timeline(client, url, limit=2)
    assert [e[1] for e in entries(page)] == everything[:2]
    assert page["total"] == 5 and page["limit"] == 2 and page["offset"] == 0
    page = await timeline(client, url, limit=2, offset=2)
    assert [e[1] for e in entries(page)] == everything[2:4]
    assert page["total"] == 5 and page["offset"] == 2
    page = await timeline(client, url, limit=2, offset=4)
    assert [e[1] for e in entries(page)] == ["1961-06-15"]
    page = await timeline(client, url, offset=10)
    assert page["items"] == [] and page["total"] == 5

    assert (await client.get(url, params={"limit": 0})).status_code == 422
    assert (await client.get(url, params={"offset": -1})).status_code == 422


async def test_archived_interactions_and_partnerships_are_left_out(client):
    houston = await make_city(client)
    kept = await make_interaction(client, occurred_on="2025-09-10", city_ids=[houston["id"]])
    gone = await make_interaction(client, occurred_on="2026-03-24", city_ids=[houston["id"]])
    partnership = await make_partnership(client, houston["id"])
    url = f"/api/v1/cities/{houston['id']}/timeline"
    assert (await timeline(client, url))["total"] == 3

    assert (await client.delete(f"/api/v1/interactions/{gone['id']}")).status_code == 200
    assert (await client.delete(f"/api/v1/partnerships/{partnership['id']}")).status_code == 200
    page = await timeline(client, url)
    assert entries(page) == [("interaction", "2025-09-10", kept["id"])]
    assert page["total"] == 1

    assert (await client.post(f"/api/v1/interactions/{gone['id']}/restore")).status_code == 200
    page = await timeline(client, url)
    assert [e[2] for e in entries(page)] == [gone["id"], kept["id"]]


async def test_timeline_follows_edits_to_an_interaction(client):
    houston = await make_city(client)
    austin = await make_city(client, name="Austin")
    first = await make_interaction(client, occurred_on="2020-01-01", city_ids=[houston["id"]])
    second = await make_interaction(client, occurred_on="2021-01-01", city_ids=[houston["id"]])
    url = f"/api/v1/cities/{houston['id']}/timeline"
    assert [e[2] for e in entries(await timeline(client, url))] == [second["id"], first["id"]]

    response = await client.patch(
        f"/api/v1/interactions/{first['id']}", json={"occurred_on": "2022-02-02"}
    )
    assert response.status_code == 200, response.text
    page = await timeline(client, url)
    assert entries(page) == [
        ("interaction", "2022-02-02", first["id"]),
        ("interaction", "2021-01-01", second["id"]),
    ]

    response = await client.patch(
        f"/api/v1/interactions/{second['id']}", json={"city_ids": [austin["id"]]}
    )
    assert response.status_code == 200, response.text
    assert [e[2] for e in entries(await timeline(client, url))] == [first["id"]]
    page = await timeline(client, f"/api/v1/cities/{austin['id']}/timeline")
    assert [e[2] for e in entries(page)] == [second["id"]]


async def test_contact_timeline(client):
    busan = await make_city(client, name="Busan", country_code="KR")
    kim = await make_contact(client, full_name="Kim Min-jun", city_id=busan["id"])
    other = await make_contact(client, full_name="Kadri Tamm")
    call = await make_interaction(
        client, kind="call", occurred_on="2025-02-03", contact_ids=[kim["id"]]
    )
    course = await make_interaction(
        client,
        kind="conference",
        occurred_on="2024-11-18",
        contact_ids=[kim["id"], other["id"]],
    )
    archived = await make_interaction(client, occurred_on="2025-06-01", contact_ids=[kim["id"]])
    await make_interaction(client, occurred_on="2025-07-01", contact_ids=[other["id"]])
    await make_interaction(client, occurred_on="2025-08-01", city_ids=[busan["id"]])
    assert (await client.delete(f"/api/v1/interactions/{archived['id']}")).status_code == 200

    url = f"/api/v1/contacts/{kim['id']}/timeline"
    page = await timeline(client, url)
    assert entries(page) == [
        ("interaction", "2025-02-03", call["id"]),
        ("interaction", "2024-11-18", course["id"]),
    ]
    assert page["total"] == 2 and page["limit"] == 50 and page["offset"] == 0
    assert page["items"][0]["record"]["kind"] == "call"

    page = await timeline(client, url, limit=1, offset=1)
    assert entries(page) == [("interaction", "2024-11-18", course["id"])]
    assert page["total"] == 2 and page["limit"] == 1 and page["offset"] == 1

    response = await client.patch(
        f"/api/v1/interactions/{course['id']}", json={"contact_ids": [other["id"]]}
    )
    assert response.status_code == 200, response.text
    assert [e[2] for e in entries(await timeline(client, url))] == [call["id"]]


async def test_a_contact_without_interactions_has_an_empty_timeline(client):
    contact = await make_contact(client)
    page = await timeline(client, f"/api/v1/contacts/{contact['id']}/timeline")
    assert page == {"items": [], "total": 0, "limit": 50, "offset": 0}


async def test_unknown_city_or_contact_is_404(client):
    for url in ("/api/v1/cities/999999/timeline", "/api/v1/contacts/999999/timeline"):
        response = await client.get(url)
        assert response.status_code == 404, url
        assert response.headers["content-type"] == "application/problem+json"
        body = response.json()
        assert body["type"] == PROBLEM_BASE + "not-found"
        assert body["status"] == 404 and body["title"]
        assert "999999" in body["detail"]


async def test_timeline_needs_a_token(client, anon):
    houston = await make_city(client)
    response = await anon.get(f"/api/v1/cities/{houston['id']}/timeline")
    assert response.status_code == 401
