"""Plain functions that make records as a client would: over HTTP, through the API.

``insert`` is the one exception: it writes rows straight to the database, for states the API
cannot reach (dates in the past it refuses, rows archived before archiving cascaded, bulk data
for a test of the streams). Every other helper goes through the API, so its audit entries,
defaults and checks are the ones a client gets."""

from datetime import timedelta
from typing import Any

import httpx
from sqlmodel import SQLModel

from app.clock import DEFAULT_TIME_ZONE, date_in

# The standing users every test starts with (tests/conftest.py).
EDITOR_ID, VIEWER_ID = 2, 3

INVITATION_STATUSES = [
    "planned",
    "sent",
    "accepted",
    "declined",
    "attended",
    "no_show",
    "cancelled",
]


def today(shift_days: int = 0) -> str:
    """The desk's "today" (in its time zone, as the API decides it), shifted, as an ISO date."""
    return (date_in(DEFAULT_TIME_ZONE) + timedelta(days=shift_days)).isoformat()


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


async def make_follow_up(client: httpx.AsyncClient, **overrides: Any) -> dict[str, Any]:
    body = {"title": "Send the MoU draft", "due_on": "2025-03-01", **overrides}
    return await _create(client, "follow-ups", body)


async def make_event(client: httpx.AsyncClient, **overrides: Any) -> dict[str, Any]:
    body = {"name": "Smart City Summit", "starts_on": "2025-03-18", **overrides}
    return await _create(client, "events", body)


# How an invitation reaches each status: it starts planned (or sent) and moves on.
_MOVES_TO = {
    "accepted": ["accepted"],
    "declined": ["declined"],
    "attended": ["accepted", "attended"],
    "no_show": ["accepted", "no_show"],
    "cancelled": ["cancelled"],
}


async def make_invitation(
    client: httpx.AsyncClient, event_id: int, contact_id: int, **overrides: Any
) -> dict[str, Any]:
    """An invitation in the status asked for (created, then moved there as a client would)."""
    status = str(overrides.pop("status", "planned"))
    first = "planned" if status in ("planned", "cancelled") else "sent"
    invitation = await _create(
        client,
        f"events/{event_id}/invitations",
        {"contact_id": contact_id, "status": first, **overrides},
    )
    for move in _MOVES_TO.get(status, []):
        invitation = await edit(
            client, f"events/{event_id}/invitations", invitation["id"], status=move
        )
    return invitation


async def make_user(
    admin: httpx.AsyncClient,
    username: str,
    *,
    role: str = "editor",
    password: str = "s3cret-pass",
    is_active: bool = True,
) -> dict[str, Any]:
    user = await _create(admin, "users", {"username": username, "password": password, "role": role})
    if not is_active:
        user = await edit(admin, "users", user["id"], is_active=False)
    return user


async def edit(
    client: httpx.AsyncClient, path: str, record_id: int, **values: Any
) -> dict[str, Any]:
    response = await client.patch(f"/api/v1/{path}/{record_id}", json=values)
    assert response.status_code == 200, response.text
    return response.json()


async def archive(client: httpx.AsyncClient, path: str, record_id: int) -> dict[str, Any]:
    response = await client.delete(f"/api/v1/{path}/{record_id}")
    assert response.status_code == 200, response.text
    return response.json()


async def archive_city_only(client: httpx.AsyncClient, city_id: int) -> None:
    """A city archived while its partnerships and contacts stay live (as data archived
    before archiving cascaded can be): archive it with cascade, then restore what went."""
    live = {}
    for path in ("partnerships", "contacts"):
        page = (await client.get(f"/api/v1/{path}", params={"city_id": city_id})).json()
        live[path] = [item["id"] for item in page["items"]]
    response = await client.delete(f"/api/v1/cities/{city_id}", params={"cascade": True})
    assert response.status_code == 200, response.text
    for path, ids in live.items():
        for record_id in ids:
            response = await client.post(f"/api/v1/{path}/{record_id}/restore")
            assert response.status_code == 200, response.text


async def insert(app: Any, *rows: SQLModel) -> list[int]:
    """Write rows straight to the database (for states the API cannot reach); their ids."""
    async with app.state.database.write_sessionmaker() as session, session.begin():
        session.add_all(rows)
        await session.flush()
        return [row.id for row in rows]  # type: ignore[attr-defined]
