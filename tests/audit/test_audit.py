import asyncio
from datetime import UTC, datetime, timedelta

from tests.factories import make_city, make_contact, make_interaction
from tests.problems import PROBLEM_JSON
from tests.reading import audit_entries


async def _total(client) -> int:
    response = await client.get("/api/v1/audit", params={"limit": 1})
    assert response.status_code == 200
    return response.json()["total"]


async def test_create_update_archive_restore_are_audited(client):
    contact = await make_contact(client, full_name="Kadri Tamm", email="kadri@tallinn.example")
    cid = contact["id"]
    response = await client.patch(
        f"/api/v1/contacts/{cid}", json={"position": "Mayor", "full_name": "Kadri Tamm"}
    )
    assert response.status_code == 200
    assert (await client.delete(f"/api/v1/contacts/{cid}")).status_code == 200
    assert (await client.post(f"/api/v1/contacts/{cid}/restore")).status_code == 200

    entries = await audit_entries(client, entity="contact", entity_id=cid)
    # Newest first.
    assert [e["action"] for e in entries] == ["restore", "archive", "update", "create"]
    assert all(e["actor"] == "editor" for e in entries)
    assert all(e["entity"] == "contact" and e["entity_id"] == cid for e in entries)
    restore, archive, update, create = entries

    assert create["changes"]["full_name"] == {"old": None, "new": "Kadri Tamm"}
    assert create["changes"]["email"] == {"old": None, "new": "kadri@tallinn.example"}
    # Only what really changed: the unchanged full_name is not in the update.
    assert update["changes"] == {"position": {"old": None, "new": "Mayor"}}

    archived_at = archive["changes"]["archived_at"]
    assert archived_at["old"] is None and archived_at["new"]
    assert datetime.fromisoformat(archived_at["new"]).tzinfo is not None
    assert restore["changes"]["archived_at"]["new"] is None
    assert restore["changes"]["archived_at"]["old"] == archived_at["new"]

    for entry in entries:
        occurred_at = datetime.fromisoformat(entry["occurred_at"].replace("Z", "+00:00"))
        assert abs(datetime.now(UTC) - occurred_at) < timedelta(minutes=5)


async def test_a_patch_that_changes_nothing_writes_no_entry(client):
    contact = await make_contact(client, position="Mayor")
    before = await _total(client)
    response = await client.patch(f"/api/v1/contacts/{contact['id']}", json={"position": "Mayor"})
    assert response.status_code == 200
    assert await _total(client) == before


async def test_interaction_link_changes_are_audited(client):
    city = await make_city(client)
    contact = await make_contact(client, city_id=city["id"])
    interaction = await make_interaction(client)
    response = await client.patch(
        f"/api/v1/interactions/{interaction['id']}", json={"contact_ids": [contact["id"]]}
    )
    assert response.status_code == 200
    update = (await audit_entries(client, entity="interaction", entity_id=interaction["id"]))[0]
    assert update["action"] == "update"
    assert update["changes"]["contact_ids"] == {"old": [], "new": [contact["id"]]}
    assert update["changes"]["city_ids"] == {"old": [], "new": [city["id"]]}


async def test_filters_and_paging(client, admin):
    houston = await make_city(client, name="Houston")
    await asyncio.sleep(0.02)
    middle = datetime.now(UTC)
    await asyncio.sleep(0.02)
    busan = await admin.post("/api/v1/cities", json={"name": "Busan", "country_code": "KR"})
    busan = busan.json()
    await client.patch(f"/api/v1/cities/{houston['id']}", json={"region": "Texas"})
    contact = await make_contact(client)

    everything = await audit_entries(client)
    assert len(everything) == 4

    by_entity = await audit_entries(client, entity="city")
    assert {(e["entity_id"], e["action"]) for e in by_entity} == {
        (houston["id"], "create"),
        (busan["id"], "create"),
        (houston["id"], "update"),
    }
    by_id = await audit_entries(client, entity="city", entity_id=houston["id"])
    assert [e["action"] for e in by_id] == ["update", "create"]
    assert [e["entity_id"] for e in await audit_entries(client, entity="contact")] == [
        contact["id"]
    ]

    by_actor = await audit_entries(client, actor="admin")
    assert [(e["entity_id"], e["action"]) for e in by_actor] == [(busan["id"], "create")]
    assert len(await audit_entries(client, actor="editor")) == 3
    assert await audit_entries(client, actor="nobody") == []

    since = await audit_entries(client, since=middle.isoformat())
    assert len(since) == 3
    assert ("city", houston["id"], "create") not in {
        (e["entity"], e["entity_id"], e["action"]) for e in since
    }
    until = await audit_entries(client, until=middle.isoformat())
    assert [(e["entity"], e["entity_id"], e["action"]) for e in until] == [
        ("city", houston["id"], "create")
    ]
    # A time in another zone means the same instant.
    taipei_time = middle.astimezone(datetime.now(UTC).astimezone().tzinfo).isoformat()
    assert len(await audit_entries(client, since=taipei_time)) == 3
    future = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    assert await audit_entries(client, since=future) == []

    # Pages are disjoint, newest first, and add up to the whole.
    first = (await client.get("/api/v1/audit", params={"limit": 3})).json()
    second = (await client.get("/api/v1/audit", params={"limit": 3, "offset": 3})).json()
    assert first["total"] == second["total"] == 4
    assert len(first["items"]) == 3 and len(second["items"]) == 1
    assert [e["id"] for e in first["items"] + second["items"]] == [e["id"] for e in everything]
    times = [e["occurred_at"] for e in everything]
    assert times == sorted(times, reverse=True)


