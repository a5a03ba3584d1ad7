"""The staff's web app: server-rendered pages (Jinja2 + htmx) on the same services as the API."""

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.requests import HTTPConnection
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.web import i18n, session
from app.web.deps import check_csrf
from app.web.errors import install_web_error_handlers, is_web_path
from app.web.router import ROUTERS
from app.web.security import SECURITY_HEADERS
from app.web.templating import STATIC, STATIC_URL


class WebMiddleware:
    """On web paths: sets the request's language (chosen, else asked for) before anything
    else runs, so every message of the request, error pages included, is in it; adds the
    security headers; and sends the renewed session cookie (``deps.web_user``) with whatever
    response the page gives."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if not is_web_path(scope["path"]):
            await self.app(scope, receive, send)
            return
        connection = HTTPConnection(scope)
        i18n.activate(i18n.request_locale(connection))

        async def send_with_session(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [*message.get("headers", []), *SECURITY_HEADERS]
                renewed = scope.get("state", {}).get("renewed_session")
                if renewed is not None:
                    cookie = Response()
                    session.set_session_cookie(cookie, connection, renewed)
                    headers += [h for h in cookie.raw_headers if h[0] == b"set-cookie"]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_session)


def install(app: FastAPI) -> None:
    """Mounts the web app at ``/``: pages, their static files, HTML error pages (the API
    under /api keeps its problem+json)."""
    for locale in i18n.LOCALES:
        i18n.translations(locale)  # read the catalogs now: a broken .po fails the start
    app.mount(STATIC_URL, StaticFiles(directory=STATIC), name="web-static")
    for router in ROUTERS:
        app.include_router(router, include_in_schema=False, dependencies=[Depends(check_csrf)])
    install_web_error_handlers(app)
    app.add_middleware(WebMiddleware)
