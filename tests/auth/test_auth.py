import asyncio
import re

import httpx
import pytest

from tests.conftest import PASSWORD
from tests.factories import (
    make_city,
    make_contact,
    make_interaction,
    make_organization,
    make_partnership,
    make_user,
)
from tests.problems import PROBLEM_JSON

# The calendar feed's secret URL is its own credential (subscribed to by calendar apps).
PUBLIC_PATHS = {"/api/v1/health", "/api/v1/auth/token", "/api/v1/calendar/{token}.ics"}


async def _login(client: httpx.AsyncClient, username: str, password: str) -> httpx.Response:
    return await client.post(
        "/api/v1/auth/token", data={"username": username, "password": password}
    )


async def _token(client: httpx.AsyncClient, username: str, password: str) -> str:
    response = await _login(client, username, password)
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_login_returns_a_bearer_token(anon):
    response = await _login(anon, "editor", PASSWORD)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer"
    assert isinstance(body["access_token"], str) and body["access_token"]
    assert isinstance(body["expires_in"], int) and body["expires_in"] > 0
    me = await anon.get("/api/v1/users/me", headers=_bearer(body["access_token"]))
    assert me.status_code == 200
    assert me.json()["username"] == "editor" and me.json()["role"] == "editor"


async def test_username_is_case_insensitive_at_login(anon):
    response = await _login(anon, "  EDITOR ", PASSWORD)
    assert response.status_code == 200, response.text


async def test_login_needs_a_form(anon):
    response = await anon.post("/api/v1/auth/token", json={"username": "editor"})
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM_JSON


async def test_wrong_password_and_unknown_user_look_the_same(anon):
    wrong = await _login(anon, "editor", "not-the-password")
    unknown = await _login(anon, "nobody-here", "not-the-password")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert wrong.headers["content-type"] == unknown.headers["content-type"] == PROBLEM_JSON
    assert "access_token" not in wrong.json()


async def test_inactive_user_cannot_log_in(admin, anon):
    user = await make_user(admin, "sleepy")
    response = await admin.patch(f"/api/v1/users/{user['id']}", json={"is_active": False})
    assert response.status_code == 200, response.text
    inactive = await _login(anon, "sleepy", "s3cret-pass")
    unknown = await _login(anon, "nobody-here", "s3cret-pass")
    assert inactive.status_code == 401
    assert inactive.json() == unknown.json()


async def test_too_many_failed_logins_are_throttled(anon):
    for attempt in range(10):
        response = await _login(anon, "viewer", f"wrong-{attempt}")
        assert response.status_code == 401, attempt
    response = await _login(anon, "viewer", "wrong-again")
    assert response.status_code == 429
    assert response.headers["content-type"] == PROBLEM_JSON
    assert int(response.headers["retry-after"]) >= 1
    # The throttle is per username: others can still log in.
    assert (await _login(anon, "editor", PASSWORD)).status_code == 200
    # And the username's case does not get around it.
    assert (await _login(anon, "VIEWER", "wrong-again")).status_code == 429


async def test_every_protected_endpoint_needs_a_token(anon):
    schema = (await anon.get("/openapi.json")).json()
    routes = [
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        if path.startswith("/api/v1/") and path not in PUBLIC_PATHS
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    ]
    assert len(routes) >= 25  # every record type's routes, users, audit, search, timelines
    for method, template in routes:
        path = re.sub(r"\{[^}]+\}", "1", template)
        response = await anon.request(method, path)
        assert response.status_code == 401, (method, path, response.status_code)
        assert response.headers["www-authenticate"] == "Bearer", (method, path)
        assert response.headers["content-type"] == PROBLEM_JSON, (method, path)
        body = response.json()
        assert body["status"] == 401 and body["title"] and body["detail"] and body["type"]


async def test_health_and_token_need_no_token(anon):
    assert (await anon.get("/api/v1/health")).status_code == 200
    assert (await _login(anon, "viewer", PASSWORD)).status_code == 200