async def test_invalid_filters_are_422(client):
    for params in (
        {"entity": "spaceship"},
        {"entity_id": "abc"},
        {"since": "last tuesday"},
        {"limit": 201},
        {"sort": "actor"},
    ):
        response = await client.get("/api/v1/audit", params=params)
        assert response.status_code == 422, params
        assert response.headers["content-type"] == PROBLEM_JSON


async def test_viewer_cannot_read_the_audit_trail(viewer, admin):
    response = await viewer.get("/api/v1/audit")
    assert response.status_code == 403
    assert response.headers["content-type"] == PROBLEM_JSON
    assert (await admin.get("/api/v1/audit")).status_code == 200


async def test_the_audit_trail_is_read_only(client, admin):
    await make_city(client)
    entry = (await audit_entries(client))[0]
    for api in (client, admin):
        for method in ("POST", "PUT", "PATCH", "DELETE"):
            response = await api.request(method, "/api/v1/audit", json={"actor": "x"})
            assert response.status_code == 405, method
            assert response.headers["content-type"] == PROBLEM_JSON
            response = await api.request(method, f"/api/v1/audit/{entry['id']}", json={})
            assert response.status_code in (404, 405), method
    assert await audit_entries(client) == [entry]


async def test_failed_requests_leave_no_entry(client, admin):
    city = await make_city(client)
    archived_city = await make_city(client, name="Gone")
    await client.delete(f"/api/v1/cities/{archived_city['id']}")
    contact = await make_contact(client, email="taken@example.com")
    other = await make_contact(client, full_name="Other", email="other@example.com")
    await client.delete(f"/api/v1/contacts/{other['id']}")
    await make_contact(client, full_name="New Other", email="other@example.com")
    before = await _total(client)

    failures = [
        # duplicate e-mail on create and on update
        ("POST", "/api/v1/contacts", {"full_name": "Dup", "email": "TAKEN@example.com"}, 409),
        (
            "PATCH",
            f"/api/v1/contacts/{contact['id']}",
            {"email": "other@example.com", "position": "Mayor"},
            409,
        ),
        # restoring into a taken address
        ("POST", f"/api/v1/contacts/{other['id']}/restore", None, 409),
        # bad references
        ("POST", "/api/v1/contacts", {"full_name": "X", "city_id": archived_city["id"]}, 422),
        (
            "PATCH",
            f"/api/v1/contacts/{contact['id']}",
            {"position": "Mayor", "organization_id": 999999},
            422,
        ),
        (
            "POST",
            "/api/v1/interactions",
            {"kind": "call", "occurred_on": "2024-01-01", "title": "T", "contact_ids": [999999]},
            422,
        ),
        # stale ETag
        ("PATCH", f"/api/v1/cities/{city['id']}", {"region": "X"}, 412),
        ("DELETE", f"/api/v1/cities/{city['id']}", None, 412),
        # invalid body
        ("POST", "/api/v1/contacts", {"full_name": "X", "email": "nope"}, 422),
    ]
    for method, path, body, status in failures:
        headers = {"If-Match": '"99"'} if status == 412 else {}
        response = await client.request(method, path, json=body, headers=headers)
        assert response.status_code == status, (method, path, response.text)
        assert await _total(client) == before, (method, path)

    # The user administration refuses the same way.
    response = await admin.post("/api/v1/users", json={"username": "editor", "password": "x" * 8})
    assert response.status_code == 409
    response = await admin.patch("/api/v1/users/1", json={"role": "viewer", "full_name": "Boss"})
    assert response.status_code == 409
    assert await _total(client) == before


async def test_user_changes_are_audited_without_the_password_hash(admin):
    password = "first-password-123"
    response = await admin.post(
        "/api/v1/users",
        json={"username": "newbie", "password": password, "role": "viewer", "full_name": "New B"},
    )
    assert response.status_code == 201
    user = response.json()
    response = await admin.patch(
        f"/api/v1/users/{user['id']}", json={"role": "editor", "password": "second-password-456"}
    )
    assert response.status_code == 200

    entries = await audit_entries(admin, entity="user", entity_id=user["id"])
    assert [e["action"] for e in entries] == ["update", "create"]
    assert all(e["actor"] == "admin" for e in entries)
    update, create = entries
    assert create["changes"]["username"] == {"old": None, "new": "newbie"}
    assert create["changes"]["role"] == {"old": None, "new": "viewer"}
    assert update["changes"]["role"] == {"old": "viewer", "new": "editor"}
    # It says the password changed, never what it is or its hash.
    assert "password" in update["changes"]
    for entry in entries:
        text = str(entry)
        assert password not in text and "second-password-456" not in text
        assert "$argon2" not in text and "$2b$" not in text
        hashed = entry["changes"].get("password_hash", {}).get("new")
        assert hashed is None or not str(hashed).startswith("$")
