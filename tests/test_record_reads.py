"""``GET /{id}`` reads a record as one row (on PostgreSQL straight on the driver connection),
while writes answer with the record they loaded and changed: both must show the same thing,
field for field, through its whole life (created, changed, archived, restored)."""

import httpx

from tests.factories import make_city, make_organization

API = "/api/v1"


async def _read_matches(client: httpx.AsyncClient, path: str, written: httpx.Response) -> None:
    assert written.status_code in (200, 201), written.text
    read = await client.get(path)
    assert read.status_code == 200, read.text
    # (A new interaction's answer also carries the follow-up created with it, if any.)
    shown = {
        k: v for k, v in written.json().items() if k != "follow_up" or "interactions" not in path
    }
    assert read.json() == shown
    assert read.headers["etag"] == written.headers["etag"]


async def _lifecycle(client: httpx.AsyncClient, resource: str, body: dict, change: dict) -> None:
    created = await client.post(f"{API}/{resource}", json=body)
    path = f"{API}/{resource}/{created.json()['id']}"
    await _read_matches(client, path, created)
    await _read_matches(client, path, await client.patch(path, json=change))
    await _read_matches(client, path, await client.delete(path))
    await _read_matches(client, path, await client.post(f"{path}/restore"))


async def test_every_record_reads_back_as_it_was_written(client):
    city = await make_city(
        client,
        name="Chișinău",
        alternate_names=["Кишинэу", "基希讷乌"],
        country_code="md",
        region="Municipality of Chișinău",
        population=639_000,
        notes="Met at the Barcelona course",
    )
    organization = await make_organization(client, acronym="MP", headquarters_city_id=city["id"])
    await _lifecycle(
        client,
        "cities",
        {"name": "부산", "alternate_names": ["Busan", "釜山"], "country_code": "KR"},
        {"population": 3_300_000, "alternate_names": ["Pusan"]},
    )
    await _lifecycle(
        client,
        "organizations",
        {
            "name": "ICLEI – Local Governments for Sustainability",
            "acronym": "ICLEI",
            "kind": "city_network",
            "website": "https://iclei.org",
            "headquarters_city_id": city["id"],
            "home_membership": "member",
            "member_since": "2010-05-01",
        },
        {"home_membership": "observer", "notes": "Renewal due"},
    )
    await _lifecycle(
        client,
        "partnerships",
        {"city_id": city["id"], "kind": "friendship_city", "signed_on": "2019-10-01"},
        {"status": "suspended"},
    )
    await _lifecycle(
        client,
        "contacts",
        {
            "full_name": "Ion Popescu",
            "local_name": "Ион Попеску",
            "honorific": "Dr.",
            "position": "Head of External Relations",
            "department": "Mayor's Office",
            "organization_id": organization["id"],
            "city_id": city["id"],
            "email": "ion.popescu@example.md",
            "phone": "+373 22 201 234",
            "languages": ["ro", "ru", "en"],
            "tags": ["metropolis-course", "2024"],
            "source": "Metropolis course, Barcelona",
        },
        {"is_active": False, "organization_id": None, "tags": []},
    )
    await _lifecycle(
        client,
        "interactions",
        {
            "kind": "conference",
            "occurred_on": "2024-11-18",
            "title": "Metropolis course",
            "summary": "Five days in Barcelona",
            "location": "Barcelona",
            "city_ids": [city["id"]],
            "organization_ids": [organization["id"]],
            "tags": ["course"],
        },
        {"summary": "Reconnected with Johannesburg"},
    )
    await _lifecycle(
        client,
        "follow-ups",
        {"title": "Send the MoU draft", "due_on": "2025-03-01", "city_id": city["id"]},
        {"status": "done"},
    )


async def test_reading_a_missing_record_is_404(client):
    for resource in ("cities", "organizations", "partnerships", "contacts", "interactions"):
        response = await client.get(f"{API}/{resource}/987654")
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"
        assert "987654" in response.json()["detail"]
