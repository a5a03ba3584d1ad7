"""The Admin pages without a browser: roles, refusals, and the calendar feed's link."""

import re

import httpx

from tests.conftest import PASSWORD
from tests.factories import make_user
from tests.web.conftest import csrf_token, web_sign_in

FEED = re.compile(r'id="feed-url" type="text" readonly value="([^"]+)"')


async def sign_in_status(app, username: str, password: str) -> int:
    """The sign-in form's answer for a fresh browser: 303 in, 400 refused."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as browser:
        token = await csrf_token(browser)
        response = await browser.post(
            "/sign-in",
            data={"username": username, "password": password, "csrf_token": token, "next": "/"},
        )
        return response.status_code


async def test_only_admins_see_the_users(web) -> None:
    await web_sign_in(web, "editor")
    response = await web.get("/admin/users")
    assert response.status_code == 403
    assert "Your role does not allow" in response.text
    token = await csrf_token(web, "/")
    refused = await web.post(
        "/admin/users",
        data={"csrf_token": token, "username": "x", "password": "long-enough", "role": "admin"},
    )
    assert refused.status_code == 403


async def test_create_with_bad_input_keeps_what_was_typed(web, app) -> None:
    token = await web_sign_in(web, "admin")
    response = await web.post(
        "/admin/users",
        data={"csrf_token": token, "username": "mei", "password": "short", "role": "editor"},
    )
    assert response.status_code == 422
    assert "The password needs at least 8 characters." in response.text
    assert 'value="mei"' in response.text and "short" not in response.text
    taken = await web.post(
        "/admin/users",
        data={"csrf_token": token, "username": "editor", "password": "long-enough"},
    )
    assert taken.status_code == 422 and "This username is taken." in taken.text


async def test_the_last_admin_cannot_step_down(web) -> None:
    token = await web_sign_in(web, "admin")
    response = await web.post("/admin/users/1/role", data={"csrf_token": token, "role": "viewer"})
    assert response.status_code == 409
    assert "This is the last active admin" in response.text


async def test_deactivate_and_reset_password(web, app, admin) -> None:
    mei = await make_user(admin, "mei", role="editor")
    assert await sign_in_status(app, "mei", "s3cret-pass") == 303
    token = await web_sign_in(web, "admin")
    done = await web.post(
        f"/admin/users/{mei['id']}/active", data={"csrf_token": token, "active": "false"}
    )
    assert done.status_code == 303
    assert await sign_in_status(app, "mei", "s3cret-pass") == 400
    await web.post(f"/admin/users/{mei['id']}/active", data={"csrf_token": token, "active": "true"})
    await web.post(
        f"/admin/users/{mei['id']}/password",
        data={"csrf_token": token, "password": "a-new-password"},
    )
    assert await sign_in_status(app, "mei", "s3cret-pass") == 400
    assert await sign_in_status(app, "mei", "a-new-password") == 303


async def test_rotating_the_feed_link_retires_the_old_one(web, anon) -> None:
    token = await web_sign_in(web, "viewer", PASSWORD)  # every user has their own feed
    page = await web.get("/admin/calendar")
    assert page.status_code == 200 and "You have no calendar feed yet." in page.text
    first = FEED.search((await web.post("/admin/calendar/rotate", data={"csrf_token": token})).text)
    assert first
    old_url = first.group(1)
    assert (await anon.get(old_url)).status_code == 200
    again = await web.get("/admin/calendar")
    assert old_url not in again.text and "cannot be shown again" in again.text
    second = FEED.search(
        (await web.post("/admin/calendar/rotate", data={"csrf_token": token})).text
    )
    assert second and second.group(1) != old_url
    assert (await anon.get(old_url)).status_code == 404
    assert (await anon.get(second.group(1))).status_code == 200
