from datetime import date

import pytest
from icalendar import Calendar
from sqlalchemy import select, update

from app.auth.models import User
from app.calendar.service import token_hash
from tests.factories import (
    EDITOR_ID,
    VIEWER_ID,
    archive,
    edit,
    make_city,
    make_contact,
    make_event,
    make_follow_up,
    make_invitation,
)
from tests.problems import PROBLEM_JSON

TOKEN_URL = "/api/v1/users/me/calendar-token"


async def _forget_calendar_tokens(app) -> None:
    async with app.state.database.write_sessionmaker() as session, session.begin():
        await session.execute(update(User).values(calendar_token_hash=None))


@pytest.fixture(autouse=True)
async def _no_calendar_tokens(app):
    """The standing users outlive each test (their tokens would too): start and end clean."""
    await _forget_calendar_tokens(app)
    yield
    await _forget_calendar_tokens(app)


async def _feed_path(client) -> str:
    response = await client.post(TOKEN_URL)
    assert response.status_code == 200, response.text
    url = response.json()["url"]
    return url.removeprefix("http://test")


def _entries(response) -> dict[str, dict]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    assert calendar["version"] == "2.0" and calendar["prodid"]
    entries = {}
    for entry in calendar.walk("VEVENT"):
        entries[str(entry["uid"])] = {
            "summary": str(entry["summary"]),
            "start": entry.decoded("dtstart"),
            "end": entry.decoded("dtend"),
            "sequence": entry.get("sequence"),
            "has_stamp": "dtstamp" in entry,
            "last_modified": "last-modified" in entry,
        }
    return entries


async def test_token_is_created_read_and_rotated(client, anon):
    response = await client.get(TOKEN_URL)
    assert response.status_code == 200
    assert response.json() == {"exists": False}

    response = await client.post(TOKEN_URL)
    assert response.status_code == 200, response.text
    first = response.json()
    assert len(first["token"]) >= 40
    assert first["url"] == f"http://test/api/v1/calendar/{first['token']}.ics"
    # Shown once: afterwards only whether there is one.
    assert (await client.get(TOKEN_URL)).json() == {"exists": True}
    assert (await anon.get(first["url"])).status_code == 200

    second = (await client.post(TOKEN_URL)).json()
    assert second["token"] != first["token"]
    # The old address is dead at once; the new one works.
    response = await anon.get(first["url"])
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM_JSON
    assert (await anon.get(second["url"])).status_code == 200

    # Removed, the feed is gone.
    assert (await client.delete(TOKEN_URL)).status_code == 204
    assert (await client.get(TOKEN_URL)).json() == {"exists": False}
    assert (await anon.get(second["url"])).status_code == 404
    assert (await client.delete(TOKEN_URL)).status_code == 204


async def test_only_a_hash_of_the_token_is_stored(client, app, anon):
    token = (await client.post(TOKEN_URL)).json()["token"]
    async with app.state.database.engine.connect() as connection:
        stored = (await connection.execute(select(User.calendar_token_hash))).scalars().all()
        dump = str((await connection.execute(select(User.__table__))).all())
    assert token_hash(token) in stored
    assert token not in dump
    response = await anon.get(f"/api/v1/calendar/{token_hash(token)}.ics")
    assert response.status_code == 404  # the hash opens nothing
    response = await anon.get(f"/api/v1/calendar/{token}.ics")
    assert response.headers["cache-control"] == "no-store"


async def test_tokens_are_per_user_and_need_a_bearer_token(client, viewer, anon):
    editor_path = await _feed_path(client)
    viewer_path = await _feed_path(viewer)
    assert editor_path != viewer_path
    assert (await anon.get(TOKEN_URL)).status_code == 401
    assert (await anon.post(TOKEN_URL)).status_code == 401


async def test_rotation_is_audited_without_the_secret(client, admin):
    token = (await client.post(TOKEN_URL)).json()["token"]
    await client.post(TOKEN_URL)
    page = (
        await admin.get("/api/v1/audit", params={"entity": "user", "entity_id": EDITOR_ID})
    ).json()
    changes = [entry["changes"] for entry in page["items"] if entry["actor"] == "editor"]
    assert changes == [
        {"calendar_token": {"old": "(secret)", "new": "(new secret)"}},
        {"calendar_token": {"old": None, "new": "(new secret)"}},
    ]
    assert token not in str(page)


async def test_unknown_tokens_are_404(anon):
    for token in ("nope", "x" * 43, "a" * 200, "%00", "..%2f..%2fetc"):
        response = await anon.get(f"/api/v1/calendar/{token}.ics")
        assert response.status_code == 404, token
        assert response.headers["content-type"] == PROBLEM_JSON


async def test_a_deactivated_users_feed_is_404(admin, anon):
    body = {"username": "leaver", "password": "leaver-password-1", "role": "viewer"}
    user = (await admin.post("/api/v1/users", json=body)).json()
    login = await anon.post(
        "/api/v1/auth/token", data={"username": "leaver", "password": "leaver-password-1"}
    )
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    url = (await anon.post(TOKEN_URL, headers=headers)).json()["url"]
    assert (await anon.get(url)).status_code == 200

    response = await admin.patch(f"/api/v1/users/{user['id']}", json={"is_active": False})
    assert response.status_code == 200, response.text
    response = await anon.get(url)
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM_JSON

    await admin.patch(f"/api/v1/users/{user['id']}", json={"is_active": True})
    assert (await anon.get(url)).status_code == 200


