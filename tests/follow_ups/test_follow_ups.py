from datetime import UTC, datetime, timedelta

from tests.factories import (
    EDITOR_ID,
    VIEWER_ID,
    make_city,
    make_contact,
    make_event,
    make_follow_up,
    make_interaction,
    make_organization,
    make_user,
    today,
)
from tests.problems import PROBLEM_JSON, pointers
from tests.reading import audit_entries, listed, listed_ids


def _recent(stamp: str) -> bool:
    moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    return abs(datetime.now(UTC) - moment) < timedelta(minutes=5)


async def test_create_read_update_archive_restore(client, app):
    busan = await make_city(client, name="Busan", country_code="KR")
    kim = await make_contact(client, full_name="Kim Min-jun", city_id=busan["id"])
    metropolis = await make_organization(client)
    meeting = await make_interaction(client, contact_ids=[kim["id"]])
    summit = (await make_event(client))["id"]

    response = await client.post(
        "/api/v1/follow-ups",
        json={
            "title": "Send the youth exchange MoU draft",
            "due_on": "2025-03-01",
            "assignee_id": EDITOR_ID,
            "contact_id": kim["id"],
            "city_id": busan["id"],
            "organization_id": metropolis["id"],
            "interaction_id": meeting["id"],
            "event_id": summit,
            "notes": "Ask legal first.",
        },
    )
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["title"] == "Send the youth exchange MoU draft"
    assert created["due_on"] == "2025-03-01"
    assert created["status"] == "open" and created["completed_at"] is None
    assert created["assignee_id"] == EDITOR_ID
    assert created["contact_id"] == kim["id"] and created["city_id"] == busan["id"]
    assert created["organization_id"] == metropolis["id"]
    assert created["interaction_id"] == meeting["id"] and created["event_id"] == summit
    assert created["notes"] == "Ask legal first."
    assert created["version"] == 1 and created["archived_at"] is None
    assert response.headers["location"].endswith(f"/api/v1/follow-ups/{created['id']}")
    assert response.headers["etag"] == '"1"'

    response = await client.get(f"/api/v1/follow-ups/{created['id']}")
    assert response.status_code == 200
    assert response.json() == created
    assert response.headers["etag"] == '"1"'

    response = await client.patch(
        f"/api/v1/follow-ups/{created['id']}",
        json={"title": "Send the MoU draft", "due_on": "2025-03-08", "contact_id": None},
        headers={"If-Match": '"1"'},
    )
    assert response.status_code == 200, response.text
    updated = response.json()
    assert updated["title"] == "Send the MoU draft" and updated["due_on"] == "2025-03-08"
    assert updated["contact_id"] is None and updated["city_id"] == busan["id"]
    assert updated["version"] == 2 and response.headers["etag"] == '"2"'

    response = await client.delete(f"/api/v1/follow-ups/{created['id']}")
    assert response.status_code == 200
    assert response.json()["archived_at"] is not None
    assert await listed_ids(client, "follow-ups") == []
    assert await listed_ids(client, "follow-ups", include_archived=True) == [created["id"]]

    response = await client.post(f"/api/v1/follow-ups/{created['id']}/restore")
    assert response.status_code == 200
    assert response.json()["archived_at"] is None
    assert await listed_ids(client, "follow-ups") == [created["id"]]

    entries = await audit_entries(client, entity="follow_up", entity_id=created["id"])
    assert [e["action"] for e in entries] == ["restore", "archive", "update", "create"]
    assert all(e["entity"] == "follow_up" and e["actor"] == "editor" for e in entries)
    create, update = entries[3], entries[2]
    assert create["changes"]["title"] == {"old": None, "new": "Send the youth exchange MoU draft"}
    assert create["changes"]["assignee_id"] == {"old": None, "new": EDITOR_ID}
    assert update["changes"] == {
        "title": {"old": "Send the youth exchange MoU draft", "new": "Send the MoU draft"},
        "due_on": {"old": "2025-03-01", "new": "2025-03-08"},
        "contact_id": {"old": kim["id"], "new": None},
    }


