"""The throughput reference: ``GET /contacts/{id}`` as a bare FastAPI app on an asyncpg pool.

It runs the same point query as the app's ``GET /api/v1/contacts/{id}`` (the contact by primary
key with its city's and organization's names, in one round trip) and returns the same fields,
but without SQLAlchemy, sessions, authentication or response validation: the floor that the
real endpoint is measured against. PostgreSQL only.

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/crm_bench \\
        .venv/bin/uvicorn bench.reference:create_app --factory --port 8102
"""

import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

CONTACT_BY_ID = """
SELECT c.id, c.version, c.created_at, c.updated_at, c.archived_at, c.full_name, c.local_name,
       c.honorific, c.position, c.department, c.organization_id, o.name AS organization_name,
       c.city_id, ci.name AS city_name, c.email, c.phone, c.languages, c.tags, c.source,
       c.notes, c.is_active
FROM contact c
LEFT JOIN city ci ON ci.id = c.city_id
LEFT JOIN organization o ON o.id = c.organization_id
WHERE c.id = $1
"""
TIMESTAMPS = ("created_at", "updated_at", "archived_at")


def asyncpg_dsn(url: str) -> str:
    """Accepts the app's SQLAlchemy URL too (``postgresql+asyncpg://``)."""
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def _init_connection(connection: asyncpg.Connection) -> None:
    await connection.set_type_codec(
        "jsonb", encoder=json.dumps, decoder=json.loads, schema="pg_catalog"
    )


def create_app(database_url: str | None = None) -> FastAPI:
    url = asyncpg_dsn(database_url or os.environ["BENCH_DATABASE_URL"])

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # The app's engine keeps 10 connections and may open 10 more; so does this pool.
        app.state.pool = await asyncpg.create_pool(
            url, min_size=10, max_size=20, init=_init_connection
        )
        yield
        await app.state.pool.close()

    app = FastAPI(title="diplomacy-crm reference", lifespan=lifespan)

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/contacts/{contact_id}")
    async def read_contact(contact_id: int, request: Request) -> Response:
        row = await request.app.state.pool.fetchrow(CONTACT_BY_ID, contact_id)
        if row is None:
            return JSONResponse({"detail": "not found"}, status_code=404)
        body: dict[str, Any] = dict(row)
        for field in TIMESTAMPS:
            if body[field] is not None:
                body[field] = body[field].isoformat()
        return JSONResponse(body, headers={"ETag": f'"{body["version"]}"'})

    return app
