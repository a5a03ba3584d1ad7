"""The OpenAPI document as the server really answers, and the API docs pages, served offline.

FastAPI describes the success responses and its own 422; everything else a client meets is
added here, in one pass over the document: every error status an operation can answer, as
``application/problem+json`` with the one ``Problem`` schema; the headers (ETag, Location,
Content-Disposition, Retry-After); file downloads as binary strings per media type; and short
stable operation ids (``contacts_list``, ``contacts_create``...) for generated clients."""

import re
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import FastAPI, routing
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from app.errors import PROBLEM_JSON

API_PREFIX = "/api/v1"
DOCS_ASSETS = Path(__file__).parent / "static" / "docs"
DOCS_ASSETS_URL = "/docs-assets"

# Operation ids: a route named "<verb>_<noun>" with one of these verbs becomes
# "<collection>_<verb>", the collection being the last fixed segment of its path
# (create_city at /cities -> cities_create; restore_invitation at
# /events/{event_id}/invitations/{invitation_id}/restore -> invitations_restore).
RECORD_VERBS = frozenset({"list", "create", "read", "update", "archive", "restore"})
# The routes the rule does not name well. Any other route keeps its name as its id.
OPERATION_IDS = {
    "health": "health_read",
    "login": "auth_token",
    "logout": "auth_logout",
    "change_password": "users_me_password_change",
    "sign_out_user": "users_sign_out",
    "remove_calendar_token": "calendar_token_remove",
    "read_me": "users_me_read",
    "list_members": "organizations_members_list",
    "add_member": "organizations_members_add",
    "remove_member": "organizations_members_remove",
    "list_all_invitations": "invitations_list",
    "list_event_invitations": "events_invitations_list",
    "bulk_invite": "invitations_bulk_create",
    "mark_sent": "invitations_mark_sent",
    "export_invitations": "events_invitations_export",
    "export_contacts": "contacts_export",
    "city_timeline": "cities_timeline",
    "contact_timeline": "contacts_timeline",
    "dormant_partners": "reports_dormant_partners",
    "anniversaries": "reports_anniversaries",
    "engagement": "reports_engagement",
    "read_calendar_token": "calendar_token_read",
    "rotate_calendar_token": "calendar_token_rotate",
    "list_audit_entries": "audit_list",
}

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "type": "object",
    "description": "An error, as RFC 9457 problem details. `errors` lists each invalid field "
    "or parameter; a 409 for a duplicate names the record it collides with (`existing_id`); "
    "a 412 gives the record's `current_etag`; a 5xx carries the `request_id` to quote.",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "format": "uri", "description": "What kind of problem"},
        "title": {"type": "string", "description": "A short summary of the kind"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string", "description": "What went wrong this time, for a person"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["detail"],
                "properties": {
                    "pointer": {
                        "type": "string",
                        "description": "The body field, as a JSON Pointer (RFC 6901)",
                    },
                    "parameter": {"type": "string", "description": "The parameter's name"},
                    "in": {"type": "string", "enum": ["query", "path", "header", "cookie"]},
                    "detail": {"type": "string"},
                },
            },
        },
        "existing_id": {"type": "integer", "description": "The record this one collides with"},
        "existing": {"type": "string", "description": "That record, named"},
        "current_etag": {"type": "string", "description": "The record's ETag now"},
        "request_id": {"type": "string", "description": "Quote it when reporting a fault"},
    },
}

HEADERS: dict[str, dict[str, Any]] = {
    "ETag": {
        "description": "The record's version; send it back in If-Match to change the record "
        "only if nobody else has since, or in If-None-Match to skip an unchanged read (304)",
        "schema": {"type": "string", "pattern": '^"[0-9]+"$'},
    },
    "Location": {
        "description": "Where the new record can be read",
        "schema": {"type": "string", "format": "uri-reference"},
    },
    "Content-Disposition": {
        "description": "The file's name (attachment; filename=...)",
        "schema": {"type": "string"},
    },
    "Retry-After": {
        "description": "Seconds to wait before trying again",
        "schema": {"type": "integer", "minimum": 0},
    },
    "WWW-Authenticate": {
        "description": "The authentication scheme to use (Bearer)",
        "schema": {"type": "string"},
    },
}

ERROR_DESCRIPTIONS = {
    400: "The body is not valid JSON",
    401: "No valid bearer token (or, for the token route, wrong username or password)",
    403: "Your role may not do this",
    404: "There is no such record",
    409: "The change conflicts with the data (a duplicate, a rule, a concurrent change)",
    412: "If-Match did not match: the record changed since you read it",
    413: "The request body is too large",
    422: "Invalid input: `errors` names each field or parameter",
    429: "Too many requests; wait as Retry-After says",
    503: "The database is unavailable or the server too busy; retry after Retry-After",
}

