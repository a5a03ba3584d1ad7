"""Every page of the web app. Each area's module has a ``router``; ``install`` (app/web/
__init__.py) includes each one directly in the app (not nested: route matching stays cheap),
all with the CSRF check (a state-changing request must carry the browser's token).
A new area adds its module here."""

from fastapi import APIRouter

from app.web import (
    admin,
    auth,
    cities,
    contacts,
    events,
    history,
    interactions,
    organizations,
    pick,
    reports,
    search,
    timeline,
    today,
)

ROUTERS: tuple[APIRouter, ...] = (
    auth.router,
    today.router,
    search.router,
    cities.router,
    contacts.router,
    organizations.router,
    history.router,
    timeline.router,
    reports.router,
    admin.router,
    pick.router,
    interactions.router,
    events.router,
)
