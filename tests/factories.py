"""Plain functions that create records through the API, as a client would."""

from typing import Any

import httpx


async def _create(client: httpx.AsyncClient, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = await client.post(f"/api/v1/{path}", json=body)
    assert response.status_code == 201, response.text
    return response.json()


async def make_city(client: httpx.AsyncClient, **overrides: Any) -> dict[str, Any]:
    return await _create(client, "cities", {"name": "Houston", "country_code": "US", **overrides})


async def make_partnership(
    client: httpx.AsyncClient, city_id: int, **overrides: Any
) -> dict[str, Any]:
    body = {"city_id": city_id, "kind": "sister_city", "signed_on": "1961-06-15", **overrides}
    return await _create(client, "partnerships", body)


async def make_organization(client: httpx.AsyncClient, **overrides: Any) -> dict[str, Any]:
    body = {"name": "Metropolis", "kind": "city_network", "home_membership": "member", **overrides}
    return await _create(client, "organizations", body)


async def make_contact(client: httpx.AsyncClient, **overrides: Any) -> dict[str, Any]:
    return await _create(client, "contacts", {"full_name": "Kadri Tamm", **overrides})


async def make_interaction(client: httpx.AsyncClient, **overrides: Any) -> dict[str, Any]:
    body = {"kind": "meeting", "occurred_on": "2024-11-18", "title": "Course", **overrides}
    return await _create(client, "interactions", body)
