"""The OpenAPI document describes what the server sends, and the docs pages work offline."""

import re
from typing import Any

import pytest

from app.config import Settings
from app.main import create_app

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODS = "application/vnd.oasis.opendocument.spreadsheet"


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    settings = Settings(
        database_url="sqlite+aiosqlite://",
        secret_key="test-secret-key-that-is-long-enough-for-hs256",
        _env_file=None,  # type: ignore[call-arg]
    )
    return create_app(settings).openapi()


def operations(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        operation["operationId"]: operation
        for methods in document["paths"].values()
        for operation in methods.values()
    }


def response(document: dict[str, Any], operation: dict[str, Any], status: str) -> dict[str, Any]:
    answer = operation["responses"][status]
    if "$ref" in answer:
        answer = document["components"]["responses"][answer["$ref"].rsplit("/", 1)[-1]]
    return answer


def schema_of(document: dict[str, Any], name: str) -> dict[str, Any]:
    return document["components"]["schemas"][name]


def test_operation_ids_are_short_stable_and_unique(document) -> None:
    ids = [op["operationId"] for methods in document["paths"].values() for op in methods.values()]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z]+(_[a-z]+)*", i) for i in ids), ids
    assert {
        "contacts_list",
        "contacts_create",
        "contacts_read",
        "contacts_update",
        "contacts_archive",
        "contacts_restore",
        "contacts_export",
        "invitations_list",
        "events_invitations_list",
        "invitations_restore",
        "follow_ups_update",
        "organizations_members_add",
        "users_me_read",
        "auth_token",
        "auth_logout",
        "users_me_password_change",
        "users_sign_out",
        "calendar_token_remove",
    } <= set(ids)
    assert "Body_auth_token" in document["components"]["schemas"]


def test_every_error_is_the_one_problem_schema(document) -> None:
    schemas = document["components"]["schemas"]
    assert "HTTPValidationError" not in schemas and "ValidationError" not in schemas
    problem = schemas["Problem"]
    assert set(problem["required"]) == {"type", "title", "status", "detail"}
    assert {"errors", "existing_id", "current_etag", "request_id"} <= set(problem["properties"])
    assert set(problem["properties"]["errors"]["items"]["properties"]) == {
        "pointer",
        "parameter",
        "in",
        "detail",
    }
    for path, methods in document["paths"].items():
        for operation in methods.values():
            for status in operation["responses"]:
                if status.startswith(("2", "3")) or path == "/api/v1/health":
                    continue
                content = response(document, operation, status)["content"]
                assert content == {"application/problem+json": {"schema": PROBLEM_REF}}, (
                    path,
                    status,
                )
            assert "422" in operation["responses"], path


def test_each_operation_lists_the_errors_it_can_answer(document) -> None:
    ops = operations(document)

    def statuses(operation_id: str) -> set[str]:
        return {s for s in ops[operation_id]["responses"] if s[0] in "45"}

    assert statuses("contacts_update") == {
        "400",
        "401",
        "403",
        "404",
        "409",
        "412",
        "413",
        "422",
        "503",
    }
    # Anyone signed in may list; a list read can be throttled; nothing there to find missing.
    assert statuses("contacts_list") == {"401", "422", "429", "503"}
    assert statuses("contacts_read") == {"401", "404", "422", "503"}
    assert statuses("auth_token") == {"400", "401", "413", "422", "429", "503"}
    assert {"401", "403"} <= statuses("contacts_export")  # viewers may not export
    assert "403" in statuses("users_list") and "403" in statuses("reports_engagement")
    assert "401" not in statuses("calendar_feed")  # its secret address is the credential
    retry = response(document, ops["contacts_read"], "503")["headers"]["Retry-After"]
    assert retry["schema"]["type"] == "integer"
    assert "Retry-After" in response(document, ops["auth_token"], "429")["headers"]


