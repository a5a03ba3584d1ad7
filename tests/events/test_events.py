from sqlalchemy import event as sa_event

from tests.factories import (
    INVITATION_STATUSES,
    make_city,
    make_contact,
    make_event,
    make_invitation,
    make_organization,
)
from tests.problems import assert_field_error, assert_problem
from tests.reading import audit_entries, listed

ZERO_COUNTS = dict.fromkeys(INVITATION_STATUSES, 0)


async def test_create_read_update_archive_restore(client):
    tallinn = await make_city(client, name="Tallinn", country_code="EE")
    metropolis = await make_organization(client)
    response = await client.post(
        "/api/v1/events",
        json={
            "name": "Smart City Summit",
            "starts_on": "2025-03-18",
            "ends_on": "2025-03-21",
            "city_id": tallinn["id"],
            "venue": "Nangang Exhibition Center",
            "host_organization_id": metropolis["id"],
            "url": "https://smartcity.example/2025",
            "description": "The yearly summit.",
        },
    )
    assert response.status_code == 201, response.text
    event = response.json()
    assert event["name"] == "Smart City Summit"
    assert event["starts_on"] == "2025-03-18" and event["ends_on"] == "2025-03-21"
    assert event["city_id"] == tallinn["id"]
    assert event["venue"] == "Nangang Exhibition Center"
    assert event["host_organization_id"] == metropolis["id"]
    assert event["url"] == "https://smartcity.example/2025"
    assert event["description"] == "The yearly summit."
    assert event["invitation_counts"] == ZERO_COUNTS
    assert event["version"] == 1 and event["archived_at"] is None
    assert response.headers["location"].endswith(f"/api/v1/events/{event['id']}")
    assert response.headers["etag"] == '"1"'

    response = await client.get(f"/api/v1/events/{event['id']}")
    assert response.status_code == 200, response.text
    assert response.json() == event
    assert response.headers["etag"] == '"1"'

    response = await client.patch(
        f"/api/v1/events/{event['id']}",
        json={"venue": "Taipei Expo Park", "host_organization_id": None},
        headers={"If-Match": '"1"'},
    )
    assert response.status_code == 200, response.text
    updated = response.json()
    assert updated["venue"] == "Taipei Expo Park"
    assert updated["host_organization_id"] is None  # the home city hosts
    assert updated["name"] == "Smart City Summit" and updated["version"] == 2
    assert updated["invitation_counts"] == ZERO_COUNTS
    assert response.headers["etag"] == '"2"'

    response = await client.patch(
        f"/api/v1/events/{event['id']}", json={"venue": "X"}, headers={"If-Match": '"1"'}
    )
    assert_problem(response, 412, "precondition-failed")

    response = await client.delete(f"/api/v1/events/{event['id']}")
    assert response.status_code == 200, response.text
    assert response.json()["archived_at"] is not None
    assert await listed(client, "events") == []
    assert [e["id"] for e in await listed(client, "events", include_archived=True)] == [event["id"]]

    response = await client.post(f"/api/v1/events/{event['id']}/restore")
    assert response.status_code == 200, response.text
    assert response.json()["archived_at"] is None
    assert [e["id"] for e in await listed(client, "events")] == [event["id"]]

    entries = await audit_entries(client, "event", entity_id=event["id"])
    assert [e["action"] for e in entries] == ["restore", "archive", "update", "create"]
    assert entries[2]["changes"]["venue"] == {
        "old": "Nangang Exhibition Center",
        "new": "Taipei Expo Park",
    }


async def test_unknown_event_is_404(client):
    assert_problem(await client.get("/api/v1/events/999"), 404, "not-found")
    assert_problem(await client.patch("/api/v1/events/999", json={}), 404, "not-found")
    assert_problem(await client.delete("/api/v1/events/999"), 404, "not-found")


async def test_name_is_required_and_unknown_fields_refused(client):
    assert_field_error(
        await client.post("/api/v1/events", json={"starts_on": "2025-01-01"}), "name"
    )
    assert_field_error(await client.post("/api/v1/events", json={"name": "  "}), "name")
    response = await client.post("/api/v1/events", json={"name": "Expo", "colour": "red"})
    assert_field_error(response, "colour")
    event = await make_event(client)
    assert_field_error(
        await client.patch(f"/api/v1/events/{event['id']}", json={"name": None}), "name"
    )
    assert len(await listed(client, "events")) == 1


