from datetime import datetime

from tests.factories import make_contact, make_event, make_invitation
from tests.problems import assert_field_error, assert_problem
from tests.reading import audit_entries


async def mark_sent(client, event_id: int, **body):
    return await client.post(f"/api/v1/events/{event_id}/invitations/mark-sent", json=body)


async def read(client, event_id: int, invitation: dict) -> dict:
    response = await client.get(f"/api/v1/events/{event_id}/invitations/{invitation['id']}")
    assert response.status_code == 200, response.text
    return response.json()


async def setup(client, *send_ons: str | None, event_name: str = "Summit"):
    event = await make_event(client, name=event_name)
    invitations = []
    for i, send_on in enumerate(send_ons):
        contact = await make_contact(client, full_name=f"{event_name} guest {i}")
        invitations.append(
            await make_invitation(client, event["id"], contact["id"], send_on=send_on)
        )
    return event, invitations


async def test_marks_the_named_invitations_sent(client):
    event, (a, b, c) = await setup(client, "2025-02-01", "2025-02-02", "2025-02-03")
    response = await mark_sent(client, event["id"], invitation_ids=[a["id"], b["id"]])
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["marked"] == 2 and report["invitation_ids"] == [a["id"], b["id"]]
    for invitation in (a, b):
        stored = await read(client, event["id"], invitation)
        assert stored["status"] == "sent"
        assert stored["sent_at"] is not None
        assert datetime.fromisoformat(stored["sent_at"]) == datetime.fromisoformat(
            report["sent_at"]
        )
        assert stored["version"] == 2  # the ETag moves with the change
        assert stored["updated_at"] != invitation["updated_at"]
    assert (await read(client, event["id"], c))["status"] == "planned"
    counts = (await client.get(f"/api/v1/events/{event['id']}")).json()["invitation_counts"]
    assert counts["sent"] == 2 and counts["planned"] == 1

    entries = [e for e in await audit_entries(client, "invitation") if e["action"] == "update"]
    assert sorted(e["entity_id"] for e in entries) == sorted([a["id"], b["id"]])
    assert all(e["changes"]["status"] == {"old": "planned", "new": "sent"} for e in entries)

    # A stale ETag is now refused; the current one works.
    path = f"/api/v1/events/{event['id']}/invitations/{a['id']}"
    response = await client.patch(path, json={"status": "accepted"}, headers={"If-Match": '"1"'})
    assert_problem(response, 412, "precondition-failed")
    response = await client.patch(path, json={"status": "accepted"}, headers={"If-Match": '"2"'})
    assert response.status_code == 200, response.text


async def test_all_or_nothing(client):
    event, (a, b, already, archived) = await setup(
        client, "2025-02-01", "2025-02-01", "2025-02-01", "2025-02-01"
    )
    other_event, (foreign,) = await setup(client, "2025-02-01", event_name="Other")
    base = f"/api/v1/events/{event['id']}/invitations"
    assert (await client.patch(f"{base}/{already['id']}", json={"status": "sent"})).is_success
    assert (await client.delete(f"{base}/{archived['id']}")).is_success

    cases = [
        ([a["id"], b["id"], already["id"]], [already["id"]]),
        ([a["id"], foreign["id"]], [foreign["id"]]),
        ([a["id"], 99999], [99999]),
        ([archived["id"], b["id"]], [archived["id"]]),
        ([a["id"], already["id"], foreign["id"]], [already["id"], foreign["id"]]),
    ]
    for ids, offending in cases:
        response = await mark_sent(client, event["id"], invitation_ids=ids)
        body = assert_problem(response, 409, "conflict")
        assert body["offending_ids"] == offending, ids
        assert [o["id"] for o in body["offending"]] == offending
    reasons = {o["id"]: o["reason"] for o in body["offending"]}
    assert reasons == {already["id"]: "not_planned", foreign["id"]: "not_in_event"}

    # Nothing changed anywhere.
    for invitation in (a, b):
        stored = await read(client, event["id"], invitation)
        assert stored["status"] == "planned" and stored["sent_at"] is None
        assert stored["version"] == 1
    assert (await read(client, other_event["id"], foreign))["status"] == "planned"
    updates = [e for e in await audit_entries(client, "invitation") if e["action"] == "update"]
    assert [e["entity_id"] for e in updates] == [already["id"]]


async def test_due_by_marks_planned_invitations_due(client):
    event, (early, due, late, unscheduled, already) = await setup(
        client, "2025-02-01", "2025-02-07", "2025-02-08", None, "2025-02-02"
    )
    other_event, (foreign,) = await setup(client, "2025-02-01", event_name="Other")
    base = f"/api/v1/events/{event['id']}/invitations"
    sent = (await client.patch(f"{base}/{already['id']}", json={"status": "sent"})).json()

    response = await mark_sent(client, event["id"], due_by="2025-02-07")
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["marked"] == 2
    assert sorted(report["invitation_ids"]) == sorted([early["id"], due["id"]])  # on or before
    statuses = {
        i["id"]: (await read(client, event["id"], i))["status"]
        for i in (early, due, late, unscheduled)
    }
    assert statuses == {
        early["id"]: "sent",
        due["id"]: "sent",
        late["id"]: "planned",
        unscheduled["id"]: "planned",
    }
    assert (await read(client, event["id"], already))["sent_at"] == sent["sent_at"]
    assert (await read(client, other_event["id"], foreign))["status"] == "planned"

    # Nothing left due: an empty success.
    response = await mark_sent(client, event["id"], due_by="2025-02-07")
    assert response.status_code == 200 and response.json()["marked"] == 0


async def test_selection_is_exactly_one_of_ids_or_date(client):
    event, (a,) = await setup(client, "2025-02-01")
    for body in ({}, {"invitation_ids": [a["id"]], "due_by": "2025-02-01"}):
        assert_problem(await mark_sent(client, event["id"], **body), 422, "validation-error")
    assert_field_error(await mark_sent(client, event["id"], invitation_ids=[]), "invitation_ids")
    assert_field_error(await mark_sent(client, event["id"], due_by="soon"), "due_by")
    assert (await read(client, event["id"], a))["status"] == "planned"


async def test_archived_or_unknown_event(client):
    event, (a,) = await setup(client, "2025-02-01")
    assert_problem(await mark_sent(client, 999, invitation_ids=[a["id"]]), 404, "not-found")
    assert (await client.delete(f"/api/v1/events/{event['id']}")).is_success
    response = await mark_sent(client, event["id"], invitation_ids=[a["id"]])
    assert_problem(response, 409, "conflict")
    assert (await read(client, event["id"], a))["status"] == "planned"