async def test_garbage_and_foreign_tokens_are_401(anon):
    for header in (
        "Bearer not-a-jwt",
        "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",
        "Basic YWRtaW46cGFzcw==",
        "Bearer ",
    ):
        response = await anon.get("/api/v1/cities", headers={"Authorization": header})
        assert response.status_code == 401, header
        assert response.headers["www-authenticate"] == "Bearer"
        assert response.headers["content-type"] == PROBLEM_JSON


async def test_token_signed_with_another_key_is_401(anon):
    import jwt

    forged = jwt.encode({"sub": "1", "exp": 4_102_444_800}, "another-key" * 4, algorithm="HS256")
    response = await anon.get("/api/v1/users/me", headers=_bearer(forged))
    assert response.status_code == 401


async def test_viewer_reads_but_cannot_write(client, viewer):
    city = await make_city(client)
    partnership = await make_partnership(client, city["id"])
    org = await make_organization(client)
    contact = await make_contact(client)
    interaction = await make_interaction(client)
    records = {
        "cities": (city, {"name": "Austin", "country_code": "US"}, {"region": "X"}),
        "partnerships": (
            partnership,
            {"city_id": city["id"], "kind": "sister_city", "signed_on": "2000-01-01"},
            {"notes": "X"},
        ),
        "organizations": (org, {"name": "UCLG"}, {"notes": "X"}),
        "contacts": (contact, {"full_name": "Someone"}, {"position": "X"}),
        "interactions": (
            interaction,
            {"kind": "call", "occurred_on": "2024-01-01", "title": "X"},
            {"title": "X"},
        ),
    }
    for collection, (record, create_body, patch_body) in records.items():
        path = f"/api/v1/{collection}"
        assert (await viewer.get(path)).status_code == 200
        assert (await viewer.get(f"{path}/{record['id']}")).status_code == 200
        for response in (
            await viewer.post(path, json=create_body),
            await viewer.patch(f"{path}/{record['id']}", json=patch_body),
            await viewer.delete(f"{path}/{record['id']}"),
            await viewer.post(f"{path}/{record['id']}/restore"),
        ):
            assert response.status_code == 403, (collection, response.request.method)
            assert response.headers["content-type"] == PROBLEM_JSON
        read = (await viewer.get(f"{path}/{record['id']}")).json()
        assert read["version"] == 1 and read["archived_at"] is None, collection
        assert (await viewer.get(path)).json()["total"] == 1
    response = await viewer.post(
        f"/api/v1/organizations/{org['id']}/members", json={"city_id": city["id"]}
    )
    assert response.status_code == 403


async def test_editor_cannot_manage_users(client):
    for method, path, body in (
        ("GET", "/api/v1/users", None),
        ("POST", "/api/v1/users", {"username": "mallory", "password": "password123"}),
        ("GET", "/api/v1/users/1", None),
        ("PATCH", "/api/v1/users/2", {"role": "admin"}),
    ):
        response = await client.request(method, path, json=body)
        assert response.status_code == 403, (method, path)
        assert response.headers["content-type"] == PROBLEM_JSON
    me = (await client.get("/api/v1/users/me")).json()
    assert me["role"] == "editor"


async def test_viewer_cannot_manage_users(viewer):
    assert (await viewer.get("/api/v1/users")).status_code == 403
    response = await viewer.patch("/api/v1/users/3", json={"role": "admin"})
    assert response.status_code == 403
    assert (await viewer.get("/api/v1/users/me")).json()["role"] == "viewer"


async def test_admin_lists_creates_and_reads_users(admin, anon):
    response = await admin.get("/api/v1/users")
    assert response.status_code == 200
    assert {u["username"] for u in response.json()["items"]} == {"admin", "editor", "viewer"}

    response = await admin.post(
        "/api/v1/users",
        json={"username": "Ana.Lima", "password": "pass-word-1", "full_name": "Ana Lima"},
    )
    assert response.status_code == 201, response.text
    ana = response.json()
    assert ana["username"] == "ana.lima" and ana["role"] == "viewer" and ana["is_active"]
    assert ana["full_name"] == "Ana Lima"

    response = await admin.get(f"/api/v1/users/{ana['id']}")
    assert response.status_code == 200 and response.json()["username"] == "ana.lima"
    assert (await admin.get("/api/v1/users")).json()["total"] == 4

    token = await _token(anon, "ana.lima", "pass-word-1")
    me = await anon.get("/api/v1/users/me", headers=_bearer(token))
    assert me.status_code == 200
    assert me.json()["id"] == ana["id"] and me.json()["role"] == "viewer"


