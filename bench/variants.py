"""The app with one of its hot-path mechanisms switched off (or a removed one back on), to show
what each one is worth on the endpoint it serves.

``create_app`` is a uvicorn factory like ``app.main.create_app``; it reads ``BENCH_VARIANT``
(this module is the only reader: the app has no such setting) and patches the app in this
process before building it. ``run.py --compare`` starts one server per variant beside the
normal one and measures both in turn on the same endpoints.

    BENCH_VARIANT=no-user-cache .venv/bin/uvicorn bench.variants:create_app --factory
"""

import gc
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from fastapi import FastAPI

ENVIRONMENT = "BENCH_VARIANT"


@dataclass(frozen=True)
class Variant:
    name: str
    what: str
    endpoints: tuple[str, ...]  # the run.py scenarios it serves


VARIANTS = {
    v.name: v
    for v in (
        Variant(
            "no-user-cache",
            "no user or verified-token cache (app/auth/cache.py): every request checks its "
            "token's signature and reads its user",
            ("contact",),
        ),
        Variant(
            "no-driver-point-read",
            "`GET /{id}` as a SQLAlchemy Core statement instead of straight on the asyncpg "
            "connection (app/records.py PointRead)",
            ("contact",),
        ),
        Variant(
            "no-gc-tuning",
            "the garbage collector as Python sets it: the start-up heap not frozen (no "
            "gc.freeze()) and the default thresholds (700, 10, 10) instead of (10000, 10, 10)",
            ("contact", "list"),
        ),
        Variant(
            "no-search-custom-plans",
            "the search statement without plan_cache_mode=force_custom_plan",
            ("search",),
        ),
        Variant(
            "pool-custom-plans",
            "plan_cache_mode=force_custom_plan on every pooled connection (as before "
            "2026-12-02) instead of around the search statement only",
            ("contact", "search"),
        ),
    )
}


def _no_user_cache() -> None:
    from app.auth import cache

    async def start(self: Any, url: str) -> None:
        return None  # never listens, so it never trusts (or keeps) a user

    cache.Principals.start = start  # type: ignore[method-assign]  # the variant's patch
    cache.VerifiedTokens.claims = lambda self, token: None  # type: ignore[method-assign]  # the variant's patch
    cache.VerifiedTokens.remember = lambda self, *args: None  # type: ignore[method-assign]  # the variant's patch


def _no_driver_point_read() -> None:
    from app import records

    async def fetch_one_row(session: Any, statement: Any, parameters: Any) -> Any:
        connection = await session.connection()
        row = (await connection.execute(statement, parameters)).mappings().first()
        return dict(row) if row is not None else None

    records.fetch_one_row = fetch_one_row


def _no_gc_tuning() -> None:
    from app import main

    main.gc = SimpleNamespace(  # type: ignore[assignment]  # the variant stands in for the gc module
        collect=gc.collect, freeze=lambda: None, set_threshold=lambda *args: None
    )


def _no_search_custom_plans() -> None:
    from app.search import service

    @asynccontextmanager
    async def nothing(session: Any) -> AsyncIterator[None]:
        yield

    service.custom_plans = nothing


def _pool_custom_plans() -> None:
    from app import db

    original = db.create_async_engine

    def create_async_engine(url: Any, **kwargs: Any) -> Any:
        if str(url).startswith("postgresql"):
            kwargs["connect_args"] = {
                **kwargs.get("connect_args", {}),
                "server_settings": {"plan_cache_mode": "force_custom_plan"},
            }
        return original(url, **kwargs)

    db.create_async_engine = create_async_engine


PATCHES = {
    "no-user-cache": _no_user_cache,
    "no-driver-point-read": _no_driver_point_read,
    "no-gc-tuning": _no_gc_tuning,
    "no-search-custom-plans": _no_search_custom_plans,
    "pool-custom-plans": _pool_custom_plans,
}


def apply(name: str | None) -> None:
    """Patch this process's app code for the variant ``name`` (none: the app as it is)."""
    if not name:
        return
    if name not in PATCHES:
        raise SystemExit(f"unknown variant {name!r}; choose from {', '.join(PATCHES)}")
    PATCHES[name]()


def create_app() -> FastAPI:
    apply(os.environ.get(ENVIRONMENT))
    from app.main import create_app as create

    return create()
