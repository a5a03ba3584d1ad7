from datetime import datetime

from tests.factories import INVITATION_STATUSES, make_contact, make_event, make_invitation
from tests.problems import assert_field_error, assert_problem
from tests.reading import audit_entries, listed

# The moves the issue allows; every other one is refused.
ALLOWED = {
    "planned": ["sent", "cancelled"],
    "sent": ["accepted", "declined", "cancelled"],
    "accepted": ["attended", "no_show", "cancelled"],
    "declined": ["cancelled"],
    "attended": ["cancelled"],
    "no_show": ["cancelled"],
    "cancelled": [],
}


def _path(event_id: int, invitation_id: int | None = None) -> str:
    path = f"/api/v1/events/{event_id}/invitations"
    return path if invitation_id is None else f"{path}/{invitation_id}"


async def test_create_read_update_archive_restore(client):
    event = await make_event(client, name="Smart City Summit")
    contact = await make_contact(client, full_name="Kadri Tamm", email="kadri@tallinn.example")
    response = await client.post(
        _path(event["id"]),
        json={"contact_id": contact["id"], "send_on": "2025-02-01", "notes": "VIP"},
    )
    assert response.status_code == 201, response.text
    invitation = response.json()
    assert invitation["event_id"] == event["id"]
    assert invitation["event_name"] == "Smart City Summit"
    assert invitation["contact_id"] == contact["id"]
    assert invitation["full_name"] == "Kadri Tamm"
    assert invitation["email"] == "kadri@tallinn.example"
    assert invitation["status"] == "planned"  # the default
    assert invitation["send_on"] == "2025-02-01" and invitation["notes"] == "VIP"
    assert invitation["sent_at"] is None and invitation["responded_at"] is None
    assert invitation["version"] == 1 and invitation["archived_at"] is None
    path = _path(event["id"], invitation["id"])
    assert response.headers["location"].endswith(path)
    assert response.headers["etag"] == '"1"'

    response = await client.get(path)
    assert response.status_code == 200, response.text
    assert response.json() == invitation
    assert response.headers["etag"] == '"1"'

    response = await client.patch(
        path, json={"send_on": "2025-02-03", "notes": None}, headers={"If-Match": '"1"'}
    )
    assert response.status_code == 200, response.text
    assert response.json()["send_on"] == "2025-02-03" and response.json()["notes"] is None
    assert response.json()["full_name"] == "Kadri Tamm"
    assert response.headers["etag"] == '"2"'
    response = await client.patch(path, json={"notes": "late"}, headers={"If-Match": '"1"'})
    assert_problem(response, 412, "precondition-failed")

    response = await client.delete(path, headers={"If-Match": '"2"'})
    assert response.status_code == 200, response.text
    assert response.json()["archived_at"] is not None
    assert await listed(client, f"events/{event['id']}/invitations") == []
    archived = await listed(client, f"events/{event['id']}/invitations", include_archived=True)
    assert [i["id"] for i in archived] == [invitation["id"]]

    response = await client.post(path + "/restore")
    assert response.status_code == 200, response.text
    assert response.json()["archived_at"] is None
    assert len(await listed(client, f"events/{event['id']}/invitations")) == 1

    entries = await audit_entries(client, "invitation", entity_id=invitation["id"])
    assert [e["action"] for e in entries] == ["restore", "archive", "update", "create"]
    assert entries[-1]["changes"]["contact_id"] == {"old": None, "new": contact["id"]}
    assert entries[-1]["changes"]["event_id"] == {"old": None, "new": event["id"]}


async def test_contact_must_be_live(client):
    event = await make_event(client)
    response = await client.post(_path(event["id"]), json={"contact_id": 999})
    assert_field_error(response, "contact_id")
    contact = await make_contact(client)
    assert (await client.delete(f"/api/v1/contacts/{contact['id']}")).status_code == 200
    response = await client.post(_path(event["id"]), json={"contact_id": contact["id"]})
    body = assert_field_error(response, "contact_id")
    assert "archived" in body["detail"]
    assert_field_error(await client.post(_path(event["id"]), json={}), "contact_id")
    assert await listed(client, f"events/{event['id']}/invitations", include_archived=True) == []


