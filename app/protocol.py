"""HTTP semantics every route shares, as pure ASGI middleware: HEAD wherever GET works,
conditional reads (If-None-Match -> 304), the Allow header of a 405, compression and CORS."""

from typing import Any

from fastapi import FastAPI, routing
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES, GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Headers a 304 keeps (RFC 9110, 15.4.5); the body's own (type, length) go.
NOT_MODIFIED_KEEPS = {b"etag", b"cache-control", b"vary", b"date", b"expires", b"x-request-id"}
REQUEST_HEADERS = ["Authorization", "Content-Type", "If-Match", "If-None-Match", "X-Request-ID"]
EXPOSED_HEADERS = ["ETag", "Location", "Content-Disposition", "Retry-After", "X-Request-ID"]


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


def allowed_methods(app: Any, path: str) -> list[str]:
    """Every method some route answers at ``path``, for a 405's Allow header (the router
    only knows the first route that matched the path)."""
    methods: set[str] = set()
    for context in routing.iter_route_contexts(app.routes):
        regex = getattr(context, "path_regex", None)
        if regex is not None and context.methods and regex.match(path):
            methods |= set(context.methods)
    if "GET" in methods:
        methods.add("HEAD")
    order = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
    return sorted(methods, key=lambda m: order.index(m) if m in order else len(order))