async def test_title_and_due_on_are_required(client):
    response = await client.post("/api/v1/follow-ups", json={})
    assert response.status_code == 422
    assert pointers(response) == {"/title", "/due_on"}
    response = await client.post("/api/v1/follow-ups", json={"title": "  ", "due_on": "2025-03-01"})
    assert response.status_code == 422
    assert pointers(response) == {"/title"}
    response = await client.post(
        "/api/v1/follow-ups", json={"title": "Call back", "due_on": "soon", "status": "later"}
    )
    assert response.status_code == 422
    assert pointers(response) == {"/due_on", "/status"}

    follow_up = await make_follow_up(client)
    for field in ("title", "due_on", "status"):
        response = await client.patch(f"/api/v1/follow-ups/{follow_up['id']}", json={field: None})
        assert response.status_code == 422, field
        assert pointers(response) == {f"/{field}"}
    assert (await client.get(f"/api/v1/follow-ups/{follow_up['id']}")).json() == follow_up
    assert await listed_ids(client, "follow-ups") == [follow_up["id"]]


async def test_unknown_fields_are_refused(client):
    response = await client.post(
        "/api/v1/follow-ups", json={"title": "Call", "due_on": "2025-03-01", "priority": "high"}
    )
    assert response.status_code == 422
    assert pointers(response) == {"/priority"}
    assert await listed_ids(client, "follow-ups", include_archived=True) == []


async def test_missing_follow_up_is_404(client):
    for method in ("GET", "PATCH", "DELETE"):
        response = await client.request(method, "/api/v1/follow-ups/999999", json={})
        assert response.status_code == 404, method
        assert response.headers["content-type"] == PROBLEM_JSON
        assert "Follow-up 999999" in response.json()["detail"]


# completed_at ------------------------------------------------------------------------------


async def test_completed_at_is_stamped_when_done_and_cleared_when_reopened(client):
    follow_up = await make_follow_up(client)
    url = f"/api/v1/follow-ups/{follow_up['id']}"
    assert follow_up["completed_at"] is None

    response = await client.patch(url, json={"status": "done"})
    assert response.status_code == 200, response.text
    done = response.json()
    assert done["status"] == "done" and done["completed_at"] is not None
    assert _recent(done["completed_at"])

    # Other edits of a done follow-up keep the moment it was done.
    response = await client.patch(url, json={"notes": "Sent by e-mail", "status": "done"})
    assert response.status_code == 200, response.text
    assert response.json()["completed_at"] == done["completed_at"]

    response = await client.patch(url, json={"status": "open"})
    assert response.status_code == 200
    assert response.json()["status"] == "open" and response.json()["completed_at"] is None

    response = await client.patch(url, json={"status": "done"})
    assert response.json()["completed_at"] is not None
    response = await client.patch(url, json={"status": "cancelled"})
    assert response.json()["status"] == "cancelled"
    assert response.json()["completed_at"] is None

    entries = await audit_entries(client, entity="follow_up", entity_id=follow_up["id"])
    first_done = entries[-2]["changes"]
    assert first_done["status"] == {"old": "open", "new": "done"}
    assert first_done["completed_at"]["old"] is None and first_done["completed_at"]["new"]
    assert entries[0]["changes"]["completed_at"]["new"] is None


async def test_created_done_is_stamped_and_cancelled_is_not(client):
    done = await make_follow_up(client, status="done")
    assert done["status"] == "done" and _recent(done["completed_at"])
    cancelled = await make_follow_up(client, status="cancelled")
    assert cancelled["completed_at"] is None


