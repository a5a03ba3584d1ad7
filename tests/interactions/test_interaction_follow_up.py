"""POST /interactions with a ``follow_up``: both are created in one transaction, or neither."""

from tests.factories import (
    EDITOR_ID,
    make_city,
    make_contact,
    make_event,
    make_organization,
    make_user,
)
from tests.problems import pointers
from tests.reading import audit_entries, listed, listed_ids

MEETING = {"kind": "meeting", "occurred_on": "2025-02-10", "title": "Youth exchange talks"}


async def _interaction_ids(client, **params) -> list[int]:
    response = await client.get("/api/v1/interactions", params={"include_archived": True, **params})
    assert response.status_code == 200, response.text
    return [i["id"] for i in response.json()["items"]]


async def _create(client, **body):
    return await client.post("/api/v1/interactions", json={**MEETING, **body})


async def test_interaction_and_follow_up_are_created_together_and_audited(client):
    busan = await make_city(client, name="Busan", country_code="KR")
    kim = await make_contact(client, full_name="Kim Min-jun", city_id=busan["id"])
    lee = await make_contact(client, full_name="Lee Ji-eun", city_id=busan["id"])
    response = await _create(
        client,
        contact_ids=[kim["id"], lee["id"]],
        follow_up={"title": "Send the MoU draft", "due_on": "2025-03-01", "assignee_id": EDITOR_ID},
    )
    assert response.status_code == 201, response.text
    interaction = response.json()

    [follow_up] = await listed(client, "follow-ups", interaction_id=interaction["id"])
    # The answer carries the follow-up it created; a read of the interaction does not.
    assert interaction["follow_up"] == follow_up
    read = (await client.get(f"/api/v1/interactions/{interaction['id']}")).json()
    assert "follow_up" not in read
    assert read == {k: v for k, v in interaction.items() if k != "follow_up"}
    assert follow_up["title"] == "Send the MoU draft" and follow_up["due_on"] == "2025-03-01"
    assert follow_up["status"] == "open" and follow_up["completed_at"] is None
    assert follow_up["assignee_id"] == EDITOR_ID
    assert follow_up["interaction_id"] == interaction["id"]
    # The first contact, and the first city (here Busan, through the contacts).
    assert follow_up["contact_id"] == kim["id"]
    assert follow_up["city_id"] == busan["id"]
    assert follow_up["organization_id"] is None and follow_up["event_id"] is None

    [interaction_entry] = await audit_entries(client, entity="interaction")
    assert interaction_entry["action"] == "create"
    assert interaction_entry["entity_id"] == interaction["id"]
    assert "follow_up" not in interaction_entry["changes"]
    [follow_up_entry] = await audit_entries(client, entity="follow_up")
    assert follow_up_entry["action"] == "create" and follow_up_entry["actor"] == "editor"
    assert follow_up_entry["entity_id"] == follow_up["id"]
    assert follow_up_entry["changes"]["interaction_id"] == {"old": None, "new": interaction["id"]}
    assert follow_up_entry["changes"]["title"] == {"old": None, "new": "Send the MoU draft"}


async def test_the_assignee_is_optional(client):
    response = await _create(client, follow_up={"title": "Write up notes", "due_on": "2025-02-12"})
    assert response.status_code == 201, response.text
    [follow_up] = await listed(client, "follow-ups")
    assert follow_up["assignee_id"] is None
    assert follow_up["interaction_id"] == response.json()["id"]
    # Nothing to link but the interaction.
    assert follow_up["contact_id"] is None and follow_up["city_id"] is None


async def test_without_follow_up_none_is_created(client):
    response = await _create(client)
    assert response.status_code == 201, response.text
    assert response.json()["follow_up"] is None
    assert await listed_ids(client, "follow-ups", include_archived=True) == []
    assert await audit_entries(client, entity="follow_up") == []


async def test_a_named_city_comes_before_the_contacts_cities(client):
    tallinn = await make_city(client, name="Tallinn", country_code="EE")
    busan = await make_city(client, name="Busan", country_code="KR")
    kim = await make_contact(client, full_name="Kim Min-jun", city_id=busan["id"])
    response = await _create(
        client,
        contact_ids=[kim["id"]],
        city_ids=[tallinn["id"]],
        follow_up={"title": "Call back", "due_on": "2025-03-01"},
    )
    assert response.status_code == 201, response.text
    [follow_up] = await listed(client, "follow-ups", interaction_id=response.json()["id"])
    assert follow_up["city_id"] == tallinn["id"] and follow_up["contact_id"] == kim["id"]


async def test_a_contacts_archived_city_is_skipped(client):
    gone = await make_city(client, name="Gone", country_code="EE")
    busan = await make_city(client, name="Busan", country_code="KR")
    kadri = await make_contact(client, full_name="Kadri Tamm", city_id=gone["id"])
    kim = await make_contact(client, full_name="Kim Min-jun", city_id=busan["id"])
    # A contact left in an archived city: the city went with cascade, the contact came back.
    response = await client.delete(f"/api/v1/cities/{gone['id']}", params={"cascade": True})
    assert response.status_code == 200, response.text
    assert (await client.post(f"/api/v1/contacts/{kadri['id']}/restore")).status_code == 200
    response = await _create(
        client,
        contact_ids=[kadri["id"], kim["id"]],
        follow_up={"title": "Call back", "due_on": "2025-03-01"},
    )
    assert response.status_code == 201, response.text
    [follow_up] = await listed(client, "follow-ups", interaction_id=response.json()["id"])
    assert follow_up["contact_id"] == kadri["id"]
    assert follow_up["city_id"] == busan["id"]