# One or more entity tags, or "*" (RFC 9110, 8.8.3 and 13.1.1).
ETAG_LIST = {"type": "string", "pattern": r'^\s*(\*|(W/)?"[^"]*"(\s*,\s*(W/)?"[^"]*")*)\s*$'}
IF_NONE_MATCH = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "description": "The ETag you hold: 304 Not Modified, with no body, if it is still current",
    "schema": {"type": "string"},  # anything else simply does not match (RFC 9110, 13.1.2)
}

NO_NUL = r"^[^\x00]*$"
TEXT_RULED = frozenset({"pattern", "enum", "const"})
FORMATS_WITHOUT_NUL = frozenset({"date", "date-time", "binary"})

JSON = "application/json"
BINARY = {"type": "string", "format": "binary"}
PATH_PARAMETER = re.compile(r"{[^}]*}")


def operation_id(route: Any) -> str:
    """The operation's id in the document (FastAPI's ``generate_unique_id_function``)."""
    name = route.name
    if name in OPERATION_IDS:
        return OPERATION_IDS[name]
    verb, _, noun = name.partition("_")
    segments = [
        s for s in route.path_format.removeprefix(API_PREFIX).split("/") if s and "{" not in s
    ]
    if verb in RECORD_VERBS and noun and segments:
        if segments[-1] == verb and len(segments) > 1:  # .../{id}/restore
            segments.pop()
        return f"{segments[-1].replace('-', '_')}_{verb}"
    return name


def install(app: FastAPI) -> None:
    """Serve the exact document at /openapi.json, and /docs and /redoc from local assets.
    The app is created with ``docs_url=None, redoc_url=None`` and ``operation_id``."""
    app.openapi = cache(lambda: document(app))  # type: ignore[method-assign]  # FastAPI's documented way
    app.mount(DOCS_ASSETS_URL, StaticFiles(directory=DOCS_ASSETS), name="docs-assets")
    title = app.title

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{title} – API",
            swagger_js_url=f"{DOCS_ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{DOCS_ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{DOCS_ASSETS_URL}/favicon-32x32.png",
            oauth2_redirect_url=app.swagger_ui_oauth2_redirect_url,
        )

    if app.swagger_ui_oauth2_redirect_url:

        @app.get(app.swagger_ui_oauth2_redirect_url, include_in_schema=False)
        async def swagger_ui_redirect() -> HTMLResponse:
            return get_swagger_ui_oauth2_redirect_html()

    @app.get("/redoc", include_in_schema=False)
    async def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{title} – API reference",
            redoc_js_url=f"{DOCS_ASSETS_URL}/redoc.standalone.js",
            redoc_favicon_url=f"{DOCS_ASSETS_URL}/favicon-32x32.png",
            with_google_fonts=False,
        )


def document(app: FastAPI) -> dict[str, Any]:
    schema = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
    )
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    schemas["Problem"] = PROBLEM_SCHEMA
    components["responses"] = {
        str(status): _problem_response(status) for status in sorted(ERROR_DESCRIPTIONS)
    }
    contexts = {
        (context.path_format, method.lower()): context
        for context in routing.iter_route_contexts(app.routes)
        if isinstance(getattr(context, "path_format", None), str)
        for method in getattr(context, "methods", None) or ()
    }
    texts = TextsSent(schemas)
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            context = contexts.get((path, method))
            _describe(path, method, operation, schemas, context)
            texts.refuse_nul(operation)
    return schema


class TextsSent:
    """The text a client sends, in a body, a form or a query string, may be anything but a
    NUL character (app/fields.py refuses it with a 422): each such string says so with a
    pattern, unless its own pattern, enum or format already rules it out."""

    def __init__(self, schemas: dict[str, Any]) -> None:
        self.schemas = schemas
        self.seen: set[str] = set()

    def refuse_nul(self, operation: dict[str, Any]) -> None:
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "query":
                self._walk(parameter["schema"])
        for content in operation.get("requestBody", {}).get("content", {}).values():
            self._walk(content.get("schema", {}))

    def _walk(self, schema: dict[str, Any]) -> None:
        ref = schema.get("$ref")
        if ref is not None:
            name = ref.rsplit("/", 1)[-1]
            if name not in self.seen:
                self.seen.add(name)
                self._walk(self.schemas[name])
            return
        if (
            schema.get("type") == "string"
            and not TEXT_RULED.intersection(schema)
            and schema.get("format") not in FORMATS_WITHOUT_NUL
        ):
            schema["pattern"] = NO_NUL
        for key in ("items", "additionalProperties"):
            if isinstance(schema.get(key), dict):
                self._walk(schema[key])
        for variant in [*schema.get("properties", {}).values(), *schema.get("anyOf", [])]:
            self._walk(variant)


def _problem_response(status: int) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": ERROR_DESCRIPTIONS[status],
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    if status in (429, 503):
        response["headers"] = {"Retry-After": _header("Retry-After")}
    if status == 401:
        response["headers"] = {"WWW-Authenticate": _header("WWW-Authenticate", required=True)}
    return response


