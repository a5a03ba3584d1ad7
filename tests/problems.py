"""What a client checks in an RFC 9457 problem+json answer, shared by the test modules."""

from typing import Any

import httpx

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "https://diplomacy-crm.example/problems/"


def assert_problem(response: httpx.Response, status: int, slug: str | None = None) -> Any:
    """The response is a problem with this status (and, if given, this type); returns its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    body = response.json()
    if slug is not None:
        assert body["type"] == PROBLEM_BASE + slug
    assert isinstance(body["type"], str) and body["type"]
    assert body["status"] == status
    assert isinstance(body["title"], str) and body["title"]
    assert isinstance(body["detail"], str) and body["detail"]
    return body


def assert_field_error(response: httpx.Response, field: str) -> Any:
    """A 422 that names exactly this one field."""
    body = assert_problem(response, 422, "validation-error")
    assert [e.get("pointer") for e in body["errors"]] == [f"/{field}"], body
    return body


def pointers(response: httpx.Response) -> set[str]:
    """The fields a problem names."""
    assert response.headers["content-type"] == PROBLEM_JSON, response.text
    return {e.get("pointer") for e in response.json().get("errors", [])}


def problem_parameters(response: httpx.Response) -> set[str]:
    """The query parameters a 422 problem names."""
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    return {e.get("parameter") for e in response.json()["errors"]}
