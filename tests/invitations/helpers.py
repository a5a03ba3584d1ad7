"""Helpers shared by the event and invitation tests (tests/factories.py is not ours to edit)."""

from datetime import timedelta
from typing import Any

import httpx

from app.clock import DEFAULT_TIME_ZONE, date_in

STATUSES = ["planned", "sent", "accepted", "declined", "attended", "no_show", "cancelled"]


def today(shift_days: int = 0) -> str:
    """The desk's "today" (in its time zone), shifted, as an ISO date."""
    return (date_in(DEFAULT_TIME_ZONE) + timedelta(days=shift_days)).isoformat()


async def make_event(client: httpx.AsyncClient, **overrides: Any) -> dict[str, Any]:
    body = {"name": "Smart City Summit", "starts_on": "2025-03-18", **overrides}
    response = await client.post("/api/v1/events", json=body)
    assert response.status_code == 201, response.text
    return response.json()


async def invite(
    client: httpx.AsyncClient, event_id: int, contact_id: int, **overrides: Any
) -> dict[str, Any]:
    response = await client.post(
        f"/api/v1/events/{event_id}/invitations", json={"contact_id": contact_id, **overrides}
    )
    assert response.status_code == 201, response.text
    return response.json()


async def listed(client: httpx.AsyncClient, path: str, **params: Any) -> list[dict[str, Any]]:
    response = await client.get(f"/api/v1/{path}", params={"limit": 200, **params})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == len(body["items"])
    return body["items"]


async def audit_entries(client: httpx.AsyncClient, entity: str, **params: Any) -> list[dict]:
    response = await client.get("/api/v1/audit", params={"entity": entity, "limit": 200, **params})
    assert response.status_code == 200, response.text
    return response.json()["items"]