async def test_unknown_event_is_404(client):
    contact = await make_contact(client)
    assert_problem(await client.get(_path(999)), 404, "not-found")
    response = await client.post(_path(999), json={"contact_id": contact["id"]})
    assert_problem(response, 404, "not-found")


async def test_inviting_to_an_archived_event_is_409(client):
    event = await make_event(client)
    contact = await make_contact(client)
    first = await make_invitation(client, event["id"], contact["id"])
    assert (await client.delete(f"/api/v1/events/{event['id']}")).status_code == 200
    other = await make_contact(client, full_name="Other")
    response = await client.post(_path(event["id"]), json={"contact_id": other["id"]})
    body = assert_problem(response, 409, "conflict")
    assert body["event_id"] == event["id"]
    # Existing invitations stay readable and their status can still be recorded.
    path = _path(event["id"], first["id"])
    assert (await client.get(path)).status_code == 200
    assert (await client.patch(path, json={"status": "sent"})).status_code == 200
    # Restoring an invitation to it is inviting again: refused too.
    assert (await client.delete(path)).status_code == 200
    assert_problem(await client.post(path + "/restore"), 409, "conflict")
    assert (await client.post(f"/api/v1/events/{event['id']}/restore")).status_code == 200
    assert (await client.post(path + "/restore")).status_code == 200
    assert len(await listed(client, f"events/{event['id']}/invitations")) == 1


async def test_one_live_invitation_per_contact_per_event(client):
    event = await make_event(client)
    other_event = await make_event(client, name="Other")
    contact = await make_contact(client)
    first = await make_invitation(client, event["id"], contact["id"])
    response = await client.post(_path(event["id"]), json={"contact_id": contact["id"]})
    body = assert_problem(response, 409, "conflict")
    assert body["existing_id"] == first["id"]
    # Another event is fine.
    await make_invitation(client, other_event["id"], contact["id"])

    # Once the first is archived the contact can be invited again...
    assert (await client.delete(_path(event["id"], first["id"]))).status_code == 200
    second = await make_invitation(client, event["id"], contact["id"])
    # ...and the archived one cannot come back beside the new one.
    response = await client.post(_path(event["id"], first["id"]) + "/restore")
    body = assert_problem(response, 409, "conflict")
    assert body["existing_id"] == second["id"]
    live = await listed(client, f"events/{event['id']}/invitations")
    assert [i["id"] for i in live] == [second["id"]]


async def test_an_invitation_of_another_event_is_404(client):
    event = await make_event(client)
    other = await make_event(client, name="Other")
    contact = await make_contact(client)
    invitation = await make_invitation(client, other["id"], contact["id"])
    wrong = _path(event["id"], invitation["id"])
    assert_problem(await client.get(wrong), 404, "not-found")
    assert_problem(await client.patch(wrong, json={"notes": "x"}), 404, "not-found")
    assert_problem(await client.delete(wrong), 404, "not-found")
    assert_problem(await client.post(wrong + "/restore"), 404, "not-found")
    assert_problem(await client.get(_path(event["id"], 999)), 404, "not-found")
    response = await client.get(_path(other["id"], invitation["id"]))
    assert response.json()["notes"] is None and response.json()["archived_at"] is None


async def test_every_allowed_and_forbidden_move(client):
    event = await make_event(client)
    contact = await make_contact(client)
    for current in INVITATION_STATUSES:
        for target in INVITATION_STATUSES:
            if target == current:
                continue
            invitation = await make_invitation(client, event["id"], contact["id"], status=current)
            path = _path(event["id"], invitation["id"])
            response = await client.patch(path, json={"status": target})
            if target in ALLOWED[current]:
                assert response.status_code == 200, (current, target, response.text)
                assert response.json()["status"] == target
            else:
                body = assert_problem(response, 409, "conflict")
                assert body["allowed"] == ALLOWED[current], (current, target)
                assert body["current_status"] == current
                assert (await client.get(path)).json()["status"] == current
            assert (await client.delete(path)).status_code == 200


