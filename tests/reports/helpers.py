"""Helpers shared by the report tests (kept here: tests/factories.py is not ours to edit)."""

from typing import Any

import httpx
from sqlmodel import SQLModel

from tests.problems import PROBLEM_JSON

BOM = "\ufeff"


async def insert(app: Any, *rows: SQLModel) -> list[int]:
    """Write rows straight to the database (for tables whose API is built elsewhere); their ids."""
    async with app.state.database.write_sessionmaker() as session, session.begin():
        session.add_all(rows)
        await session.flush()
        return [row.id for row in rows]  # type: ignore[attr-defined]


async def archive(client: httpx.AsyncClient, path: str, record_id: int) -> None:
    response = await client.delete(f"/api/v1/{path}/{record_id}")
    assert response.status_code == 200, response.text


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


async def edit(client: httpx.AsyncClient, path: str, record_id: int, **values: Any) -> None:
    response = await client.patch(f"/api/v1/{path}/{record_id}", json=values)
    assert response.status_code == 200, response.text


async def report(client: httpx.AsyncClient, name: str, **params: Any) -> dict[str, Any]:
    response = await client.get(f"/api/v1/reports/{name}", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    return response.json()


def problem_parameters(response: httpx.Response) -> set[str]:
    """The query parameters a 422 problem names."""
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    return {e.get("parameter") for e in response.json()["errors"]}