def _describe(
    path: str,
    method: str,
    operation: dict[str, Any],
    schemas: dict[str, Any],
    context: Any,
) -> None:
    responses: dict[str, Any] = operation["responses"]
    parameters: list[dict[str, Any]] = operation.get("parameters", [])
    for parameter in parameters:
        parameter["schema"] = _without_null(parameter.get("schema", {}))
        if parameter["in"] == "header" and parameter["name"].lower() == "if-match":
            parameter["schema"] = {**parameter["schema"], **ETAG_LIST}
    header_names = {p["name"].lower() for p in parameters if p.get("in") == "header"}
    secured = bool(operation.get("security"))
    has_id = bool(PATH_PARAMETER.search(path))
    writes = method in ("post", "put", "patch", "delete")
    has_body = "requestBody" in operation
    is_health = path == f"{API_PREFIX}/health"

    statuses: set[int] = {422}
    if not is_health:
        statuses.add(503)
    if has_body:
        statuses |= {400, 413}
    if secured or path == f"{API_PREFIX}/auth/token":
        statuses.add(401)
    if secured and _needs_role(context):
        statuses.add(403)
    if has_id:
        statuses.add(404)
    if writes and secured:
        statuses.add(409)
    if "if-match" in header_names:
        statuses.add(412)
    is_list = method == "get" and any(p["name"] == "limit" for p in parameters)
    if path == f"{API_PREFIX}/auth/token" or (secured and is_list):
        statuses.add(429)  # login throttling; the list reads' harvesting limit
    responses.pop("422", None)
    for status in sorted(statuses):
        responses[str(status)] = {"$ref": f"#/components/responses/{status}"}
    if is_health:
        responses["503"] = {
            "description": "The database cannot be reached",
            "content": {JSON: {"schema": {"type": "object"}}},
        }

    not_modified = False
    for code, response in list(responses.items()):
        if "$ref" in response or not code.startswith("2"):
            continue
        record = _describe_success(code, response, schemas)
        not_modified |= record and method == "get"
    if not_modified:  # a single record: If-None-Match can spare the client the body
        parameters.append(IF_NONE_MATCH)
        operation["parameters"] = parameters
        responses["304"] = {
            "description": "Not modified: the ETag sent in If-None-Match is still current",
            "headers": {"ETag": _header("ETag", required=True)},
        }
    operation["responses"] = dict(sorted(responses.items()))


def _describe_success(status: str, response: dict[str, Any], schemas: dict[str, Any]) -> bool:
    """Binary schemas for files, and the headers of a success; whether it is one record."""
    content: dict[str, Any] = response.get("content", {})
    headers: dict[str, Any] = {}
    files = [media_type for media_type in content if media_type != JSON]
    for media_type in files:  # CSV, XLSX, vCard, iCalendar
        content[media_type]["schema"] = BINARY
    if files:
        # Always there on a file-only answer; on a JSON-or-CSV report, with the CSV only.
        headers["Content-Disposition"] = _header("Content-Disposition", JSON not in content)
    record = _is_record(content.get(JSON, {}).get("schema", {}), schemas)
    if record:
        headers["ETag"] = _header("ETag", required=True)
        if status == "201":
            headers["Location"] = _header("Location", required=True)
    if headers:
        response["headers"] = headers
    return record


def _header(name: str, required: bool = False) -> dict[str, Any]:
    return {**HEADERS[name], "required": required}


def _is_record(schema: dict[str, Any], schemas: dict[str, Any]) -> bool:
    """A single record (it has a version, hence an ETag), not a page or a report."""
    ref = schema.get("$ref", "")
    target = schemas.get(ref.rsplit("/", 1)[-1], {}) if ref else schema
    properties = target.get("properties", {})
    return "version" in properties and "items" not in properties


def _without_null(schema: dict[str, Any]) -> dict[str, Any]:
    """An optional parameter is left out, never sent as null: drop the null alternative
    FastAPI writes for ``X | None`` (a client would otherwise send the text "null")."""
    variants = schema.get("anyOf")
    if not variants:
        return schema
    kept = [v for v in variants if v.get("type") != "null"]
    if len(kept) == len(variants):
        return schema
    rest = {k: v for k, v in schema.items() if k != "anyOf"}
    return {**rest, **kept[0]} if len(kept) == 1 else {**rest, "anyOf": kept}


def _needs_role(context: Any) -> bool:
    """Whether a dependency of the route checks the caller's role (403 when it lacks it)."""
    dependant = getattr(context, "dependant", None)
    pending = list(getattr(dependant, "dependencies", []))
    while pending:
        dependency = pending.pop()
        call = getattr(dependency, "call", None)
        qualname = getattr(call, "__qualname__", "")
        if qualname.startswith("_require.") or qualname == "report_format":
            return True
        pending.extend(dependency.dependencies)
    return False