async def test_ends_before_start_is_422_on_ends_on(client):
    response = await client.post(
        "/api/v1/events",
        json={"name": "Expo", "starts_on": "2025-03-18", "ends_on": "2025-03-17"},
    )
    assert_field_error(response, "ends_on")
    assert await listed(client, "events") == []

    # One-day events end on the day they start.
    event = await make_event(client, starts_on="2025-03-18", ends_on="2025-03-18")
    assert event["ends_on"] == "2025-03-18"

    # A PATCH is checked against the stored other date, whichever one it sends.
    path = f"/api/v1/events/{event['id']}"
    assert_field_error(await client.patch(path, json={"ends_on": "2025-03-10"}), "ends_on")
    assert_field_error(await client.patch(path, json={"starts_on": "2025-04-01"}), "ends_on")
    response = await client.patch(path, json={"starts_on": "2025-04-01", "ends_on": "2025-04-03"})
    assert response.status_code == 200, response.text
    assert response.json()["starts_on"] == "2025-04-01"
    # Clearing the start leaves nothing to compare with.
    response = await client.patch(path, json={"starts_on": None, "ends_on": "2025-01-01"})
    assert response.status_code == 200, response.text
    stored = (await client.get(path)).json()
    assert stored["starts_on"] is None and stored["ends_on"] == "2025-01-01"


async def test_url_is_validated(client):
    for bad in ("not a url", "ftp://files.example/x", "smartcity.example"):
        response = await client.post("/api/v1/events", json={"name": "Expo", "url": bad})
        assert_field_error(response, "url")
    event = await make_event(client, url="https://smartcity.example")
    assert event["url"].startswith("https://smartcity.example")
    response = await client.patch(f"/api/v1/events/{event['id']}", json={"url": "nope"})
    assert_field_error(response, "url")


async def test_references_must_be_live(client):
    response = await client.post("/api/v1/events", json={"name": "Expo", "city_id": 999})
    assert_field_error(response, "city_id")
    response = await client.post(
        "/api/v1/events", json={"name": "Expo", "host_organization_id": 999}
    )
    assert_field_error(response, "host_organization_id")

    org = await make_organization(client)
    city = await make_city(client)
    event = await make_event(client, city_id=city["id"], host_organization_id=org["id"])
    assert (await client.delete(f"/api/v1/organizations/{org['id']}")).status_code == 200
    response = await client.post(
        "/api/v1/events", json={"name": "Expo", "host_organization_id": org["id"]}
    )
    assert_field_error(response, "host_organization_id")
    # An event keeps the (since archived) host it already has while other fields change.
    response = await client.patch(f"/api/v1/events/{event['id']}", json={"venue": "Hall 1"})
    assert response.status_code == 200, response.text
    response = await client.patch(
        f"/api/v1/events/{event['id']}",
        json={"host_organization_id": org["id"], "venue": "Hall 2"},
    )
    assert response.status_code == 200, response.text


async def test_list_filters_and_sorting(client):
    tallinn = await make_city(client, name="Tallinn", country_code="EE")
    houston = await make_city(client, name="Houston", country_code="US")
    metropolis = await make_organization(client)
    summit = await make_event(
        client,
        name="Smart City Summit",
        starts_on="2025-03-18",
        city_id=tallinn["id"],
        host_organization_id=metropolis["id"],
    )
    forum = await make_event(client, name="Forum Économique", starts_on="2025-01-10")
    expo = await make_event(client, name="Expo", starts_on="2025-06-01", city_id=houston["id"])
    undated = await make_event(client, name="Alumni gathering", starts_on=None)

    async def ids(**params):
        return [e["id"] for e in await listed(client, "events", **params)]

    # The soonest first; undated last on both databases.
    assert await ids() == [forum["id"], summit["id"], expo["id"], undated["id"]]
    assert await ids(sort="-starts_on", starts_after="2024-01-01") == [
        expo["id"],
        summit["id"],
        forum["id"],
    ]
    assert await ids(sort="name") == [undated["id"], expo["id"], forum["id"], summit["id"]]
    assert await ids(city_id=tallinn["id"]) == [summit["id"]]
    assert await ids(host_organization_id=metropolis["id"]) == [summit["id"]]
    # Both bounds are exclusive.
    assert await ids(starts_after="2025-01-10") == [summit["id"], expo["id"]]
    assert await ids(starts_before="2025-06-01") == [forum["id"], summit["id"]]
    assert await ids(starts_after="2025-01-09", starts_before="2025-03-19") == [
        forum["id"],
        summit["id"],
    ]
    # q is folded: no case or accents needed.
    assert await ids(q="economique") == [forum["id"]]
    assert await ids(q="SMART") == [summit["id"]]
    response = await client.get("/api/v1/events", params={"sort": "colour"})
    assert_problem(response, 422, "validation-error")


