"""Helpers shared by the follow-up tests (kept here: tests/factories.py is not ours to edit)."""

from datetime import date, timedelta
from typing import Any

import httpx

from app.clock import DEFAULT_TIME_ZONE, date_in
from app.events.models import Event

EDITOR_ID = 2
VIEWER_ID = 3


def today(shift_days: int = 0) -> str:
    """The desk's "today" (in its time zone), shifted, as an ISO date."""
    return (date_in(DEFAULT_TIME_ZONE) + timedelta(days=shift_days)).isoformat()


async def make_follow_up(client: httpx.AsyncClient, **overrides: Any) -> dict[str, Any]:
    body = {"title": "Send the MoU draft", "due_on": "2025-03-01", **overrides}
    response = await client.post("/api/v1/follow-ups", json=body)
    assert response.status_code == 201, response.text
    return response.json()


async def list_follow_ups(client: httpx.AsyncClient, **params: Any) -> dict[str, Any]:
    response = await client.get("/api/v1/follow-ups", params={"limit": 200, **params})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == len(body["items"])
    return body


async def follow_up_ids(client: httpx.AsyncClient, **params: Any) -> list[int]:
    return [f["id"] for f in (await list_follow_ups(client, **params))["items"]]


async def make_event(app: Any, **overrides: Any) -> int:
    """An event row, written directly: the events API is built elsewhere."""
    async with app.state.database.write_sessionmaker() as session, session.begin():
        event = Event(**{"name": "Smart City Summit", "starts_on": date(2025, 3, 18), **overrides})
        session.add(event)
        await session.flush()
        assert event.id is not None
        return event.id


async def make_inactive_user(admin: httpx.AsyncClient, username: str = "retired") -> int:
    response = await admin.post(
        "/api/v1/users",
        json={"username": username, "password": "long-enough-pw", "role": "editor"},
    )
    assert response.status_code == 201, response.text
    user_id = response.json()["id"]
    response = await admin.patch(f"/api/v1/users/{user_id}", json={"is_active": False})
    assert response.status_code == 200, response.text
    return user_id


async def audit_entries(client: httpx.AsyncClient, **params: Any) -> list[dict[str, Any]]:
    response = await client.get("/api/v1/audit", params={"limit": 200, **params})
    assert response.status_code == 200, response.text
    return response.json()["items"]
