"""Our error hierarchy and the one place that turns errors into RFC 9457 problem+json."""

import logging
import uuid
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.db import is_connection_lost
from app.protocol import allowed_methods

logger = logging.getLogger("app")

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "https://diplomacy-crm.example/problems/"


class AppError(Exception):
    status: int = 500
    slug: str = "internal-error"
    title: str = "Internal server error"

    def __init__(self, detail: str, *, headers: dict[str, str] | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.headers = headers or {}
        self.extra = extra


class Unauthorized(AppError):
    status, slug, title = 401, "unauthorized", "Authentication required"

    def __init__(self, detail: str = "A valid bearer token is required", **extra: Any) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": "Bearer"}, **extra)


class Forbidden(AppError):
    status, slug, title = 403, "forbidden", "Not allowed"


class NotFound(AppError):
    status, slug, title = 404, "not-found", "Not found"


class Conflict(AppError):
    status, slug, title = 409, "conflict", "Conflict"


class PreconditionFailed(AppError):
    status, slug, title = 412, "precondition-failed", "Precondition failed"


class InvalidInput(AppError):
    """422 for input that is well-formed but refers to something that cannot be used."""

    status, slug, title = 422, "validation-error", "Invalid input"

    @classmethod
    def field(cls, field: str, detail: str) -> "InvalidInput":
        return cls(detail, errors=[{"pointer": f"/{field}", "detail": detail}])


class TooManyRequests(AppError):
    status, slug, title = 429, "too-many-requests", "Too many requests"


def problem(
    status: int,
    *,
    slug: str,
    title: str,
    detail: str,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body = {"type": PROBLEM_BASE + slug, "title": title, "status": status, "detail": detail}
    body.update(extra)
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_JSON)


def _pointer(loc: tuple[Any, ...]) -> dict[str, str]:
    where, *path = loc or ("body",)
    if where == "body":
        return {"pointer": "/" + "/".join(str(p) for p in path)}
    return {"parameter": ".".join(str(p) for p in path) or str(where), "in": str(where)}


def _clean_message(error: dict[str, Any]) -> str:
    kind = str(error.get("type", ""))
    # pydantic explains a bad date by how its parser failed ("input is too short"); a client
    # needs the format.
    if kind.startswith(("date_parsing", "date_from_datetime", "date_type")):
        return f"{_shown(error.get('input'))} is not a date; use YYYY-MM-DD"
    if kind.startswith(("datetime_parsing", "datetime_from_date", "datetime_type")):
        return (
            f"{_shown(error.get('input'))} is not a date and time; use YYYY-MM-DDTHH:MM:SSZ "
            "(or another UTC offset, e.g. +08:00)"
        )
    message = str(error.get("msg", "Invalid value"))
    # pydantic prefixes messages from our own validators with "Value error, "
    return message.removeprefix("Value error, ")


def _shown(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else "This value"
    return text if len(text) <= 60 else text[:57] + "...'"


async def _app_error(request: Request, exc: AppError) -> JSONResponse:
    return problem(
        exc.status,
        slug=exc.slug,
        title=exc.title,
        detail=exc.detail,
        headers=exc.headers,
        **exc.extra,
    )


async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = []
    for error in exc.errors():
        if error.get("type") == "json_invalid":
            return problem(
                400, slug="bad-request", title="Bad request", detail="The body is not valid JSON"
            )
        errors.append({**_pointer(tuple(error.get("loc", ()))), "detail": _clean_message(error)})
    return problem(
        422,
        slug="validation-error",
        title="Invalid input",
        detail="; ".join(
            f"{e.get('pointer') or e.get('parameter')}: {e['detail']}" for e in errors
        ),
        errors=errors,
    )


async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    status = exc.status_code
    phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    detail = exc.detail if isinstance(exc.detail, str) else phrase
    headers = dict(getattr(exc, "headers", None) or {})
    if status == 405:  # every method the path answers, not only the first route's
        methods = allowed_methods(request.app, request.url.path)
        headers["Allow"] = ", ".join(methods)
        detail = f"{request.method} is not allowed here; use {', '.join(methods)}"
    return problem(
        status,
        slug=phrase.lower().replace(" ", "-"),
        title=phrase,
        detail=detail,
        headers=headers,
    )


async def _stale_data(request: Request, exc: StaleDataError) -> JSONResponse:
    return problem(
        409,
        slug="edit-conflict",
        title="Edit conflict",
        detail="The record was changed by someone else meanwhile; reload it and try again",
    )


async def _integrity_error(request: Request, exc: IntegrityError) -> JSONResponse:
    # Services check the rules they know about first; reaching here means a race (two
    # requests creating the same thing at once). Never leak the SQL.
    logger.warning("integrity error on %s %s: %s", request.method, request.url.path, exc.orig)
    if "email_key" in str(exc.orig):
        return problem(
            409,
            slug="conflict",
            title="Conflict",
            detail="Another contact has just been given this e-mail address; "
            "search for it and try again",
        )
    return problem(
        409,
        slug="conflict",
        title="Conflict",
        detail="The change conflicts with existing data (probably a concurrent change); "
        "reload and try again",
    )


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    request_id = getattr(request.state, "request_id", None) or uuid.uuid4().hex
    unavailable = None
    if _is_connection_problem(exc):
        unavailable = "The database is unavailable; try again shortly"
    elif isinstance(exc, PoolTimeout):  # every pooled connection stayed busy too long
        unavailable = "The server is too busy to answer now; try again shortly"
    if unavailable is not None:
        logger.error("%s (request %s): %s", unavailable, request_id, exc)
        return problem(
            503,
            slug="service-unavailable",
            title="Service unavailable",
            detail=unavailable,
            request_id=request_id,
            headers={"X-Request-ID": request_id, "Retry-After": "5"},
        )
    logger.exception("unhandled error (request %s)", request_id, exc_info=exc)
    return problem(
        500,
        slug="internal-error",
        title="Internal server error",
        detail=f"Something went wrong on our side; quote request id {request_id} when reporting",
        request_id=request_id,
        headers={"X-Request-ID": request_id},
    )


def _is_connection_problem(exc: Exception) -> bool:
    return isinstance(exc, OSError) or is_connection_lost(exc)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error)  # type: ignore[arg-type]  # Starlette types handlers for Exception
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]  # Starlette types handlers for Exception
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]  # Starlette types handlers for Exception
    app.add_exception_handler(StaleDataError, _stale_data)  # type: ignore[arg-type]  # Starlette types handlers for Exception
    app.add_exception_handler(IntegrityError, _integrity_error)  # type: ignore[arg-type]  # Starlette types handlers for Exception
    app.add_exception_handler(Exception, _unexpected)