async def test_user_input_is_validated(admin):
    for body in (
        {"username": "short", "password": "1234567"},
        {"username": "has space", "password": "password123"},
        {"username": "", "password": "password123"},
        {"username": "ok", "password": "password123", "role": "superuser"},
        {"username": "ok", "password": "password123", "password_hash": "x"},
    ):
        response = await admin.post("/api/v1/users", json=body)
        assert response.status_code == 422, body
    assert (await admin.get("/api/v1/users")).json()["total"] == 3


async def test_role_change_takes_effect_on_existing_token(admin, anon):
    user = await make_user(admin, "promoted", role="viewer")
    token = await _token(anon, "promoted", "s3cret-pass")
    body = {"name": "Austin", "country_code": "US"}
    response = await anon.post("/api/v1/cities", json=body, headers=_bearer(token))
    assert response.status_code == 403

    response = await admin.patch(f"/api/v1/users/{user['id']}", json={"role": "editor"})
    assert response.status_code == 200, response.text
    assert response.json()["role"] == "editor"
    response = await anon.post("/api/v1/cities", json=body, headers=_bearer(token))
    assert response.status_code == 201, response.text


async def test_password_change_lets_the_user_log_in_with_the_new_one(admin, anon):
    user = await make_user(admin, "changer", password="old-password")
    response = await admin.patch(
        f"/api/v1/users/{user['id']}", json={"password": "brand-new-password"}
    )
    assert response.status_code == 200, response.text
    assert (await _login(anon, "changer", "old-password")).status_code == 401
    assert (await _login(anon, "changer", "brand-new-password")).status_code == 200


async def test_deactivated_users_token_stops_working_at_once(admin, anon):
    user = await make_user(admin, "leaver")
    token = await _token(anon, "leaver", "s3cret-pass")
    assert (await anon.get("/api/v1/cities", headers=_bearer(token))).status_code == 200

    response = await admin.patch(f"/api/v1/users/{user['id']}", json={"is_active": False})
    assert response.status_code == 200, response.text
    assert response.json()["is_active"] is False
    response = await anon.get("/api/v1/cities", headers=_bearer(token))
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert (await anon.get("/api/v1/users/me", headers=_bearer(token))).status_code == 401

    # Re-activated, the user logs in again; the token of before stays dead.
    response = await admin.patch(f"/api/v1/users/{user['id']}", json={"is_active": True})
    assert response.status_code == 200
    assert (await anon.get("/api/v1/cities", headers=_bearer(token))).status_code == 401
    fresh = await _token(anon, "leaver", "s3cret-pass")
    assert (await anon.get("/api/v1/cities", headers=_bearer(fresh))).status_code == 200


async def test_last_active_admin_cannot_be_demoted_or_deactivated(admin):
    me = (await admin.get("/api/v1/users/me")).json()
    for body in ({"role": "editor"}, {"role": "viewer"}, {"is_active": False}):
        response = await admin.patch(f"/api/v1/users/{me['id']}", json=body)
        assert response.status_code == 409, body
        assert response.headers["content-type"] == PROBLEM_JSON
    read = (await admin.get(f"/api/v1/users/{me['id']}")).json()
    assert (
        read["role"] == "admin" and read["is_active"] is True and read["version"] == me["version"]
    )

    # An inactive second admin does not count.
    other = await make_user(admin, "backup-admin", role="admin")
    await admin.patch(f"/api/v1/users/{other['id']}", json={"is_active": False})
    response = await admin.patch(f"/api/v1/users/{me['id']}", json={"role": "editor"})
    assert response.status_code == 409

    # With another active admin, one of them can step down (the new one, so the standing
    # admin account stays as it is for other tests)...
    await admin.patch(f"/api/v1/users/{other['id']}", json={"is_active": True})
    response = await admin.patch(f"/api/v1/users/{other['id']}", json={"role": "editor"})
    assert response.status_code == 200, response.text
    # ...after which the remaining one is the last again.
    response = await admin.patch(f"/api/v1/users/{me['id']}", json={"is_active": False})
    assert response.status_code == 409
    # Keeping the role (or re-activating) is not a demotion.
    response = await admin.patch(f"/api/v1/users/{me['id']}", json={"role": "admin"})
    assert response.status_code == 200


