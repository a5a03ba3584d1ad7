"""Reading the contacts wholesale through the lists: a viewer is throttled, large pages are
audited like exports."""

import pytest

from app.errors import TooManyRequests
from app.harvesting import ContactReadMeter
from tests.factories import make_contact, make_event, make_invitation
from tests.problems import assert_problem
from tests.reading import audit_entries


@pytest.fixture
def allowance(app, monkeypatch):
    """A viewer may be sent 5 contacts a minute; a page of more than 3 is audited."""
    monkeypatch.setattr(app.state, "contact_reads", ContactReadMeter(5), raising=False)
    monkeypatch.setattr(app.state.settings, "list_read_audit_above", 3)


async def test_a_viewer_reading_too_many_contacts_a_minute_gets_429(
    allowance, client, viewer, admin
):
    for number in range(4):
        await make_contact(client, full_name=f"Contact {number}")
    assert (await viewer.get("/api/v1/contacts", params={"limit": 2})).status_code == 200
    response = await viewer.get("/api/v1/contacts", params={"limit": 2, "offset": 2})
    assert response.status_code == 200  # 4 of 5 sent
    response = await viewer.get("/api/v1/contacts", params={"limit": 2})
    body = assert_problem(response, 429, "too-many-requests")
    assert "contacts" in body["detail"]
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    assert "items" not in body
    # A page that fits the allowance left still goes through; editors are not metered.
    assert (await viewer.get("/api/v1/contacts", params={"limit": 1})).status_code == 200
    for _ in range(3):
        assert (await client.get("/api/v1/contacts", params={"limit": 4})).status_code == 200
    assert (await admin.get("/api/v1/contacts")).status_code == 200


async def test_invitation_lists_count_against_the_allowance(allowance, client, viewer):
    event = await make_event(client)
    for number in range(3):
        contact = await make_contact(client, full_name=f"Guest {number}")
        await make_invitation(client, event["id"], contact["id"])
    assert (await viewer.get("/api/v1/invitations")).status_code == 200  # 3 sent
    response = await viewer.get(f"/api/v1/events/{event['id']}/invitations")
    assert_problem(response, 429, "too-many-requests")
    assert "Retry-After" in response.headers


async def test_a_large_list_page_is_audited_like_an_export(allowance, client, viewer):
    for number in range(4):
        await make_contact(client, full_name=f"Contact {number}", tags=["youth"])
    assert (await client.get("/api/v1/contacts", params={"limit": 3})).status_code == 200
    assert await audit_entries(client, action="read") == []  # 3 is not more than 3
    response = await client.get("/api/v1/contacts", params={"tag": "youth", "sort": "-id"})
    assert response.status_code == 200 and len(response.json()["items"]) == 4
    (entry,) = await audit_entries(client, action="read")
    assert entry["actor"] == "editor" and entry["entity"] == "contact"
    assert entry["changes"] == {
        "path": "/api/v1/contacts",
        "query": {"tag": "youth", "sort": "-id"},
        "rows": 4,
    }


def test_the_meter_forgets_reads_older_than_a_minute():
    now = [1000.0]
    meter = ContactReadMeter(10, clock=lambda: now[0])
    meter.spend(1, 6)
    now[0] += 30
    meter.spend(1, 4)
    with pytest.raises(TooManyRequests) as refused:
        meter.spend(1, 1)
    assert refused.value.headers["Retry-After"] == "30"  # when the first 6 expire
    meter.spend(2, 10)  # another user has an allowance of their own
    now[0] += 30
    meter.spend(1, 6)
    with pytest.raises(TooManyRequests) as refused:
        meter.spend(1, 11)  # more than the whole allowance: a minute, and smaller pages
    assert refused.value.headers["Retry-After"] == "60"