async def test_name_key_follows_the_name(client):
    event = await make_event(client, name="Zebra Expo")
    await make_event(client, name="Middle")
    response = await client.patch(f"/api/v1/events/{event['id']}", json={"name": "Ándale"})
    assert response.status_code == 200, response.text
    assert [e["name"] for e in await listed(client, "events", sort="name")] == [
        "Ándale",
        "Middle",
    ]
    assert [e["name"] for e in await listed(client, "events", q="andale")] == ["Ándale"]


async def test_invitation_counts_per_status(client):
    summit = await make_event(client, name="Summit")
    other = await make_event(client, name="Other", starts_on="2025-12-01")
    contacts = [await make_contact(client, full_name=f"Contact {i}") for i in range(9)]
    for contact, status in zip(contacts, INVITATION_STATUSES, strict=False):
        await make_invitation(client, summit["id"], contact["id"], status=status)
    extra_sent = await make_invitation(client, summit["id"], contacts[7]["id"], status="sent")
    archived = await make_invitation(client, summit["id"], contacts[8]["id"], status="accepted")
    path = f"/api/v1/events/{summit['id']}/invitations/{archived['id']}"
    assert (await client.delete(path)).status_code == 200  # archived ones do not count
    await make_invitation(client, other["id"], contacts[0]["id"], status="declined")

    expected = {**dict.fromkeys(INVITATION_STATUSES, 1), "sent": 2}
    response = await client.get(f"/api/v1/events/{summit['id']}")
    assert response.json()["invitation_counts"] == expected
    other_expected = {**ZERO_COUNTS, "declined": 1}
    page = {e["id"]: e["invitation_counts"] for e in await listed(client, "events")}
    assert page == {summit["id"]: expected, other["id"]: other_expected}

    # Every response of the event carries them, not only the reads.
    response = await client.patch(f"/api/v1/events/{summit['id']}", json={"venue": "Hall"})
    assert response.json()["invitation_counts"] == expected
    response = await client.delete(f"/api/v1/events/{summit['id']}")
    assert response.json()["invitation_counts"] == expected
    response = await client.post(f"/api/v1/events/{summit['id']}/restore")
    assert response.json()["invitation_counts"] == expected

    # A move changes the counts.
    path = f"/api/v1/events/{summit['id']}/invitations/{extra_sent['id']}"
    assert (await client.patch(path, json={"status": "accepted"})).status_code == 200
    counts = (await client.get(f"/api/v1/events/{summit['id']}")).json()["invitation_counts"]
    assert counts == {**expected, "sent": 1, "accepted": 2}


async def test_list_counts_take_one_query_for_the_whole_page(app, client):
    contact = await make_contact(client)

    async def statements_for_list() -> int:
        statements: list[str] = []

        def count(_conn, _cursor, statement, *_args):
            statements.append(statement)

        engine = app.state.database.engine.sync_engine
        sa_event.listen(engine, "before_cursor_execute", count)
        try:
            response = await client.get("/api/v1/events")
        finally:
            sa_event.remove(engine, "before_cursor_execute", count)
        assert response.status_code == 200
        return len([s for s in statements if "invitation" in s.lower()])

    for i in range(2):
        event = await make_event(client, name=f"Event {i}")
        await make_invitation(client, event["id"], contact["id"])
    with_two = await statements_for_list()
    for i in range(2, 7):
        event = await make_event(client, name=f"Event {i}")
        await make_invitation(client, event["id"], contact["id"])
    assert with_two == await statements_for_list() == 1
    page = await listed(client, "events")
    assert [e["invitation_counts"]["planned"] for e in page] == [1] * 7


async def test_viewer_reads_but_cannot_write(client, viewer):
    event = await make_event(client)
    assert (await viewer.get(f"/api/v1/events/{event['id']}")).status_code == 200
    assert (await viewer.get("/api/v1/events")).status_code == 200
    assert_problem(await viewer.post("/api/v1/events", json={"name": "X"}), 403, "forbidden")
    path = f"/api/v1/events/{event['id']}"
    assert_problem(await viewer.patch(path, json={"name": "X"}), 403, "forbidden")
    assert_problem(await viewer.delete(path), 403, "forbidden")
    assert_problem(await viewer.post(path + "/restore"), 403, "forbidden")
    assert (await client.get(path)).json()["name"] == "Smart City Summit"


async def test_anonymous_is_401(anon):
    response = await anon.get("/api/v1/events")
    assert_problem(response, 401, "unauthorized")