async def _assert_nothing_created(client) -> None:
    assert await _interaction_ids(client) == []
    assert await listed_ids(client, "follow-ups", include_archived=True) == []
    assert await audit_entries(client, entity="interaction") == []
    assert await audit_entries(client, entity="follow_up") == []


async def test_missing_assignee_creates_neither(client):
    city = await make_city(client)
    response = await _create(
        client,
        city_ids=[city["id"]],
        follow_up={"title": "Call back", "due_on": "2025-03-01", "assignee_id": 9999},
    )
    assert response.status_code == 422
    assert pointers(response) == {"/follow_up/assignee_id"}
    assert "user 9999 does not exist" in response.json()["detail"]
    await _assert_nothing_created(client)


async def test_inactive_assignee_creates_neither(client, admin):
    retired = (await make_user(admin, "retired", is_active=False))["id"]
    city = await make_city(client)
    response = await _create(
        client,
        city_ids=[city["id"]],
        follow_up={"title": "Call back", "due_on": "2025-03-01", "assignee_id": retired},
    )
    assert response.status_code == 422
    assert pointers(response) == {"/follow_up/assignee_id"}
    await _assert_nothing_created(client)


async def test_malformed_follow_up_creates_neither(client):
    bodies = [
        ({"title": "Call back"}, {"/follow_up/due_on"}),
        ({"due_on": "2025-03-01"}, {"/follow_up/title"}),
        ({"title": " ", "due_on": "2025-03-01"}, {"/follow_up/title"}),
        ({"title": "Call", "due_on": "2025-03-01", "status": "maybe"}, {"/follow_up/status"}),
        (
            {"title": "Call", "due_on": "2025-03-01", "contact_id": 999_999},
            {"/follow_up/contact_id"},
        ),
    ]
    for follow_up, expected in bodies:
        response = await _create(client, follow_up=follow_up)
        assert response.status_code == 422, follow_up
        assert pointers(response) == expected, follow_up
    await _assert_nothing_created(client)


async def test_a_bad_interaction_creates_no_follow_up(client):
    response = await _create(
        client, contact_ids=[999999], follow_up={"title": "Call", "due_on": "2025-03-01"}
    )
    assert response.status_code == 422
    assert pointers(response) == {"/contact_ids"}
    await _assert_nothing_created(client)


async def test_follow_up_is_only_for_new_interactions(client):
    response = await _create(client)
    interaction = response.json()
    response = await client.patch(
        f"/api/v1/interactions/{interaction['id']}",
        json={"follow_up": {"title": "Call", "due_on": "2025-03-01"}},
    )
    assert response.status_code == 422
    assert pointers(response) == {"/follow_up"}
    assert await listed_ids(client, "follow-ups", include_archived=True) == []


async def test_viewer_cannot_create_either(viewer, client):
    response = await viewer.post(
        "/api/v1/interactions",
        json={**MEETING, "follow_up": {"title": "Call", "due_on": "2025-03-01"}},
    )
    assert response.status_code == 403
    await _assert_nothing_created(client)


async def test_an_inline_follow_up_takes_every_field_of_a_stand_alone_one(client):
    busan = await make_city(client, name="Busan", country_code="KR")
    kim = await make_contact(client, full_name="Kim Min-jun", city_id=busan["id"])
    lee = await make_contact(client, full_name="Lee Ji-eun")
    metropolis = await make_organization(client)
    event = await make_event(client)
    response = await _create(
        client,
        contact_ids=[kim["id"]],
        follow_up={
            "title": "Thank-you letter",
            "due_on": "2025-02-11",
            "status": "done",
            "notes": "Sent by post",
            "contact_id": lee["id"],
            "city_id": None,
            "organization_id": metropolis["id"],
            "event_id": event["id"],
        },
    )
    assert response.status_code == 201, response.text
    follow_up = response.json()["follow_up"]
    assert follow_up["status"] == "done" and follow_up["completed_at"] is not None
    assert follow_up["notes"] == "Sent by post"
    # What the draft names wins over what the interaction suggests; null means none.
    assert follow_up["contact_id"] == lee["id"] and follow_up["city_id"] is None
    assert follow_up["organization_id"] == metropolis["id"]
    assert follow_up["event_id"] == event["id"]
    assert follow_up["interaction_id"] == response.json()["id"]


async def test_an_inline_follow_ups_bad_reference_is_named_where_it_was_written(client):
    response = await _create(
        client, follow_up={"title": "T", "due_on": "2025-02-11", "organization_id": 999_999}
    )
    assert pointers(response) == {"/follow_up/organization_id"}
    response = await _create(
        client, follow_up={"title": "T", "due_on": "2025-02-11", "interaction_id": 1}
    )
    assert pointers(response) == {"/follow_up/interaction_id"}
    await _assert_nothing_created(client)
