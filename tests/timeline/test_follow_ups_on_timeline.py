"""Follow-ups on city and contact timelines, dated by when they are due."""

from tests.factories import (
    make_city,
    make_contact,
    make_follow_up,
    make_interaction,
    make_partnership,
)


async def _timeline(client, url: str, **params) -> dict:
    response = await client.get(url, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def _entries(page: dict) -> list[tuple[str, str, int]]:
    return [(item["type"], item["date"], item["record"]["id"]) for item in page["items"]]


async def test_city_timeline_mixes_follow_ups_with_interactions_and_signings(client):
    busan = await make_city(client, name="Busan", country_code="KR")
    elsewhere = await make_city(client, name="Tallinn", country_code="EE")
    visit = await make_interaction(client, occurred_on="2025-02-10", city_ids=[busan["id"]])
    signing = await make_partnership(client, busan["id"], signed_on="1966-01-01")
    upcoming = await make_follow_up(
        client, title="Send the MoU draft", due_on="2025-03-01", city_id=busan["id"]
    )
    done = await make_follow_up(client, due_on="2024-12-01", city_id=busan["id"], status="done")
    await make_follow_up(client, due_on="2025-04-01", city_id=elsewhere["id"])
    await make_follow_up(client, due_on="2025-05-01")

    page = await _timeline(client, f"/api/v1/cities/{busan['id']}/timeline")
    assert _entries(page) == [
        ("follow_up", "2025-03-01", upcoming["id"]),
        ("interaction", "2025-02-10", visit["id"]),
        ("follow_up", "2024-12-01", done["id"]),
        ("partnership", "1966-01-01", signing["id"]),
    ]
    assert page["total"] == 4
    record = page["items"][0]["record"]
    assert record == upcoming
    assert page["items"][2]["record"]["status"] == "done"
    assert page["items"][2]["record"]["completed_at"] is not None


async def test_contact_timeline_has_the_contacts_follow_ups(client):
    busan = await make_city(client, name="Busan", country_code="KR")
    kim = await make_contact(client, full_name="Kim Min-jun", city_id=busan["id"])
    lee = await make_contact(client, full_name="Lee Ji-eun", city_id=busan["id"])
    call = await make_interaction(client, occurred_on="2025-02-03", contact_ids=[kim["id"]])
    mine = await make_follow_up(client, due_on="2025-02-20", contact_id=kim["id"])
    await make_follow_up(client, due_on="2025-02-21", contact_id=lee["id"])
    # Linked to his city only: on the city's timeline, not his.
    city_only = await make_follow_up(client, due_on="2025-02-22", city_id=busan["id"])

    page = await _timeline(client, f"/api/v1/contacts/{kim['id']}/timeline")
    assert _entries(page) == [
        ("follow_up", "2025-02-20", mine["id"]),
        ("interaction", "2025-02-03", call["id"]),
    ]
    assert page["total"] == 2
    assert page["items"][0]["record"]["contact_id"] == kim["id"]

    # A follow-up linked only to the contact is on the contact's timeline, not the city's.
    page = await _timeline(client, f"/api/v1/cities/{busan['id']}/timeline")
    assert _entries(page) == [
        ("follow_up", "2025-02-22", city_only["id"]),
        ("interaction", "2025-02-03", call["id"]),
    ]


async def test_archived_follow_ups_are_left_out(client):
    busan = await make_city(client, name="Busan", country_code="KR")
    kim = await make_contact(client, full_name="Kim Min-jun")
    kept = await make_follow_up(client, due_on="2025-02-20", city_id=busan["id"])
    gone = await make_follow_up(
        client, due_on="2025-03-20", city_id=busan["id"], contact_id=kim["id"]
    )
    city_url = f"/api/v1/cities/{busan['id']}/timeline"
    contact_url = f"/api/v1/contacts/{kim['id']}/timeline"
    assert (await _timeline(client, city_url))["total"] == 2
    assert (await _timeline(client, contact_url))["total"] == 1

    assert (await client.delete(f"/api/v1/follow-ups/{gone['id']}")).status_code == 200
    page = await _timeline(client, city_url)
    assert _entries(page) == [("follow_up", "2025-02-20", kept["id"])] and page["total"] == 1
    page = await _timeline(client, contact_url)
    assert page["items"] == [] and page["total"] == 0

    assert (await client.post(f"/api/v1/follow-ups/{gone['id']}/restore")).status_code == 200
    assert [e[2] for e in _entries(await _timeline(client, city_url))] == [gone["id"], kept["id"]]
    assert [e[2] for e in _entries(await _timeline(client, contact_url))] == [gone["id"]]


async def test_timeline_follows_edits_to_a_follow_up(client):
    houston = await make_city(client)
    austin = await make_city(client, name="Austin")
    follow_up = await make_follow_up(client, due_on="2025-02-20", city_id=houston["id"])
    url = f"/api/v1/follow-ups/{follow_up['id']}"

    response = await client.patch(url, json={"due_on": "2025-04-01", "status": "done"})
    assert response.status_code == 200, response.text
    page = await _timeline(client, f"/api/v1/cities/{houston['id']}/timeline")
    assert _entries(page) == [("follow_up", "2025-04-01", follow_up["id"])]
    assert page["items"][0]["record"]["status"] == "done"
    assert page["items"][0]["record"]["version"] == 2

    response = await client.patch(url, json={"city_id": austin["id"]})
    assert response.status_code == 200, response.text
    assert (await _timeline(client, f"/api/v1/cities/{houston['id']}/timeline"))["total"] == 0
    page = await _timeline(client, f"/api/v1/cities/{austin['id']}/timeline")
    assert _entries(page) == [("follow_up", "2025-04-01", follow_up["id"])]


async def test_pages_run_across_all_entry_types(client):
    houston = await make_city(client)
    await make_partnership(client, houston["id"], signed_on="1961-06-15")
    for day in ("2025-09-10", "2019-01-02"):
        await make_interaction(client, occurred_on=day, city_ids=[houston["id"]])
    for day in ("2026-03-24", "2022-07-07"):
        await make_follow_up(client, due_on=day, city_id=houston["id"])
    url = f"/api/v1/cities/{houston['id']}/timeline"

    everything = _entries(await _timeline(client, url))
    assert [e[1] for e in everything] == [
        "2026-03-24",
        "2025-09-10",
        "2022-07-07",
        "2019-01-02",
        "1961-06-15",
    ]
    assert [e[0] for e in everything] == [
        "follow_up",
        "interaction",
        "follow_up",
        "interaction",
        "partnership",
    ]
    page = await _timeline(client, url, limit=2, offset=1)
    assert _entries(page) == everything[1:3]
    assert page["total"] == 5 and page["limit"] == 2 and page["offset"] == 1
    page = await _timeline(client, url, limit=2, offset=4)
    assert _entries(page) == everything[4:]


async def test_same_day_entries_have_a_stable_order(client):
    houston = await make_city(client)
    kadri = await make_contact(client, city_id=houston["id"])
    meeting = await make_interaction(client, occurred_on="2025-03-01", contact_ids=[kadri["id"]])
    signing = await make_partnership(client, houston["id"], signed_on="2025-03-01")
    first = await make_follow_up(
        client, due_on="2025-03-01", city_id=houston["id"], contact_id=kadri["id"]
    )
    second = await make_follow_up(
        client, due_on="2025-03-01", city_id=houston["id"], contact_id=kadri["id"]
    )
    page = await _timeline(client, f"/api/v1/cities/{houston['id']}/timeline")
    # Same date: by type, then the newest record first.
    assert _entries(page) == [
        ("follow_up", "2025-03-01", second["id"]),
        ("follow_up", "2025-03-01", first["id"]),
        ("interaction", "2025-03-01", meeting["id"]),
        ("partnership", "2025-03-01", signing["id"]),
    ]
    page = await _timeline(client, f"/api/v1/contacts/{kadri['id']}/timeline")
    assert [e[2] for e in _entries(page)] == [second["id"], first["id"], meeting["id"]]


async def test_a_follow_up_made_with_an_interaction_joins_both_timelines(client):
    busan = await make_city(client, name="Busan", country_code="KR")
    kim = await make_contact(client, full_name="Kim Min-jun", city_id=busan["id"])
    response = await client.post(
        "/api/v1/interactions",
        json={
            "kind": "call",
            "occurred_on": "2025-02-10",
            "title": "Call with Kim",
            "contact_ids": [kim["id"]],
            "follow_up": {"title": "Send the agenda", "due_on": "2025-02-14"},
        },
    )
    assert response.status_code == 201, response.text
    call = response.json()
    for url in (
        f"/api/v1/cities/{busan['id']}/timeline",
        f"/api/v1/contacts/{kim['id']}/timeline",
    ):
        page = await _timeline(client, url)
        assert [(e[0], e[1]) for e in _entries(page)] == [
            ("follow_up", "2025-02-14"),
            ("interaction", "2025-02-10"),
        ], url
        assert page["items"][0]["record"]["title"] == "Send the agenda"
        assert page["items"][0]["record"]["interaction_id"] == call["id"]
