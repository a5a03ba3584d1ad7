"""The demo data, loaded into the test database and read back as a client would."""

from datetime import date, timedelta

import pytest

from app.demo import load_demo
from tests.factories import today as desk_today

CONFERENCE_DAY = "2024-11-18"


@pytest.fixture
async def demo(app, client):
    """The demo loaded into the (empty) test database; the client's cleanup removes it."""
    async with app.state.database.write_sessionmaker() as session, session.begin():
        # The standing admin plays the bootstrap admin.
        await load_demo(session, assignee_id=1, today=today())
    return client


async def city_id(client, name: str) -> int:
    response = await client.get("/api/v1/cities", params={"q": name})
    assert response.status_code == 200, response.text
    matches = [c["id"] for c in response.json()["items"] if c["name"] == name]
    assert len(matches) == 1, f"{name}: {response.json()}"
    return matches[0]


async def timeline(client, city: str) -> list[dict]:
    response = await client.get(
        f"/api/v1/cities/{await city_id(client, city)}/timeline", params={"limit": 200}
    )
    assert response.status_code == 200, response.text
    return response.json()["items"]


async def conference(client) -> dict:
    response = await client.get(
        "/api/v1/interactions",
        params={
            "kind": "conference",
            "occurred_from": CONFERENCE_DAY,
            "occurred_to": CONFERENCE_DAY,
        },
    )
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert len(items) == 1, items
    return items[0]


async def test_busan_is_found_by_its_chinese_name_and_in_latin_letters(demo):
    busan = await city_id(demo, "Busan")
    for q in ("釜山", "busan", "부산", "BUSAN"):
        response = await demo.get("/api/v1/search", params={"q": q})
        assert response.status_code == 200, response.text
        items = response.json()["items"]
        assert items, q
        assert items[0] == {"type": "city", "id": busan, "label": "Busan"}, q


async def test_other_demo_records_are_found(demo):
    async def labels(q):
        response = await demo.get("/api/v1/search", params={"q": q})
        assert response.status_code == 200, response.text
        return [(i["type"], i["label"]) for i in response.json()["items"]]

    assert ("city", "Chișinău") in await labels("chisinau")
    assert await labels("김민준") == [("contact", "Kim Min-jun")]
    assert ("organization", "ICLEI – Local Governments for Sustainability") in await labels("iclei")
    assert ("city", "Taipei") in await labels("臺北")


async def test_houston_timeline_shows_the_1961_sister_city_signing(demo):
    items = await timeline(demo, "Houston")
    signings = [i for i in items if i["type"] == "partnership"]
    assert [(s["date"], s["record"]["kind"]) for s in signings] == [("1961-06-15", "sister_city")]
    assert signings[0]["record"]["signed_on"] == "1961-06-15"
    # Newest first: the signing is the oldest entry, after the later interactions.
    dates = [i["date"] for i in items]
    assert dates == sorted(dates, reverse=True)
    assert dates[-1] == "1961-06-15"
    assert len(items) > 1


async def test_johannesburg_has_the_2012_letter_and_the_2024_conference(demo):
    items = await timeline(demo, "Johannesburg")
    interactions = [i for i in items if i["type"] == "interaction"]
    assert any(i["date"].startswith("2012-") for i in interactions), items
    course = [i for i in interactions if i["record"]["kind"] == "conference"]
    assert [c["date"] for c in course] == [CONFERENCE_DAY]
    # The sister-city agreement has no recorded signing date, so it is not on the timeline.
    assert [i for i in items if i["type"] == "partnership"] == []
    dates = [i["date"] for i in items]
    assert dates == sorted(dates, reverse=True)


async def test_six_fictional_delegates_are_linked_to_the_conference(demo):
    course = await conference(demo)
    assert len(course["contact_ids"]) == 6
    assert len(set(course["contact_ids"])) == 6
    assert course["location"] == "Barcelona"

    cities = set()
    for contact_id in course["contact_ids"]:
        response = await demo.get(f"/api/v1/contacts/{contact_id}")
        assert response.status_code == 200, response.text
        contact = response.json()
        assert "fictional" in (contact["notes"] or "").lower(), contact
        assert contact["email"].endswith("@example.org")
        cities.add(contact["city_name"])

        response = await demo.get(f"/api/v1/contacts/{contact_id}/timeline")
        assert response.status_code == 200
        assert course["id"] in [i["record"]["id"] for i in response.json()["items"]]
    assert cities == {"Johannesburg", "Busan", "Chișinău", "Gaziantep", "Tallinn", "Brussels"}


async def test_every_demo_contact_says_it_is_fictional(demo):
    response = await demo.get("/api/v1/contacts", params={"limit": 200})
    assert response.status_code == 200, response.text
    contacts = response.json()["items"]
    assert len(contacts) == 6
    for contact in contacts:
        assert "fictional" in (contact["notes"] or "").lower(), contact["full_name"]


async def test_the_demo_has_no_partnership_with_the_home_city(demo):
    taipei = await city_id(demo, "Taipei")
    response = await demo.get("/api/v1/partnerships", params={"city_id": taipei})
    assert response.status_code == 200
    assert response.json()["total"] == 0
    response = await demo.get("/api/v1/partnerships")
    assert response.json()["total"] == 2


def today() -> date:
    return date.fromisoformat(desk_today())


def upcoming_name() -> str:
    return f"Smart City Summit & Expo {(today() + timedelta(days=91)).year}"


async def test_events_with_planned_invitations_for_the_course_delegates(demo):
    events = (await demo.get("/api/v1/events", params={"limit": 100})).json()["items"]
    by_name = {e["name"]: e for e in events}
    assert set(by_name) == {
        "Smart City Summit & Expo 2025",
        "2025 World Masters Games",
        upcoming_name(),
    }
    summit = by_name["Smart City Summit & Expo 2025"]
    assert summit["starts_on"].startswith("2025-03")
    assert by_name["2025 World Masters Games"]["starts_on"].startswith("2025-05")
    assert summit["invitation_counts"]["planned"] == 6

    response = await demo.get(f"/api/v1/events/{summit['id']}/invitations")
    invitations = response.json()["items"]
    assert len(invitations) == 6
    assert all(i["status"] == "planned" and i["send_on"] for i in invitations)
    delegates = {c["id"] for c in (await demo.get("/api/v1/contacts")).json()["items"]}
    assert {i["contact_id"] for i in invitations} == delegates


async def test_an_upcoming_summit_with_invitations_to_send_this_week(demo):
    response = await demo.get("/api/v1/events", params={"limit": 100})
    summit = next(e for e in response.json()["items"] if e["name"] == upcoming_name())
    starts_on = date.fromisoformat(summit["starts_on"])
    assert 80 <= (starts_on - today()).days <= 100
    assert summit["invitation_counts"]["planned"] == 6
    response = await demo.get(f"/api/v1/events/{summit['id']}/invitations")
    items = response.json()["items"]
    days = sorted((date.fromisoformat(i["send_on"]) - today()).days for i in items)
    assert days[0] < 0  # one is late
    assert all(-7 <= d <= 7 for d in days), days


async def test_open_follow_up_to_reconnect_with_johannesburg(demo):
    johannesburg = await city_id(demo, "Johannesburg")
    response = await demo.get(
        "/api/v1/follow-ups", params={"city_id": johannesburg, "status": "open"}
    )
    items = response.json()["items"]
    assert len(items) == 1, items
    assert items[0]["assignee_id"] == 1
    assert "Johannesburg" in items[0]["title"]
