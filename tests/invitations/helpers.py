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


# How an invitation reaches each status: it starts planned (or sent) and moves on.
MOVES_TO = {
    "accepted": ["accepted"],
    "declined": ["declined"],
    "attended": ["accepted", "attended"],
    "no_show": ["accepted", "no_show"],
}


async def invite(
    client: httpx.AsyncClient, event_id: int, contact_id: int, **overrides: Any
) -> dict[str, Any]:
    """An invitation in the status asked for (created, then moved there as a client would)."""
    status = overrides.pop("status", "planned")
    first = "planned" if status == "cancelled" else "sent" if status != "planned" else "planned"
    response = await client.post(
        f"/api/v1/events/{event_id}/invitations",
        json={"contact_id": contact_id, "status": first, **overrides},
    )
    assert response.status_code == 201, response.text
    invitation = response.json()
    for move in MOVES_TO.get(status, ["cancelled"] if status == "cancelled" else []):
        response = await client.patch(
            f"/api/v1/events/{event_id}/invitations/{invitation['id']}", json={"status": move}
        )
        assert response.status_code == 200, response.text
        invitation = response.json()
    return invitation


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