async def test_feed_has_follow_ups_events_and_sending_days(client, app, anon):
    busan = await make_city(client, name="Busan", country_code="KR")
    contacts = [(await make_contact(client, full_name=f"Guest {i}"))["id"] for i in range(4)]
    summit = (
        await make_event(
            client,
            name="Smart City Summit & Expo 2025",
            starts_on="2025-03-18",
            ends_on="2025-03-21",
            city_id=busan["id"],
            venue="BEXCO",
        )
    )["id"]
    expo_day = (await make_event(client, name="Expo day", starts_on="2025-05-02"))["id"]
    await make_event(client, name="Someday", starts_on=None)
    archived_event = (await make_event(client, name="Cancelled forum", starts_on="2025-06-01"))[
        "id"
    ]
    # Only the editor's open, live follow-up is in the editor's feed; the undated and the
    # archived events, sent or undated or archived invitations are in nobody's.
    mine = await make_follow_up(
        client, title="Send the MoU draft to Busan", due_on="2025-02-10", assignee_id=EDITOR_ID
    )
    await make_follow_up(
        client, title="Already done", due_on="2025-02-11", assignee_id=EDITOR_ID, status="done"
    )
    someone_elses = await make_follow_up(
        client, title="The viewer's task", due_on="2025-02-12", assignee_id=VIEWER_ID
    )
    archived_task = await make_follow_up(
        client, title="Archived task", due_on="2025-02-13", assignee_id=EDITOR_ID
    )
    await archive(client, "follow-ups", archived_task["id"])
    for contact in contacts[:3]:
        await make_invitation(client, summit, contact, send_on="2025-02-01")
    await make_invitation(client, summit, contacts[3], send_on="2025-02-08")
    await make_invitation(client, expo_day, contacts[0], status="sent", send_on="2025-02-01")
    await make_invitation(client, expo_day, contacts[1])
    gone = await make_invitation(client, expo_day, contacts[2], send_on="2025-02-01")
    await archive(client, f"events/{expo_day}/invitations", gone["id"])
    await make_invitation(client, archived_event, contacts[0], send_on="2025-02-01")
    await archive(client, "events", archived_event)
    mine, someone_elses = mine["id"], someone_elses["id"]

    path = await _feed_path(client)
    entries = _entries(await anon.get(path))

    assert entries.keys() == {
        f"follow-up-{mine}@diplomacy-crm",
        f"event-{summit}@diplomacy-crm",
        f"event-{expo_day}@diplomacy-crm",
        f"invitations-{summit}-2025-02-01@diplomacy-crm",
        f"invitations-{summit}-2025-02-08@diplomacy-crm",
    }
    assert entries[f"follow-up-{mine}@diplomacy-crm"] == {
        "summary": "Send the MoU draft to Busan",
        "start": date(2025, 2, 10),
        "end": date(2025, 2, 11),
        "sequence": 0,
        "has_stamp": True,
        "last_modified": True,
    }
    summit_entry = entries[f"event-{summit}@diplomacy-crm"]
    assert summit_entry["summary"] == "Smart City Summit & Expo 2025"
    # All day from the 18th to the 21st: DTEND is the day after the last (it is exclusive).
    assert (summit_entry["start"], summit_entry["end"]) == (date(2025, 3, 18), date(2025, 3, 22))
    expo_entry = entries[f"event-{expo_day}@diplomacy-crm"]
    assert (expo_entry["start"], expo_entry["end"]) == (date(2025, 5, 2), date(2025, 5, 3))
    sending = entries[f"invitations-{summit}-2025-02-01@diplomacy-crm"]
    assert sending["summary"] == "Send 3 invitations: Smart City Summit & Expo 2025"
    assert (sending["start"], sending["end"]) == (date(2025, 2, 1), date(2025, 2, 2))
    assert sending["has_stamp"] and sending["last_modified"]
    one = entries[f"invitations-{summit}-2025-02-08@diplomacy-crm"]
    assert one["summary"] == "Send 1 invitation: Smart City Summit & Expo 2025"
    assert all(entry["has_stamp"] for entry in entries.values())

    calendar = Calendar.from_ical((await anon.get(path)).content)
    (summit_vevent,) = [
        e for e in calendar.walk("VEVENT") if e["uid"] == f"event-{summit}@diplomacy-crm"
    ]
    assert str(summit_vevent["location"]) == "BEXCO, Busan"

    # The viewer's feed has the viewer's follow-up instead of the editor's.
    viewer_entries = _entries(await anon.get(await _feed_path_for(app, VIEWER_ID)))
    assert f"follow-up-{someone_elses}@diplomacy-crm" in viewer_entries
    assert f"follow-up-{mine}@diplomacy-crm" not in viewer_entries


async def _feed_path_for(app, user_id: int) -> str:
    token = f"test-token-for-user-{user_id}-0123456789abcdef"
    async with app.state.database.write_sessionmaker() as session, session.begin():
        await session.execute(
            update(User).where(User.id == user_id).values(calendar_token_hash=token_hash(token))
        )
    return f"/api/v1/calendar/{token}.ics"


async def test_uids_are_stable_and_sequence_follows_the_version(client, app, anon):
    event_id = (await make_event(client, name="Forum", starts_on="2025-09-01"))["id"]
    path = await _feed_path(client)
    before = _entries(await anon.get(path))
    assert before[f"event-{event_id}@diplomacy-crm"]["sequence"] == 0

    await edit(client, "events", event_id, name="Forum (moved)", starts_on="2025-09-02")

    after = _entries(await anon.get(path))
    assert after.keys() == before.keys()  # the same UID: calendars replace, not duplicate
    entry = after[f"event-{event_id}@diplomacy-crm"]
    assert entry["summary"] == "Forum (moved)" and entry["start"] == date(2025, 9, 2)
    assert entry["sequence"] == 1
    # Nothing changed: the feed is the same, byte for byte.
    assert (await anon.get(path)).content == (await anon.get(path)).content