async def test_clients_cannot_set_completed_at(client):
    response = await client.post(
        "/api/v1/follow-ups",
        json={"title": "Call", "due_on": "2025-03-01", "completed_at": "2025-03-01T10:00:00Z"},
    )
    assert response.status_code == 422
    assert pointers(response) == {"/completed_at"}
    follow_up = await make_follow_up(client)
    response = await client.patch(
        f"/api/v1/follow-ups/{follow_up['id']}",
        json={"status": "done", "completed_at": "2025-03-01T10:00:00Z"},
    )
    assert response.status_code == 422
    assert pointers(response) == {"/completed_at"}
    read = (await client.get(f"/api/v1/follow-ups/{follow_up['id']}")).json()
    assert read["status"] == "open" and read["completed_at"] is None


# the assignee ------------------------------------------------------------------------------


async def test_assignee_must_exist(client):
    response = await client.post(
        "/api/v1/follow-ups", json={"title": "Call", "due_on": "2025-03-01", "assignee_id": 9999}
    )
    assert response.status_code == 422
    assert pointers(response) == {"/assignee_id"}
    assert "user 9999 does not exist" in response.json()["detail"]

    follow_up = await make_follow_up(client)
    response = await client.patch(
        f"/api/v1/follow-ups/{follow_up['id']}", json={"assignee_id": 9999}
    )
    assert response.status_code == 422
    assert pointers(response) == {"/assignee_id"}
    assert await listed_ids(client, "follow-ups", include_archived=True) == [follow_up["id"]]


async def test_assignee_must_be_active(client, admin):
    retired = (await make_user(admin, "retired", is_active=False))["id"]
    response = await client.post(
        "/api/v1/follow-ups",
        json={"title": "Call", "due_on": "2025-03-01", "assignee_id": retired},
    )
    assert response.status_code == 422
    assert pointers(response) == {"/assignee_id"}
    assert "deactivated" in response.json()["detail"]

    follow_up = await make_follow_up(client, assignee_id=EDITOR_ID)
    response = await client.patch(
        f"/api/v1/follow-ups/{follow_up['id']}", json={"assignee_id": retired}
    )
    assert response.status_code == 422
    assert pointers(response) == {"/assignee_id"}
    assert (await client.get(f"/api/v1/follow-ups/{follow_up['id']}")).json()[
        "assignee_id"
    ] == EDITOR_ID
    assert await listed_ids(client, "follow-ups") == [follow_up["id"]]


async def test_assignee_can_be_changed_and_removed(client):
    follow_up = await make_follow_up(client)
    assert follow_up["assignee_id"] is None
    url = f"/api/v1/follow-ups/{follow_up['id']}"
    response = await client.patch(url, json={"assignee_id": VIEWER_ID})
    assert response.status_code == 200 and response.json()["assignee_id"] == VIEWER_ID
    response = await client.patch(url, json={"assignee_id": None})
    assert response.status_code == 200 and response.json()["assignee_id"] is None


async def test_an_assignee_deactivated_later_does_not_block_other_edits(client, admin):
    response = await admin.post(
        "/api/v1/users", json={"username": "leaving", "password": "long-enough-pw"}
    )
    leaving = response.json()["id"]
    follow_up = await make_follow_up(client, assignee_id=leaving)
    response = await admin.patch(f"/api/v1/users/{leaving}", json={"is_active": False})
    assert response.status_code == 200

    url = f"/api/v1/follow-ups/{follow_up['id']}"
    response = await client.patch(url, json={"title": "Reassign me", "assignee_id": leaving})
    assert response.status_code == 200, response.text
    assert response.json()["assignee_id"] == leaving


# links -------------------------------------------------------------------------------------


