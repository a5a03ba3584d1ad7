"""HTTP semantics every route shares, as pure ASGI middleware: HEAD wherever GET works,
conditional reads (If-None-Match -> 304), the Allow header of a 405, compression and CORS."""

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import FastAPI, routing
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES, GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Headers a 304 keeps (RFC 9110, 15.4.5); the body's own (type, length) go.
NOT_MODIFIED_KEEPS = {b"etag", b"cache-control", b"vary", b"date", b"expires", b"x-request-id"}
REQUEST_HEADERS = ["Authorization", "Content-Type", "If-Match", "If-None-Match", "X-Request-ID"]
EXPOSED_HEADERS = ["ETag", "Location", "Content-Disposition", "Retry-After", "X-Request-ID"]
PROBLEM_JSON = b"application/problem+json"  # app.errors.PROBLEM_JSON (which imports this module)

F = TypeVar("F", bound=Callable[..., Any])
_WITHOUT_HEAD = "_answers_no_head"


def without_head(endpoint: F) -> F:
    """A GET route that HEAD does not run (405 with Allow: GET): one whose answer is an act,
    e.g. an export, audited as the rows it sends. HEAD would run it, write the audit entry and
    send nothing, and its headers tell nothing the GET does not."""
    setattr(endpoint, _WITHOUT_HEAD, True)
    return endpoint


def _answers_head(context: Any) -> bool:
    return not getattr(context.endpoint, _WITHOUT_HEAD, False)


def add_middleware(app: FastAPI, *, cors_origins: list[str]) -> None:
    """Innermost first: gzip sees the app's answer, HEAD is turned into GET before all."""
    # Bodies under 1 KB gain little from compression; XLSX is a zip file already.
    app.add_middleware(
        GZipMiddleware,
        minimum_size=1024,
        compresslevel=6,
        exclude_content_types=(*DEFAULT_EXCLUDED_CONTENT_TYPES, XLSX),
    )
    app.add_middleware(NotModifiedMiddleware)
    if cors_origins:  # off unless configured: the API is not meant for any web page
        app.add_middleware(
            CORSMiddleware,
            allow_origins=cors_origins,
            allow_methods=["GET", "HEAD", "POST", "PATCH", "DELETE"],
            allow_headers=REQUEST_HEADERS,
            expose_headers=EXPOSED_HEADERS,
            max_age=600,
        )
    app.add_middleware(HeadMiddleware)


class HeadMiddleware:
    """HEAD is answered as GET would be, headers only (RFC 9110, 9.3.2)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        if _refuses_head(scope["app"], path):
            allowed = ", ".join(allowed_methods(scope["app"], path))
            await send(
                {
                    "type": "http.response.start",
                    "status": 405,
                    "headers": [(b"allow", allowed.encode()), (b"content-type", PROBLEM_JSON)],
                }
            )
            await send({"type": "http.response.body", "body": b"", "more_body": False})
            return

        async def send_headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_headers_only)


class NotModifiedMiddleware:
    """A GET whose If-None-Match holds the answer's ETag gets 304 and no body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        held = dict(scope["headers"]).get(b"if-none-match")
        if held is None:
            await self.app(scope, receive, send)
            return
        tags = {_opaque(tag) for tag in held.split(b",")}
        not_modified = False

        async def send_conditional(message: Message) -> None:
            nonlocal not_modified
            if message["type"] == "http.response.start" and message["status"] == 200:
                headers = message.get("headers", [])
                etag = next((value for name, value in headers if name == b"etag"), None)
                if etag is not None and (b"*" in tags or _opaque(etag) in tags):
                    not_modified = True
                    kept = [(n, v) for n, v in headers if n in NOT_MODIFIED_KEEPS]
                    message = {**message, "status": 304, "headers": kept}
            elif message["type"] == "http.response.body" and not_modified:
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app(scope, receive, send_conditional)


def _opaque(tag: bytes) -> bytes:
    """The tag for a weak comparison (RFC 9110, 8.8.3.2): W/"3" and "3" are the same."""
    return tag.strip().removeprefix(b"W/")


def _routes_at(app: Any, path: str) -> list[Any]:
    return [
        context
        for context in routing.iter_route_contexts(app.routes)
        if context.methods
        and getattr(context, "path_regex", None) is not None
        and context.path_regex.match(path)
    ]


def _refuses_head(app: Any, path: str) -> bool:
    """Whether the GET route that takes ``path`` (the first, as the router picks) is one
    HEAD does not run."""
    get = next((c for c in _routes_at(app, path) if "GET" in c.methods), None)
    return get is not None and not _answers_head(get)


def allowed_methods(app: Any, path: str) -> list[str]:
    """Every method some route answers at ``path``, for a 405's Allow header (the router
    only knows the first route that matched the path); HEAD wherever GET is, but on the
    routes ``without_head``."""
    methods: set[str] = set()
    for context in _routes_at(app, path):
        methods |= set(context.methods)
    if "GET" in methods and not _refuses_head(app, path):
        methods.add("HEAD")
    order = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
    return sorted(methods, key=lambda m: order.index(m) if m in order else len(order))
