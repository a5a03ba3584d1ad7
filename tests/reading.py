"""Reading answers back as a client would: list pages, the audit log, reports, and exported
files opened as a spreadsheet or an address book would open them."""

import csv
import io
from typing import Any

import httpx
import openpyxl
import vobject

BOM = "\ufeff"


async def listed(client: httpx.AsyncClient, path: str, **params: Any) -> list[dict[str, Any]]:
    """Every item of a list endpoint (one page of up to 200, checked to be the whole list)."""
    response = await client.get(f"/api/v1/{path}", params={"limit": 200, **params})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == len(body["items"])
    return body["items"]


async def listed_ids(client: httpx.AsyncClient, path: str, **params: Any) -> list[int]:
    return [item["id"] for item in await listed(client, path, **params)]


async def audit_entries(
    client: httpx.AsyncClient,
    entity: str | None = None,
    *,
    action: str | None = None,
    **params: Any,
) -> list[dict[str, Any]]:
    """The audit log, newest first, optionally for one entity and one action."""
    if entity is not None:
        params["entity"] = entity
    entries = await listed(client, "audit", **params)
    return [e for e in entries if action is None or e["action"] == action]


async def report(client: httpx.AsyncClient, name: str, **params: Any) -> dict[str, Any]:
    response = await client.get(f"/api/v1/reports/{name}", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    return response.json()


def csv_rows(content: bytes) -> list[list[str]]:
    """The rows of a CSV export, which must be UTF-8 with a BOM."""
    assert content.startswith(BOM.encode("utf-8")), content[:10]
    text = content.decode("utf-8").removeprefix(BOM)
    return list(csv.reader(io.StringIO(text, newline="")))


def xlsx_rows(content: bytes) -> list[list[Any]]:
    """The rows of an XLSX export, checking that every cell is text (never a formula)."""
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook.active
    rows = []
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.value is None or cell.data_type == "s", (cell.coordinate, cell.value)
        rows.append([cell.value for cell in row])
    return rows


def vcards(content: bytes) -> list[Any]:
    return list(vobject.readComponents(content.decode("utf-8")))