async def _linkable(client, app) -> dict[str, tuple[int, int]]:
    """For each link field: (a live record's id, an archived record's id)."""
    cities = [await make_city(client, name=n) for n in ("Houston", "Austin")]
    contacts = [await make_contact(client, full_name=n) for n in ("Kadri Tamm", "Mari Kask")]
    organizations = [await make_organization(client, name=n) for n in ("Metropolis", "UCLG")]
    interactions = [await make_interaction(client, title=t) for t in ("Call", "Visit")]
    events = [await make_event(client, name=n) for n in ("Smart City Summit", "Old fair")]
    records = {
        "city_id": ("cities", [c["id"] for c in cities]),
        "contact_id": ("contacts", [c["id"] for c in contacts]),
        "organization_id": ("organizations", [o["id"] for o in organizations]),
        "interaction_id": ("interactions", [i["id"] for i in interactions]),
        "event_id": ("events", [e["id"] for e in events]),
    }
    links = {}
    for field, (path, (live, archived)) in records.items():
        assert (await client.delete(f"/api/v1/{path}/{archived}")).status_code == 200
        links[field] = (live, archived)
    return links


async def test_each_link_must_exist_and_be_live(client, app):
    links = await _linkable(client, app)
    base = {"title": "Call", "due_on": "2025-03-01"}
    for field, (_, archived) in links.items():
        for bad, words in ((999999, "does not exist"), (archived, "is archived")):
            response = await client.post("/api/v1/follow-ups", json={**base, field: bad})
            assert response.status_code == 422, (field, bad)
            assert pointers(response) == {f"/{field}"}, field
            assert words in response.json()["detail"], field
    assert await listed_ids(client, "follow-ups", include_archived=True) == []

    follow_up = await make_follow_up(client, **{f: live for f, (live, _) in links.items()})
    url = f"/api/v1/follow-ups/{follow_up['id']}"
    for field, (_, archived) in links.items():
        response = await client.patch(url, json={"title": "Changed", field: archived})
        assert response.status_code == 422, field
        assert pointers(response) == {f"/{field}"}, field
    assert (await client.get(url)).json() == follow_up


async def test_links_archived_later_do_not_block_edits(client):
    city = await make_city(client)
    follow_up = await make_follow_up(client, city_id=city["id"])
    assert (await client.delete(f"/api/v1/cities/{city['id']}")).status_code == 200
    response = await client.patch(
        f"/api/v1/follow-ups/{follow_up['id']}", json={"status": "done", "city_id": city["id"]}
    )
    assert response.status_code == 200, response.text
    assert response.json()["city_id"] == city["id"]


# roles and ETags ---------------------------------------------------------------------------


async def test_viewer_reads_but_cannot_write(client, viewer):
    follow_up = await make_follow_up(client)
    url = f"/api/v1/follow-ups/{follow_up['id']}"
    assert (await viewer.get(url)).status_code == 200
    assert [f["id"] for f in await listed(viewer, "follow-ups")] == [follow_up["id"]]
    attempts = [
        ("POST", "/api/v1/follow-ups", {"title": "Mine", "due_on": "2025-03-01"}),
        ("PATCH", url, {"title": "Mine"}),
        ("DELETE", url, None),
        ("POST", f"{url}/restore", None),
    ]
    for method, path, body in attempts:
        response = await viewer.request(method, path, json=body)
        assert response.status_code == 403, (method, path)
        assert response.headers["content-type"] == PROBLEM_JSON
    assert (await client.get(url)).json() == follow_up
    assert await listed_ids(client, "follow-ups", include_archived=True) == [follow_up["id"]]


async def test_stale_if_match_is_412(client):
    follow_up = await make_follow_up(client)
    url = f"/api/v1/follow-ups/{follow_up['id']}"
    assert (await client.patch(url, json={"title": "Second"})).status_code == 200

    response = await client.patch(url, json={"title": "Lost update"}, headers={"If-Match": '"1"'})
    assert response.status_code == 412
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json()["current_etag"] == '"2"'
    response = await client.delete(url, headers={"If-Match": '"1"'})
    assert response.status_code == 412
    read = (await client.get(url)).json()
    assert read["title"] == "Second" and read["archived_at"] is None and read["version"] == 2

    response = await client.patch(url, json={"title": "Third"}, headers={"If-Match": '"2"'})
    assert response.status_code == 200 and response.headers["etag"] == '"3"'