def test_record_answers_document_etag_location_and_304(document) -> None:
    ops = operations(document)
    created = ops["contacts_create"]["responses"]["201"]["headers"]
    assert created["ETag"]["required"] and created["Location"]["required"]
    read = ops["contacts_read"]
    assert read["responses"]["200"]["headers"]["ETag"]["required"]
    assert read["responses"]["304"]["headers"]["ETag"]["required"]
    assert "If-None-Match" in [p["name"] for p in read["parameters"]]
    for operation_id in ("contacts_update", "contacts_archive", "contacts_restore"):
        assert ops[operation_id]["responses"]["200"]["headers"]["ETag"]["required"]
        if_match = next(p for p in ops[operation_id]["parameters"] if p["name"] == "If-Match")
        assert if_match["schema"]["type"] == "string" and "pattern" in if_match["schema"]
    assert "headers" not in ops["contacts_list"]["responses"]["200"]  # a page has no ETag


def test_optional_parameters_are_never_null(document) -> None:
    """A client leaves an optional parameter out; "null" in a query string is not absence."""
    for methods in document["paths"].values():
        for operation in methods.values():
            for parameter in operation.get("parameters", []):
                text = repr(parameter["schema"])
                assert "'null'" not in text, (operation["operationId"], parameter)


def test_downloads_are_binary_per_media_type(document) -> None:
    ops = operations(document)
    binary = {"schema": {"type": "string", "format": "binary"}}
    export = ops["contacts_export"]["responses"]["200"]
    assert export["content"] == {
        "text/csv": binary,
        XLSX: binary,
        ODS: binary,
        "text/vcard": binary,
    }
    assert export["headers"]["Content-Disposition"]["required"]
    invitations = ops["events_invitations_export"]["responses"]["200"]["content"]
    assert invitations == {"text/csv": binary, XLSX: binary, ODS: binary}
    feed = ops["calendar_feed"]["responses"]["200"]
    assert feed["content"] == {"text/calendar": binary}
    report = ops["reports_dormant_partners"]["responses"]["200"]
    assert report["content"]["text/csv"] == binary
    assert report["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/DormantPartnersReport"
    }
    # CSV only with format=csv: the header is documented, not promised on every answer.
    assert not report["headers"]["Content-Disposition"]["required"]


def test_iso_codes_and_phones_are_described(document) -> None:
    city = schema_of(document, "CityCreate")["properties"]["country_code"]
    codes = next(v for v in city["anyOf"] if v.get("enum"))["enum"]
    assert "TW" in codes and "KR" in codes and len(codes) > 240 and "XX" not in codes
    contact = schema_of(document, "ContactCreate")["properties"]
    languages = contact["languages"]
    assert {"zh", "en", "ko"} <= set(languages["items"]["enum"])
    phone = next(v for v in contact["phone"]["anyOf"] if v.get("type") == "string")
    assert phone["format"] == "phone"
    query = next(
        p
        for p in operations(document)["contacts_list"]["parameters"]
        if p["name"] == "country_code"
    )
    assert "TW" in query["schema"]["enum"]


async def test_docs_pages_use_only_local_assets(anon) -> None:
    for page in ("/docs", "/redoc"):
        html = await anon.get(page)
        assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
        urls = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html.text)
        urls += re.findall(r"""url:\s*["']([^"']+)["']""", html.text)
        assert urls, html.text
        for url in urls:
            assert url.startswith("/") and not url.startswith("//"), (page, url)
        assert not re.search(r"https?://", html.text), html.text
        for url in urls:
            asset = await anon.get(url)
            assert asset.status_code == 200, url
            assert len(asset.content) > 0
    redirect = await anon.get("/docs/oauth2-redirect")
    assert redirect.status_code == 200 and "oauth2" in redirect.text
    script = await anon.get("/docs-assets/swagger-ui-bundle.js")
    assert "javascript" in script.headers["content-type"]
    assert len(script.content) > 1_000_000
    licence = await anon.get("/docs-assets/swagger-ui.LICENSE")
    assert "Apache License" in licence.text
    redoc = await anon.get("/docs-assets/redoc.LICENSE")
    assert "MIT" in redoc.text