@pytest.mark.parametrize("change", [{"role": "editor"}, {"is_active": False}])
async def test_concurrent_demotions_never_leave_no_admin(admin, anon, change):
    """Two admins stepping down at the same moment: one of them must stay admin. Each round
    first deactivates every other admin, so the two new ones are the only active admins."""
    actor_id = (await admin.get("/api/v1/users/me")).json()["id"]
    actor = admin.headers
    for round_ in range(3):
        pair = []
        for name in (f"first-{round_}", f"second-{round_}"):
            body = {"username": name, "password": f"{name}-password", "role": "admin"}
            response = await anon.post("/api/v1/users", json=body, headers=actor)
            assert response.status_code == 201, response.text
            token = await _token(anon, name, f"{name}-password")
            pair.append((response.json()["id"], _bearer(token)))
        response = await anon.patch(
            f"/api/v1/users/{actor_id}", json={"is_active": False}, headers=pair[0][1]
        )
        assert response.status_code == 200, response.text

        responses = await asyncio.gather(
            *(anon.patch(f"/api/v1/users/{i}", json=change, headers=h) for i, h in pair)
        )
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [200, 409], (round_, [r.text for r in responses])
        # The one refused is still an admin and can administer.
        actor_id, actor = next(p for p, r in zip(pair, responses, strict=True) if r.is_error)
        assert (await anon.get("/api/v1/users", headers=actor)).status_code == 200


async def test_duplicate_username_is_409(admin):
    first = await make_user(admin, "dupe")
    for username in ("dupe", "DUPE", " dupe "):
        response = await admin.post(
            "/api/v1/users", json={"username": username, "password": "password123"}
        )
        assert response.status_code == 409, username
        assert response.headers["content-type"] == PROBLEM_JSON
        assert response.json()["existing_id"] == first["id"]
    assert (await admin.get("/api/v1/users")).json()["total"] == 4


async def test_unknown_user_is_404(admin):
    assert (await admin.get("/api/v1/users/999999")).status_code == 404
    response = await admin.patch("/api/v1/users/999999", json={"role": "editor"})
    assert response.status_code == 404


async def test_passwords_never_appear_in_responses(admin, anon):
    password, new_password = "Pa55word-unique-1", "Pa55word-unique-2"
    responses = [
        await admin.post(
            "/api/v1/users", json={"username": "secretive", "password": password, "role": "editor"}
        )
    ]
    user = responses[0].json()
    responses.append(await admin.get("/api/v1/users"))
    responses.append(await admin.get(f"/api/v1/users/{user['id']}"))
    responses.append(
        await admin.patch(f"/api/v1/users/{user['id']}", json={"password": new_password})
    )
    responses.append(await _login(anon, "secretive", password))
    login = await _login(anon, "secretive", new_password)
    responses.append(login)
    responses.append(
        await anon.get("/api/v1/users/me", headers=_bearer(login.json()["access_token"]))
    )
    responses.append(await admin.get("/api/v1/audit", params={"entity": "user"}))
    # Refused input is not echoed back either.
    for body in (
        {"username": "bad name", "password": password},
        {"username": "fine", "password": password, "role": "boss"},
        {"username": "secretive", "password": password},
    ):
        refused = await admin.post("/api/v1/users", json=body)
        assert refused.status_code in (409, 422)
        responses.append(refused)
    refused = await admin.patch(f"/api/v1/users/{user['id']}", json={"password": password[:5]})
    assert refused.status_code == 422
    responses.append(refused)
    for response in responses:
        text = response.text
        assert password not in text and new_password not in text, response.request.url
        assert password[:5] not in text
        assert "$argon2" not in text and 'password_hash": "$' not in text
        body = response.json()
        items = body.get("items", [body])
        for item in items:
            if "username" in item:
                assert not {"password", "password_hash"} & set(item), item