# the list ----------------------------------------------------------------------------------


async def test_default_order_is_soonest_due_first(client):
    late = await make_follow_up(client, title="Alpha", due_on="2025-06-01")
    early = await make_follow_up(client, title="Bravo", due_on="2025-01-15")
    middle = await make_follow_up(client, title="Charlie", due_on="2025-03-01", status="done")
    same_day = await make_follow_up(client, title="Delta", due_on="2025-03-01")
    response = await client.get("/api/v1/follow-ups")
    page = response.json()
    assert [f["id"] for f in page["items"]] == [
        early["id"],
        middle["id"],
        same_day["id"],
        late["id"],
    ]
    assert page["total"] == 4 and page["limit"] == 50 and page["offset"] == 0

    assert await listed_ids(client, "follow-ups", sort="-due_on") == [
        late["id"],
        middle["id"],
        same_day["id"],
        early["id"],
    ]
    assert await listed_ids(client, "follow-ups", sort="title") == [
        late["id"],
        early["id"],
        middle["id"],
        same_day["id"],
    ]
    # "done" before "open"; then the id breaks the tie.
    assert await listed_ids(client, "follow-ups", sort="status") == [
        middle["id"],
        late["id"],
        early["id"],
        same_day["id"],
    ]
    assert await listed_ids(client, "follow-ups", sort="-id") == sorted(
        [late["id"], early["id"], middle["id"], same_day["id"]], reverse=True
    )
    assert await listed_ids(client, "follow-ups", sort="created_at") == [
        late["id"],
        early["id"],
        middle["id"],
        same_day["id"],
    ]

    response = await client.get("/api/v1/follow-ups", params={"limit": 2, "offset": 1})
    assert [f["id"] for f in response.json()["items"]] == [middle["id"], same_day["id"]]
    assert response.json()["total"] == 4

    response = await client.get("/api/v1/follow-ups", params={"sort": "notes"})
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json()["errors"][0]["parameter"] == "sort"


