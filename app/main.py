"""The application factory: settings, database, middleware, routers and error handlers."""

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pycountry
from fastapi import Depends, FastAPI

from app import openapi, protocol
from app.audit.routes import router as audit_router
from app.auth.cache import Principals, VerifiedTokens
from app.auth.deps import current_user
from app.auth.routes import router as auth_router
from app.auth.service import LoginThrottle
from app.calendar.routes import feed_router as calendar_feed_router
from app.calendar.routes import router as calendar_router
from app.cities.routes import router as cities_router
from app.config import Settings, get_settings
from app.contacts.routes import router as contacts_router
from app.db import Database
from app.errors import install_error_handlers
from app.events.routes import router as events_router
from app.exports.formats import remove_orphaned_files
from app.exports.routes import router as exports_router
from app.fields import refuse_nul_in_request
from app.follow_ups.routes import router as follow_ups_router
from app.health import router as health_router
from app.interactions.routes import router as interactions_router
from app.invitations.routes import router as invitations_router
from app.middleware import (
    BodySizeLimitMiddleware,
    HeaderSizeLimitMiddleware,
    NoStoreMiddleware,
    RequestIdMiddleware,
)
from app.organizations.routes import router as organizations_router
from app.partnerships.routes import router as partnerships_router
from app.query_parameters import refuse_unknown_query_parameters
from app.reports.routes import router as reports_router
from app.search.routes import router as search_router
from app.server import keep_secrets_out_of_the_access_log
from app.timeline.routes import router as timeline_router
from app.web import install as install_web

API_PREFIX = "/api/v1"


def settle_memory() -> None:
    """Load the reference data now and move everything that lives as long as the process out
    of the garbage collector's sight: a full collection then scans only what requests
    create, instead of pausing a request for ~100 ms now and then; and collect less often."""
    pycountry.countries.get(alpha_2="TW")
    pycountry.languages.get(alpha_2="zh")
    gc.collect()
    gc.freeze()
    # A request allocates thousands of objects (a bulk invite or a page of 50 contacts far
    # more), nearly all freed by reference counting; collecting the youngest generation
    # every 700 allocations (the default) costs 15-23% of a 10,000-contact bulk invite
    # (bench/README.md, 2026-12-02). Cycles still get collected, every 10,000.
    gc.set_threshold(10_000, 10, 10)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    logging.basicConfig(level=settings.log_level.upper())
    keep_secrets_out_of_the_access_log()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await app.state.principals.start(settings.database_url)
        remove_orphaned_files()  # export files a crashed process left behind
        settle_memory()
        yield
        await app.state.principals.stop()
        await app.state.database.dispose()

    app = FastAPI(
        title="diplomacy-crm",
        version="0.1.0",
        description="Partner-tracking CRM for a city government's international affairs desk: "
        "cities, partnerships, organizations, contacts and interactions.",
        lifespan=lifespan,
        dependencies=[Depends(refuse_unknown_query_parameters)],
        docs_url=None,  # served by openapi.install, from local assets
        redoc_url=None,
        generate_unique_id_function=openapi.operation_id,
    )
    app.state.settings = settings
    app.state.database = Database(settings)
    app.state.throttle = LoginThrottle(settings)
    app.state.verified_tokens = VerifiedTokens()
    app.state.principals = Principals()

    install_error_handlers(app)
    protocol.add_middleware(app, cors_origins=settings.cors_origins)
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(
        NoStoreMiddleware, prefix=API_PREFIX, public=frozenset({f"{API_PREFIX}/health"})
    )
    app.add_middleware(HeaderSizeLimitMiddleware, max_bytes=settings.max_header_bytes)
    app.add_middleware(RequestIdMiddleware)

    # Routers are included directly (not nested), which keeps route matching cheap.
    for router in (health_router, auth_router, calendar_feed_router):
        # Public: health, the token route (user routes check roles themselves), the .ics feed.
        app.include_router(router, prefix=API_PREFIX, dependencies=[Depends(refuse_nul_in_request)])
    for router in (
        exports_router,  # first: its fixed paths (/contacts/export) before /contacts/{id}
        cities_router,
        partnerships_router,
        organizations_router,
        contacts_router,
        interactions_router,
        follow_ups_router,
        events_router,
        invitations_router,
        timeline_router,
        search_router,
        reports_router,
        calendar_router,
        audit_router,
    ):
        app.include_router(
            router,
            prefix=API_PREFIX,
            dependencies=[Depends(refuse_nul_in_request), Depends(current_user)],
        )
    openapi.install(app)
    install_web(app)  # the staff's web app at /
    return app
