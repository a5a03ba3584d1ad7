"""Archiving a contact cancels their planned invitations, and an archived contact is left out
of invitation lists, counts, exports and mark-sent."""

from app.invitations.models import Invitation
from tests.factories import insert, make_contact, make_event, make_invitation, today
from tests.reading import audit_entries, csv_rows, listed


async def test_archiving_cancels_planned_invitations_one_audit_entry_each(client):
    kim = await make_contact(client, full_name="Kim Min-jun", email="kim@example.org")
    summit = await make_event(client)
    games = await make_event(client, name="World Masters Games")
    forum = await make_event(client, name="Forum")
    planned = [await make_invitation(client, e["id"], kim["id"]) for e in (summit, games)]
    sent = await make_invitation(client, forum["id"], kim["id"])
    response = await client.patch(
        f"/api/v1/events/{forum['id']}/invitations/{sent['id']}", json={"status": "sent"}
    )
    assert response.status_code == 200, response.text

    response = await client.delete(f"/api/v1/contacts/{kim['id']}")
    assert response.status_code == 200, response.text

    everything = await listed(client, "invitations", include_archived=True)
    statuses = {i["id"]: i["status"] for i in everything}
    assert statuses == {
        planned[0]["id"]: "cancelled",
        planned[1]["id"]: "cancelled",
        sent["id"]: "sent",
    }
    for invitation in planned:
        [entry, _created] = await audit_entries(client, "invitation", entity_id=invitation["id"])
        assert entry["action"] == "update"
        assert entry["changes"] == {"status": {"old": "planned", "new": "cancelled"}}
    # The version moved with the change, so a stale If-Match is refused.
    one = await client.get(f"/api/v1/events/{summit['id']}/invitations/{planned[0]['id']}")
    assert one.headers["etag"] == '"2"'


async def test_archived_contacts_are_left_out_of_lists_counts_exports_and_mark_sent(client):
    event = await make_event(client)
    kim = await make_contact(client, full_name="Kim Min-jun", email="kim@example.org")
    ana = await make_contact(client, full_name="Ana Rusu", email="ana@example.org")
    kept = await make_invitation(client, event["id"], kim["id"], send_on=today())
    gone = await make_invitation(client, event["id"], ana["id"], send_on=today())
    gone_sent = await client.patch(
        f"/api/v1/events/{event['id']}/invitations/{gone['id']}", json={"status": "sent"}
    )
    assert gone_sent.status_code == 200
    assert (await client.delete(f"/api/v1/contacts/{ana['id']}")).status_code == 200

    assert [i["id"] for i in await listed(client, "invitations")] == [kept["id"]]
    assert [i["id"] for i in await listed(client, f"events/{event['id']}/invitations")] == [
        kept["id"]
    ]
    counts = (await client.get(f"/api/v1/events/{event['id']}")).json()["invitation_counts"]
    assert counts["planned"] == 1 and counts["sent"] == 0
    response = await client.get(f"/api/v1/events/{event['id']}/invitations/export")
    assert response.status_code == 200
    assert [row[1] for row in csv_rows(response.content)[1:]] == ["Kim Min-jun"]

    response = await client.post(
        f"/api/v1/events/{event['id']}/invitations/mark-sent", json={"due_by": today()}
    )
    assert response.json()["invitation_ids"] == [kept["id"]]


async def test_mark_sent_by_id_refuses_an_archived_contacts_invitation(client, app):
    event = await make_event(client)
    ana = await make_contact(client, full_name="Ana Rusu", email="ana@example.org")
    assert (await client.delete(f"/api/v1/contacts/{ana['id']}")).status_code == 200
    # A planned invitation of an archived contact, as data from before the cascade can hold.
    [invitation_id] = await insert(
        app, Invitation(event_id=event["id"], contact_id=ana["id"], status="planned")
    )
    response = await client.post(
        f"/api/v1/events/{event['id']}/invitations/mark-sent",
        json={"invitation_ids": [invitation_id]},
    )
    assert response.status_code == 409
    assert response.json()["offending"] == [{"id": invitation_id, "reason": "contact_archived"}]
