"""Errors on web pages are pages (translated), not problem+json; the API's stay as they are.

The handlers wrap the API's (app/errors.py): a request under the API prefix, or the docs, is
answered by them; any other path by an HTML page."""

import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from app.auth import service as auth_service
from app.errors import AppError, TooManyRequests, Unauthorized
from app.web import i18n, session
from app.web.deps import CsrfFailed, SignInRequired
from app.web.i18n import N_, _
from app.web.security import SECURITY_HEADERS
from app.web.templating import is_htmx, render, safe_next, sign_in_url, url_with

logger = logging.getLogger("app")

Handler = Callable[[Request, Any], Awaitable[Response]]

# Paths answered the API's way.
NOT_WEB = ("/api/", "/docs", "/redoc", "/openapi.json", "/docs-assets")

TITLES = {
    400: N_("The request could not be understood"),
    403: N_("You are not allowed to do this"),
    404: N_("Page not found"),
    405: N_("This action is not available here"),
    409: N_("Someone else changed this meanwhile"),
    412: N_("Someone else changed this meanwhile"),
    422: N_("Some of the information is not valid"),
    429: N_("Too many attempts"),
    500: N_("Something went wrong"),
    503: N_("The service is unavailable"),
}
EXPLANATIONS = {
    403: N_("Your role does not allow this page or action. Ask an administrator if you need it."),
    404: N_("The page you asked for does not exist, or the record was removed."),
    409: N_("Reload the page to see the latest version, then try again."),
    412: N_("Reload the page to see the latest version, then try again."),
    429: N_("Wait a minute, then try again."),
    500: N_(
        "We could not complete this. Please try again; if it happens again, tell the "
        "administrator the reference below."
    ),
    503: N_("Please try again in a few moments."),
}

ADDRESS_NOT_UNDERSTOOD = N_("This page's address has a part we don't understand: %(names)s")


def is_web_path(path: str) -> bool:
    return not path.startswith(NOT_WEB)


def is_web(request: Request) -> bool:
    return is_web_path(request.url.path)


async def _find_user(request: Request) -> None:
    """The signed-in user, for the menu of an error page raised before (or without) a
    ``WebUser`` dependency, e.g. a 404. Not for a 5xx: the database may be the problem."""
    if getattr(request.state, "user", None) is not None:
        return
    settings = request.app.state.settings
    token = session.read_session_cookie(request, settings)
    if token is None:
        return
    state = request.app.state
    try:
        async with state.database.sessionmaker() as db:
            request.state.user = await auth_service.principal_for_token(
                db,
                token.token,
                settings,
                verified=state.verified_tokens,
                principals=state.principals,
            )
    except Exception:  # an error page must never fail: shown without the menu then
        logger.debug("no user for the error page", exc_info=True)


async def error_page(
    request: Request,
    status: int,
    *,
    detail: str | None = None,
    reference: str | None = None,
    headers: dict[str, str] | None = None,
    explain: bool = True,
) -> Response:
    i18n.activate(i18n.request_locale(request))
    if status < 500:
        await _find_user(request)
    title = TITLES.get(status, TITLES[500] if status >= 500 else TITLES[400])
    explanation = EXPLANATIONS.get(status) if explain else None
    return render(
        request,
        "errors/error.html",
        {
            "status": status,
            "title": _(title),
            "explanation": _(explanation) if explanation else None,
            "detail": detail,
            "reference": reference,
        },
        status_code=status,
        headers=headers,
    )


def install_web_error_handlers(app: FastAPI) -> None:
    api_handlers: dict[Any, Handler] = dict(app.exception_handlers)

    def wrap(kind: Any, web_handler: Handler) -> None:
        api_handler = api_handlers[kind]

        async def handler(request: Request, exc: Any) -> Response:
            if not is_web(request):
                return await api_handler(request, exc)
            return await web_handler(request, exc)

        app.add_exception_handler(kind, handler)

    async def app_error(request: Request, exc: AppError) -> Response:
        if isinstance(exc, Unauthorized):
            return await sign_in_required(request, SignInRequired())
        # A web route's own messages are translated when raised; a service's are English and
        # go through the catalog, which may hold them.
        detail = _(exc.detail) if exc.status != 500 else None
        query = [e["parameter"] for e in exc.extra.get("errors") or [] if e.get("in") == "query"]
        if query:  # a hand-edited address (app/query_parameters.py)
            detail = _(ADDRESS_NOT_UNDERSTOOD, names=", ".join(query))
        headers = exc.headers if isinstance(exc, TooManyRequests) else None
        return await error_page(
            request,
            exc.status,
            detail=detail,
            headers=headers,
            explain=not isinstance(exc, CsrfFailed),  # not about the role: the form is old
        )

    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        query = [str(e["loc"][-1]) for e in exc.errors() if e.get("loc", ())[:1] == ("query",)]
        detail = _(ADDRESS_NOT_UNDERSTOOD, names=", ".join(dict.fromkeys(query))) if query else None
        return await error_page(request, 400, detail=detail)

    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return await error_page(request, exc.status_code)

    async def stale_data(request: Request, exc: Exception) -> Response:
        return await error_page(request, 409)

    async def unexpected(request: Request, exc: Exception) -> Response:
        response = await api_handlers[Exception](request, exc)  # logs it, finds a 503
        reference = response.headers.get("X-Request-ID") or uuid.uuid4().hex
        headers = {"X-Request-ID": reference}
        if "retry-after" in response.headers:
            headers["Retry-After"] = response.headers["retry-after"]
        # Answered by the outermost middleware, past the one adding the security headers.
        headers.update((name.decode(), value.decode()) for name, value in SECURITY_HEADERS)
        return await error_page(request, response.status_code, reference=reference, headers=headers)

    wrap(AppError, app_error)
    wrap(RequestValidationError, validation_error)
    wrap(StarletteHTTPException, http_error)
    wrap(StaleDataError, stale_data)
    wrap(IntegrityError, stale_data)
    wrap(Exception, unexpected)
    app.add_exception_handler(SignInRequired, sign_in_required)


async def sign_in_required(request: Request, exc: Exception) -> Response:
    """To the sign-in page, and back here afterwards (htmx: the whole page goes there)."""
    if is_htmx(request):
        # The page the user is on, not the fragment htmx asked for.
        current = urlsplit(request.headers.get("hx-current-url", ""))
        target = url_with("/sign-in", next=safe_next(current.path, default="") or None)
        return Response(status_code=204, headers={"HX-Redirect": target})
    target = sign_in_url(request) if request.method == "GET" else "/sign-in"
    return Response(status_code=303, headers={"Location": target})