async def test_unknown_status_is_422(client):
    event = await make_event(client)
    contact = await make_contact(client)
    response = await client.post(
        _path(event["id"]), json={"contact_id": contact["id"], "status": "maybe"}
    )
    assert_field_error(response, "status")
    invitation = await make_invitation(client, event["id"], contact["id"])
    path = _path(event["id"], invitation["id"])
    assert_field_error(await client.patch(path, json={"status": "maybe"}), "status")
    assert_field_error(await client.patch(path, json={"status": None}), "status")
    assert (await client.get(path)).json()["status"] == "planned"


async def test_server_stamps_sent_and_responded(client):
    event = await make_event(client)
    contact = await make_contact(client)
    invitation = await make_invitation(client, event["id"], contact["id"])
    path = _path(event["id"], invitation["id"])

    # A planned invitation has neither stamp (see test_invitation_dates.py for dates given).
    for field in ("sent_at", "responded_at"):
        response = await client.patch(path, json={field: "2025-01-01T00:00:00Z"})
        assert_field_error(response, field)
        response = await client.post(
            _path(event["id"]), json={"contact_id": contact["id"], field: "2025-01-01T00:00:00Z"}
        )
        assert_field_error(response, field)

    sent = (await client.patch(path, json={"status": "sent"})).json()
    assert sent["sent_at"] is not None and sent["responded_at"] is None
    sent_at = datetime.fromisoformat(sent["sent_at"])
    assert sent_at >= datetime.fromisoformat(invitation["created_at"])

    accepted = (await client.patch(path, json={"status": "accepted"})).json()
    assert accepted["sent_at"] == sent["sent_at"]
    assert accepted["responded_at"] is not None
    assert datetime.fromisoformat(accepted["responded_at"]) >= sent_at

    # Later moves keep the stamps.
    attended = (await client.patch(path, json={"status": "attended"})).json()
    assert attended["sent_at"] == sent["sent_at"]
    assert attended["responded_at"] == accepted["responded_at"]
    cancelled = (await client.patch(path, json={"status": "cancelled"})).json()
    assert cancelled["responded_at"] == accepted["responded_at"]

    other = await make_contact(client, full_name="Other")
    declined = await make_invitation(client, event["id"], other["id"], status="sent")
    assert declined["sent_at"] is not None and declined["responded_at"] is None
    declined_path = _path(event["id"], declined["id"])
    response = await client.patch(declined_path, json={"status": "declined"})
    assert response.json()["responded_at"] is not None
    assert response.json()["sent_at"] == declined["sent_at"]

    # A planned invitation cancelled was never sent nor answered.
    third = await make_contact(client, full_name="Third")
    planned = await make_invitation(client, event["id"], third["id"])
    response = await client.patch(_path(event["id"], planned["id"]), json={"status": "cancelled"})
    assert response.json()["sent_at"] is None and response.json()["responded_at"] is None

    entries = await audit_entries(client, "invitation", entity_id=invitation["id"])
    sent_change = entries[-2]["changes"]
    assert sent_change["status"] == {"old": "planned", "new": "sent"}
    assert sent_change["sent_at"]["old"] is None and sent_change["sent_at"]["new"]


async def test_event_list_filters(client):
    event = await make_event(client)
    other_event = await make_event(client, name="Other")
    chloe = await make_contact(client, full_name="Chloé Lefèvre", email="chloe@lyon.example")
    kadri = await make_contact(client, full_name="Kadri Tamm")
    minjun = await make_contact(client, full_name="Kim Min-jun", local_name="김민준")
    a = await make_invitation(client, event["id"], chloe["id"], send_on="2025-02-01")
    b = await make_invitation(client, event["id"], kadri["id"], send_on="2025-02-01", status="sent")
    c = await make_invitation(client, event["id"], minjun["id"], send_on="2025-02-10")
    d = await make_invitation(
        client, event["id"], (await make_contact(client, full_name="Zed"))["id"]
    )
    await make_invitation(client, other_event["id"], chloe["id"], send_on="2025-01-01")

    async def ids(**params):
        return [
            i["id"] for i in await listed(client, f"events/{event['id']}/invitations", **params)
        ]

    # Soonest to go out first, then by name; unscheduled last.
    assert await ids() == [a["id"], b["id"], c["id"], d["id"]]
    assert await ids(status="sent") == [b["id"]]
    assert await ids(status="planned") == [a["id"], c["id"], d["id"]]
    # Exclusive bounds.
    assert await ids(send_on_before="2025-02-10") == [a["id"], b["id"]]
    assert await ids(send_on_after="2025-02-01") == [c["id"]]
    assert await ids(q="lefevre") == [a["id"]]
    assert await ids(q="민준") == [c["id"]]
    assert await ids(sort="-full_name") == [d["id"], c["id"], b["id"], a["id"]]
    assert_problem(
        await client.get(_path(event["id"]), params={"status": "maybe"}), 422, "validation-error"
    )