async def test_filter_by_status_and_assignee(client):
    open_mine = await make_follow_up(client, assignee_id=EDITOR_ID)
    done_mine = await make_follow_up(client, assignee_id=EDITOR_ID, status="done")
    open_theirs = await make_follow_up(client, assignee_id=VIEWER_ID)
    cancelled = await make_follow_up(client, status="cancelled")

    assert await listed_ids(client, "follow-ups", status="open") == [
        open_mine["id"],
        open_theirs["id"],
    ]
    assert await listed_ids(client, "follow-ups", status="done") == [done_mine["id"]]
    assert await listed_ids(client, "follow-ups", status="cancelled") == [cancelled["id"]]
    assert await listed_ids(client, "follow-ups", assignee_id=EDITOR_ID) == [
        open_mine["id"],
        done_mine["id"],
    ]
    assert await listed_ids(client, "follow-ups", assignee_id=VIEWER_ID, status="open") == [
        open_theirs["id"]
    ]
    assert await listed_ids(client, "follow-ups", assignee_id=1) == []

    response = await client.get("/api/v1/follow-ups", params={"status": "pending"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["parameter"] == "status"


async def test_due_before_and_due_after_are_exclusive(client):
    days = ["2025-03-01", "2025-03-02", "2025-03-03", "2025-03-04"]
    ids = [(await make_follow_up(client, due_on=day))["id"] for day in days]

    assert await listed_ids(client, "follow-ups", due_before="2025-03-03") == ids[:2]
    assert await listed_ids(client, "follow-ups", due_after="2025-03-02") == ids[2:]
    assert (
        await listed_ids(client, "follow-ups", due_after="2025-03-01", due_before="2025-03-04")
        == ids[1:3]
    )
    assert (
        await listed_ids(client, "follow-ups", due_after="2025-03-02", due_before="2025-03-03")
        == []
    )
    assert await listed_ids(client, "follow-ups", due_before="2025-03-01") == []
    assert await listed_ids(client, "follow-ups", due_after="2025-03-04") == []

    for params in (
        {"due_after": "2025-03-03", "due_before": "2025-03-03"},
        {"due_after": "2025-03-04", "due_before": "2025-03-01"},
    ):
        response = await client.get("/api/v1/follow-ups", params=params)
        assert response.status_code == 422, params
        assert response.headers["content-type"] == PROBLEM_JSON
        assert response.json()["errors"][0]["parameter"] == "due_before"
    response = await client.get("/api/v1/follow-ups", params={"due_before": "next week"})
    assert response.status_code == 422


async def test_overdue_means_open_and_due_before_today(client):
    overdue = await make_follow_up(client, title="Late", due_on=today(-1))
    long_overdue = await make_follow_up(client, title="Very late", due_on=today(-30))
    due_today = await make_follow_up(client, title="Today", due_on=today())
    upcoming = await make_follow_up(client, title="Soon", due_on=today(3))
    done_late = await make_follow_up(client, title="Done", due_on=today(-5), status="done")
    cancelled = await make_follow_up(client, title="Dropped", due_on=today(-5), status="cancelled")
    archived = await make_follow_up(client, title="Archived", due_on=today(-2))
    assert (await client.delete(f"/api/v1/follow-ups/{archived['id']}")).status_code == 200

    assert await listed_ids(client, "follow-ups", overdue=True) == [
        long_overdue["id"],
        overdue["id"],
    ]
    assert await listed_ids(client, "follow-ups", overdue=False) == [
        done_late["id"],
        cancelled["id"],
        due_today["id"],
        upcoming["id"],
    ]
    assert await listed_ids(client, "follow-ups", overdue=True, include_archived=True) == [
        long_overdue["id"],
        archived["id"],
        overdue["id"],
    ]

    # Reopening a late follow-up makes it overdue again.
    response = await client.patch(f"/api/v1/follow-ups/{done_late['id']}", json={"status": "open"})
    assert response.status_code == 200
    assert done_late["id"] in await listed_ids(client, "follow-ups", overdue=True)


async def test_filter_by_each_link(client, app):
    city = await make_city(client)
    contact = await make_contact(client)
    organization = await make_organization(client)
    interaction = await make_interaction(client)
    event = (await make_event(client))["id"]
    links = {
        "city_id": city["id"],
        "contact_id": contact["id"],
        "organization_id": organization["id"],
        "interaction_id": interaction["id"],
        "event_id": event,
    }
    unlinked = await make_follow_up(client, title="Nothing linked")
    linked = {
        field: await make_follow_up(client, **{field: value}) for field, value in links.items()
    }
    everything = await make_follow_up(client, title="All linked", **links)

    for field, value in links.items():
        expected = [linked[field]["id"], everything["id"]]
        assert await listed_ids(client, "follow-ups", **{field: value}) == expected, field
        assert await listed_ids(client, "follow-ups", **{field: 999999}) == [], field
    assert await listed_ids(client, "follow-ups", city_id=city["id"], contact_id=contact["id"]) == [
        everything["id"]
    ]
    assert unlinked["id"] in await listed_ids(client, "follow-ups")


async def test_q_matches_part_of_the_title_ignoring_case(client):
    mou = await make_follow_up(client, title="Send the MoU draft")
    venue = await make_follow_up(client, title="Book THE venue")
    budget = await make_follow_up(client, title="Budget 100% approved")
    assert await listed_ids(client, "follow-ups", q="mou") == [mou["id"]]
    assert await listed_ids(client, "follow-ups", q="The") == [mou["id"], venue["id"]]
    # LIKE wildcards are matched literally.
    assert await listed_ids(client, "follow-ups", q="%") == [budget["id"]]
    assert await listed_ids(client, "follow-ups", q="_") == []
