"""Facts recorded after the fact: sent_at and responded_at may be given (never in the
future), and an invitation starts planned or sent, never further on."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.factories import make_contact, make_event, make_invitation
from tests.problems import assert_field_error
from tests.reading import audit_entries

SENT = "2025-02-03T09:15:00+08:00"
SENT_UTC = "2025-02-03T01:15:00Z"


def _path(event_id: int, invitation_id: int | None = None) -> str:
    path = f"/api/v1/events/{event_id}/invitations"
    return path if invitation_id is None else f"{path}/{invitation_id}"


def _same_moment(a: str, b: str) -> bool:
    return datetime.fromisoformat(a) == datetime.fromisoformat(b)


@pytest.mark.parametrize("status", ["accepted", "declined", "attended", "no_show", "cancelled"])
async def test_an_invitation_starts_planned_or_sent(client, status):
    event = await make_event(client)
    contact = await make_contact(client)
    response = await client.post(
        _path(event["id"]), json={"contact_id": contact["id"], "status": status}
    )
    body = assert_field_error(response, "status")
    assert "planned or sent" in body["detail"]
    assert (await client.get(_path(event["id"]))).json()["total"] == 0


async def test_created_as_sent_on_a_past_day(client):
    event = await make_event(client)
    contact = await make_contact(client)
    response = await client.post(
        _path(event["id"]), json={"contact_id": contact["id"], "status": "sent", "sent_at": SENT}
    )
    assert response.status_code == 201, response.text
    assert _same_moment(response.json()["sent_at"], SENT_UTC)
    [entry] = await audit_entries(client, "invitation", entity_id=response.json()["id"])
    assert _same_moment(entry["changes"]["sent_at"]["new"], SENT_UTC)
    # Without a date, sent means now.
    other = await make_contact(client, full_name="Other")
    response = await client.post(
        _path(event["id"]), json={"contact_id": other["id"], "status": "sent"}
    )
    sent_at = datetime.fromisoformat(response.json()["sent_at"])
    assert abs(datetime.now(UTC) - sent_at) < timedelta(minutes=5)


async def test_sent_at_on_a_planned_creation_is_refused(client):
    event = await make_event(client)
    contact = await make_contact(client)
    response = await client.post(
        _path(event["id"]), json={"contact_id": contact["id"], "sent_at": SENT}
    )
    assert_field_error(response, "sent_at")


async def test_moves_take_the_dates_given(client):
    event = await make_event(client)
    contact = await make_contact(client)
    invitation = await make_invitation(client, event["id"], contact["id"])
    path = _path(event["id"], invitation["id"])
    response = await client.patch(path, json={"status": "sent", "sent_at": SENT})
    assert response.status_code == 200, response.text
    assert _same_moment(response.json()["sent_at"], SENT_UTC)
    response = await client.patch(
        path, json={"status": "accepted", "responded_at": "2025-02-10T00:00:00Z"}
    )
    assert response.status_code == 200, response.text
    accepted = response.json()
    assert _same_moment(accepted["responded_at"], "2025-02-10T00:00:00Z")
    # A date can be corrected later, on its own.
    response = await client.patch(path, json={"responded_at": "2025-02-09T08:00:00"})
    assert response.status_code == 200, response.text
    assert _same_moment(response.json()["responded_at"], "2025-02-09T08:00:00Z")


async def test_dates_that_cannot_be_are_refused(client):
    event = await make_event(client)
    contact = await make_contact(client)
    invitation = await make_invitation(client, event["id"], contact["id"], status="sent")
    path = _path(event["id"], invitation["id"])
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    body = assert_field_error(
        await client.patch(path, json={"status": "accepted", "responded_at": tomorrow}),
        "responded_at",
    )
    assert "future" in body["detail"]
    assert_field_error(await client.patch(path, json={"sent_at": tomorrow}), "sent_at")
    # Answered before it went out, or answered while it is only sent.
    response = await client.patch(
        path, json={"status": "accepted", "responded_at": "2000-01-01T00:00:00Z"}
    )
    assert_field_error(response, "responded_at")
    assert_field_error(
        await client.patch(path, json={"responded_at": "2025-01-01T00:00:00Z"}), "responded_at"
    )
    assert_field_error(await client.patch(path, json={"sent_at": None}), "sent_at")
    assert (await client.get(path)).json()["status"] == "sent"
    assert (await client.get(path)).json()["version"] == invitation["version"]


async def test_mark_sent_takes_the_day_it_went_out(client):
    event = await make_event(client)
    contact = await make_contact(client)
    invitation = await make_invitation(client, event["id"], contact["id"])
    response = await client.post(
        f"/api/v1/events/{event['id']}/invitations/mark-sent",
        json={"invitation_ids": [invitation["id"]], "sent_at": SENT},
    )
    assert response.status_code == 200, response.text
    assert _same_moment(response.json()["sent_at"], SENT_UTC)
    got = (await client.get(_path(event["id"], invitation["id"]))).json()
    assert _same_moment(got["sent_at"], SENT_UTC)
    response = await client.post(
        f"/api/v1/events/{event['id']}/invitations/mark-sent",
        json={"due_by": "2025-01-01", "sent_at": "2999-01-01T00:00:00Z"},
    )
    assert_field_error(response, "sent_at")
