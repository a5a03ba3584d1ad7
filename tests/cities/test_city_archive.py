"""Archiving a city that still has live contacts or active partnerships is refused (409
naming them) unless ``cascade=true``, which archives them with it in one transaction."""

from tests.factories import make_city, make_contact, make_event, make_invitation, make_partnership
from tests.problems import assert_problem
from tests.reading import audit_entries, listed


async def _city_with_links(client):
    city = await make_city(client, name="Busan", country_code="KR")
    kim = await make_contact(client, full_name="Kim Min-jun", city_id=city["id"])
    lee = await make_contact(client, full_name="Lee Ji-eun", city_id=city["id"])
    partnership = await make_partnership(client, city["id"])
    ended = await make_partnership(client, city["id"], status="ended")
    return city, [kim, lee], partnership, ended


async def test_a_city_with_live_contacts_or_active_partnerships_is_not_archived(client):
    city, (kim, lee), partnership, _ended = await _city_with_links(client)
    body = assert_problem(await client.delete(f"/api/v1/cities/{city['id']}"), 409, "conflict")
    assert body["contacts"] == [
        {"id": kim["id"], "full_name": "Kim Min-jun"},
        {"id": lee["id"], "full_name": "Lee Ji-eun"},
    ]
    assert body["partnerships"] == [{"id": partnership["id"], "kind": "sister_city"}]
    assert body["contact_count"] == 2 and body["partnership_count"] == 1
    assert "cascade=true" in body["detail"]
    assert (await client.get(f"/api/v1/cities/{city['id']}")).json()["archived_at"] is None
    assert await audit_entries(client, "city", action="archive") == []


async def test_only_a_partnership_blocks_too_and_an_ended_one_does_not(client):
    city = await make_city(client)
    active = await make_partnership(client, city["id"])
    body = assert_problem(await client.delete(f"/api/v1/cities/{city['id']}"), 409)
    assert body["contacts"] == [] and [p["id"] for p in body["partnerships"]] == [active["id"]]
    await client.patch(f"/api/v1/partnerships/{active['id']}", json={"status": "ended"})
    assert (await client.delete(f"/api/v1/cities/{city['id']}")).status_code == 200


async def test_cascade_archives_contacts_and_partnerships_and_cancels_invitations(client):
    city, (kim, lee), partnership, ended = await _city_with_links(client)
    event = await make_event(client)
    invitation = await make_invitation(client, event["id"], kim["id"])

    response = await client.delete(f"/api/v1/cities/{city['id']}", params={"cascade": "true"})
    assert response.status_code == 200, response.text
    assert response.json()["archived_at"] is not None

    assert await listed(client, "contacts") == []
    for contact in (kim, lee):
        archived = (await client.get(f"/api/v1/contacts/{contact['id']}")).json()
        assert archived["archived_at"] is not None and archived["version"] == 2
        [entry] = await audit_entries(client, "contact", action="archive", entity_id=contact["id"])
        assert set(entry["changes"]) == {"archived_at"}
    assert [p["id"] for p in await listed(client, "partnerships")] == [ended["id"]]
    assert await audit_entries(client, "partnership", action="archive", entity_id=partnership["id"])
    [cancelled] = await listed(client, "invitations", include_archived=True)
    assert cancelled["id"] == invitation["id"] and cancelled["status"] == "cancelled"
    # An archived contact can be restored on its own.
    assert (await client.post(f"/api/v1/contacts/{kim['id']}/restore")).status_code == 200


async def test_cascade_is_a_query_parameter_of_the_city_archive_only(client):
    contact = await make_contact(client)
    response = await client.delete("/api/v1/cities/1", params={"cascade": "maybe"})
    assert_problem(response, 422)
    schema = (await client.get("/openapi.json")).json()
    city_delete = schema["paths"]["/api/v1/cities/{record_id}"]["delete"]
    assert "cascade" in [p["name"] for p in city_delete["parameters"]]
    contact_delete = schema["paths"]["/api/v1/contacts/{record_id}"]["delete"]
    assert "cascade" not in [p["name"] for p in contact_delete.get("parameters", [])]
    assert (await client.delete(f"/api/v1/contacts/{contact['id']}")).status_code == 200