async def test_list_across_events(client):
    summit = await make_event(client, name="Smart City Summit")
    expo = await make_event(client, name="Expo")
    gone = await make_event(client, name="Cancelled forum")
    chloe = await make_contact(client, full_name="Chloé Lefèvre", email="chloe@lyon.example")
    kadri = await make_contact(client, full_name="Kadri Tamm", email="kadri@tallinn.example")
    a = await make_invitation(client, summit["id"], chloe["id"], send_on="2025-02-03")
    b = await make_invitation(client, expo["id"], kadri["id"], send_on="2025-02-01")
    c = await make_invitation(client, expo["id"], chloe["id"], send_on="2025-02-05", status="sent")
    d = await make_invitation(client, summit["id"], kadri["id"], send_on="2025-03-01")
    hidden = await make_invitation(client, gone["id"], kadri["id"], send_on="2025-02-02")
    assert (await client.delete(f"/api/v1/events/{gone['id']}")).status_code == 200

    async def ids(**params):
        return [i["id"] for i in await listed(client, "invitations", **params)]

    # Invitations to an archived event do not go out: left out unless asked for.
    assert await ids() == [b["id"], a["id"], c["id"], d["id"]]
    assert hidden["id"] in await ids(include_archived=True)
    # "To send this week"
    assert await ids(status="planned", send_on_before="2025-02-08") == [b["id"], a["id"]]
    assert await ids(send_on_after="2025-02-03") == [c["id"], d["id"]]
    assert await ids(event_id=expo["id"]) == [b["id"], c["id"]]
    assert await ids(contact_id=chloe["id"]) == [a["id"], c["id"]]
    assert await ids(q="kadri") == [b["id"], d["id"]]

    item = (await listed(client, "invitations", event_id=summit["id"]))[0]
    assert item["event_id"] == summit["id"] and item["event_name"] == "Smart City Summit"
    assert item["full_name"] == "Chloé Lefèvre" and item["email"] == "chloe@lyon.example"

    response = await client.get("/api/v1/invitations", params={"limit": 2, "offset": 1})
    page = response.json()
    assert page["total"] == 4 and page["limit"] == 2 and page["offset"] == 1
    assert [i["id"] for i in page["items"]] == [a["id"], c["id"]]


async def test_viewer_reads_but_cannot_write(client, viewer):
    event = await make_event(client)
    contact = await make_contact(client)
    invitation = await make_invitation(client, event["id"], contact["id"])
    path = _path(event["id"], invitation["id"])
    assert (await viewer.get(path)).status_code == 200
    assert (await viewer.get(_path(event["id"]))).status_code == 200
    assert (await viewer.get("/api/v1/invitations")).status_code == 200
    for response in (
        await viewer.post(_path(event["id"]), json={"contact_id": contact["id"]}),
        await viewer.patch(path, json={"status": "sent"}),
        await viewer.delete(path),
        await viewer.post(path + "/restore"),
        await viewer.post(
            _path(event["id"]) + "/bulk",
            json={"send_on": "2025-02-01", "contact_ids": [contact["id"]]},
        ),
        await viewer.post(
            _path(event["id"]) + "/mark-sent", json={"invitation_ids": [invitation["id"]]}
        ),
    ):
        assert_problem(response, 403, "forbidden")
    unchanged = (await client.get(path)).json()
    assert unchanged["status"] == "planned" and unchanged["archived_at"] is None
