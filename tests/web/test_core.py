"""The web app's frame without a browser: sessions, CSRF, roles, languages, error pages."""

from datetime import UTC, datetime, timedelta

import httpx
import jwt

from app.interactions.models import InteractionKind
from app.main import create_app
from app.web import session as web_session
from app.web.forms import form_errors, form_values
from app.web.labels import choices
from app.web.templating import templates
from tests.conftest import PASSWORD
from tests.factories import edit, make_follow_up, make_interaction, make_user, today
from tests.web.conftest import csrf_of, csrf_token, web_sign_in


async def test_a_page_without_a_session_sends_to_sign_in(web: httpx.AsyncClient) -> None:
    response = await web.get("/", params={})
    assert response.status_code == 303
    assert response.headers["location"] == "/sign-in?next=/"


async def test_an_htmx_request_without_a_session_is_told_to_redirect(
    web: httpx.AsyncClient,
) -> None:
    response = await web.get(
        "/", headers={"HX-Request": "true", "HX-Current-URL": "http://test/contacts?q=x"}
    )
    assert response.status_code == 204
    assert response.headers["hx-redirect"] == "/sign-in?next=%2Fcontacts"


async def test_sign_in_sets_a_safe_cookie_and_goes_to_next(web: httpx.AsyncClient) -> None:
    token = await csrf_token(web, "/sign-in?next=/contacts")
    response = await web.post(
        "/sign-in",
        data={"username": "Editor", "password": PASSWORD, "csrf_token": token, "next": "/contacts"},
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/contacts"
    cookie = next(c for c in response.headers.get_list("set-cookie") if "crm_session=" in c)
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    page = await web.get("/")
    assert page.status_code == 200
    assert "editor" in page.text
    assert page.headers["cache-control"] == "no-store"


async def test_sign_in_over_https_sets_a_secure_cookie(app, anon) -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://test") as client:
        token = await csrf_token(client)
        response = await client.post(
            "/sign-in", data={"username": "editor", "password": PASSWORD, "csrf_token": token}
        )
    cookie = next(c for c in response.headers.get_list("set-cookie") if "crm_session=" in c)
    assert "Secure" in cookie


async def test_sign_in_never_goes_to_another_site(web: httpx.AsyncClient) -> None:
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        token = await csrf_token(web)
        response = await web.post(
            "/sign-in",
            data={"username": "editor", "password": PASSWORD, "csrf_token": token, "next": target},
        )
        assert response.headers["location"] == "/"


async def test_a_wrong_password_shows_the_form_again(web: httpx.AsyncClient) -> None:
    token = await csrf_token(web)
    response = await web.post(
        "/sign-in", data={"username": "editor", "password": "nope", "csrf_token": token}
    )
    assert response.status_code == 400
    assert "The username or password is not correct." in response.text
    assert 'value="editor"' in response.text
    assert "crm_session" not in response.headers.get("set-cookie", "")


async def test_sign_in_without_the_csrf_token_is_refused(web: httpx.AsyncClient) -> None:
    await csrf_token(web)  # the browser has a pre-session cookie, but the form lacks the token
    response = await web.post("/sign-in", data={"username": "editor", "password": PASSWORD})
    assert response.status_code == 403
    assert "did not come from this site" in response.text
    assert response.headers["content-type"].startswith("text/html")


async def test_a_post_with_a_wrong_csrf_token_is_refused(web: httpx.AsyncClient) -> None:
    await web_sign_in(web, "editor")
    response = await web.post("/sign-out", data={"csrf_token": "0" * 64})
    assert response.status_code == 403
    assert (await web.get("/")).status_code == 200  # still signed in


async def test_the_csrf_token_may_come_in_a_header(web: httpx.AsyncClient) -> None:
    token = await web_sign_in(web, "editor")
    response = await web.post("/sign-out", headers={"X-CSRF-Token": token})
    assert response.status_code == 303
    assert (await web.get("/")).status_code == 303


async def test_a_token_of_another_session_is_refused(app, web: httpx.AsyncClient) -> None:
    other_token = await web_sign_in(web, "editor")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as other:
        await web_sign_in(other, "editor")
        response = await other.post("/sign-out", data={"csrf_token": other_token})
    assert response.status_code == 403


async def test_sign_out_ends_the_session(web: httpx.AsyncClient, tokens) -> None:
    token = await web_sign_in(web, "viewer")
    stolen = web.cookies.get(web_session.SESSION_COOKIE)
    response = await web.post("/sign-out", data={"csrf_token": token})
    assert response.status_code == 303 and response.headers["location"] == "/sign-in"
    assert (await web.get("/")).status_code == 303
    # The cookie, had someone copied it, no longer works either.
    web.cookies.set(web_session.SESSION_COOKIE, stolen or "")
    assert (await web.get("/")).status_code == 303
    signed_out = await web.get("/sign-in")
    assert "You are signed out." in signed_out.text


async def test_a_password_reset_or_deactivation_through_the_api_ends_the_web_session(
    web: httpx.AsyncClient, admin: httpx.AsyncClient
) -> None:
    user = await make_user(admin, "ming", password="first-long-password")
    await web_sign_in(web, "ming", "first-long-password")
    assert (await web.get("/")).status_code == 200
    await edit(admin, "users", user["id"], password="second-long-password")
    assert (await web.get("/")).status_code == 303
    await web_sign_in(web, "ming", "second-long-password")
    await edit(admin, "users", user["id"], is_active=False)
    assert (await web.get("/")).status_code == 303


async def test_the_session_ends_after_the_idle_timeout(app, web: httpx.AsyncClient) -> None:
    settings = app.state.settings
    long_ago = datetime.now(UTC) - timedelta(minutes=settings.web_idle_minutes + 1)
    web.cookies.set(
        web_session.SESSION_COOKIE, web_session.issue_session_token(2, 0, settings, now=long_ago)
    )
    assert (await web.get("/")).status_code == 303
    recent = datetime.now(UTC) - timedelta(minutes=settings.web_idle_minutes - 1)
    web.cookies.set(
        web_session.SESSION_COOKIE, web_session.issue_session_token(2, 0, settings, now=recent)
    )
    response = await web.get("/")
    assert response.status_code == 200
    # Working renews the session: a fresh cookie, with the same session (same CSRF token).
    renewed = response.cookies.get(web_session.SESSION_COOKIE)
    assert renewed is not None
    token = web_session.read_session_cookie_value(renewed, settings)
    assert token is not None and token.issued_at > recent


async def test_the_session_ends_after_its_absolute_lifetime_however_active(
    app, web: httpx.AsyncClient
) -> None:
    settings = app.state.settings
    assert settings.web_max_session_hours == 12
    now = datetime.now(UTC)
    signed_in = now - timedelta(hours=settings.web_max_session_hours, minutes=1)
    # Active a minute ago (idle timeout not reached), but signed in over 12 hours ago.
    web.cookies.set(
        web_session.SESSION_COOKIE,
        web_session.issue_session_token(
            2, 0, settings, signed_in_at=signed_in, now=now - timedelta(minutes=1)
        ),
    )
    assert (await web.get("/")).status_code == 303
    # Near the cap, a renewal keeps the time of signing in and expires at the cap.
    signed_in = now - timedelta(hours=settings.web_max_session_hours) + timedelta(minutes=5)
    web.cookies.set(
        web_session.SESSION_COOKIE,
        web_session.issue_session_token(
            2, 0, settings, signed_in_at=signed_in, now=now - timedelta(minutes=2)
        ),
    )
    response = await web.get("/")
    assert response.status_code == 200
    renewed = response.cookies.get(web_session.SESSION_COOKIE)
    assert renewed is not None
    token = web_session.read_session_cookie_value(renewed, settings)
    assert token is not None
    assert abs((token.signed_in_at - signed_in).total_seconds()) < 1
    claims = jwt.decode(renewed, options={"verify_signature": False})
    cap = signed_in + timedelta(hours=settings.web_max_session_hours)
    assert abs(claims["exp"] - cap.timestamp()) < 2


async def test_a_viewer_sees_no_admin_link(web: httpx.AsyncClient) -> None:
    await web_sign_in(web, "viewer")
    page = await web.get("/")
    assert 'href="/admin/users"' not in page.text
    await web_sign_in(web, "admin")
    assert 'href="/admin/users"' in (await web.get("/")).text


async def test_a_viewer_is_not_offered_to_log_an_interaction(web: httpx.AsyncClient) -> None:
    await web_sign_in(web, "viewer")
    page = (await web.get("/")).text
    assert 'href="/interactions/new"' not in page and "Log an interaction" not in page
    assert 'href="/events"' in page and 'href="/reports"' in page
    await web_sign_in(web, "editor")
    assert 'href="/interactions/new"' in (await web.get("/")).text


async def test_every_user_finds_their_calendar_feed_in_the_user_menu(
    web: httpx.AsyncClient,
) -> None:
    for username in ("viewer", "editor"):
        await web_sign_in(web, username)
        page = (await web.get("/")).text
        menu = page[page.index('class="user-menu"') : page.index("</details>")]
        assert 'href="/admin/calendar"' in menu and "My calendar feed" in menu
        assert (await web.get("/admin/calendar")).status_code == 200


async def test_the_site_has_an_icon(web: httpx.AsyncClient) -> None:
    response = await web.get("/favicon.ico")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert response.text.lstrip().startswith("<svg")
    page = (await web.get("/sign-in")).text
    assert 'rel="icon"' in page and "favicon.svg" in page


async def test_the_log_form_names_kinds_as_the_badges_do(
    web: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    await web_sign_in(web, "editor")
    form = (await web.get("/interactions/new")).text
    for value, word in choices(InteractionKind):
        assert f'value="{value}"' in form and word in form, word
    assert "Conference or course" in form and "Email" in form and "E-mail" not in form
    await make_interaction(client, kind="visit_inbound", title="Delegation", occurred_on=today(-1))
    today_page = (await web.get("/")).text
    assert '<span class="badge">Visit to us</span>' in today_page


async def test_the_first_visit_follows_accept_language(web: httpx.AsyncClient) -> None:
    cases = {
        "zh-TW,zh;q=0.9,en;q=0.8": "zh-Hant-TW",
        "zh-Hant": "zh-Hant-TW",
        "zh": "zh-Hant-TW",
        "en-US,en;q=0.9": "en",
        "fr-FR,en;q=0.5,zh;q=0.4": "en",
        "de": "en",
        "en;q=0.5, zh-TW": "zh-Hant-TW",
    }
    for header, lang in cases.items():
        page = await web.get("/sign-in", headers={"Accept-Language": header})
        assert f'<html lang="{lang}">' in page.text, header
    chinese = await web.get("/sign-in", headers={"Accept-Language": "zh-TW"})
    assert "登入" in chinese.text


async def test_the_chosen_language_is_remembered(web: httpx.AsyncClient) -> None:
    token = await csrf_token(web)
    response = await web.post(
        "/language", data={"language": "zh_Hant_TW", "next": "/sign-in", "csrf_token": token}
    )
    assert response.status_code == 303 and response.headers["location"] == "/sign-in"
    cookie = next(c for c in response.headers.get_list("set-cookie") if "crm_lang=" in c)
    assert "Max-Age=" in cookie
    page = await web.get("/sign-in", headers={"Accept-Language": "en"})
    assert '<html lang="zh-Hant-TW">' in page.text and "使用者名稱" in page.text
    token = csrf_of(page.text)
    await web.post("/language", data={"language": "en", "next": "/", "csrf_token": token})
    page = await web.get("/sign-in", headers={"Accept-Language": "zh-TW"})
    assert '<html lang="en">' in page.text


async def test_the_language_switch_needs_the_csrf_token(web: httpx.AsyncClient) -> None:
    await csrf_token(web)
    response = await web.post("/language", data={"language": "en", "next": "/"})
    assert response.status_code == 403


async def test_web_errors_are_pages_and_api_errors_stay_problems(web: httpx.AsyncClient) -> None:
    await web_sign_in(web, "editor")
    page = await web.get("/no-such-page", headers={"Accept-Language": "zh-TW"})
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "找不到頁面" in page.text
    assert 'href="/cities"' in page.text  # the menu is there: the user is signed in
    api = await web.get("/api/v1/no-such-thing")
    assert api.status_code == 404
    assert api.headers["content-type"] == "application/problem+json"


async def test_an_unknown_query_parameter_is_a_page_too(web: httpx.AsyncClient) -> None:
    response = await web.get("/sign-in", params={"nonsense": "1"})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")


async def test_static_files_are_served(web: httpx.AsyncClient) -> None:
    page = await web.get("/sign-in")
    for name in ("app.css", "htmx-2.0.11.min.js", "app.js"):
        assert f"/static/web/{name}?v=" in page.text
        response = await web.get(f"/static/web/{name}")
        assert response.status_code == 200


async def test_a_viewer_is_refused_an_edit_route(
    web: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    follow_up = await make_follow_up(client, title="Send the MoU draft", due_on=today(1))
    token = await web_sign_in(web, "viewer")
    response = await web.post(f"/follow-ups/{follow_up['id']}/done", data={"csrf_token": token})
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("text/html")
    assert "You are not allowed to do this" in response.text
    still = await client.get(f"/api/v1/follow-ups/{follow_up['id']}")
    assert still.json()["status"] == "open"


async def test_error_pages_are_translated(app, web: httpx.AsyncClient) -> None:
    broken = create_app(app.state.settings)

    async def boom() -> None:
        raise RuntimeError("kaboom SELECT secret_column")

    broken.add_api_route("/broken-page", boom, methods=["GET"])
    transport = httpx.ASGITransport(app=broken, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as browser:
        page = await browser.get("/broken-page", headers={"Accept-Language": "zh-TW"})
        assert page.status_code == 500
        assert page.headers["content-type"].startswith("text/html")
        assert "發生錯誤" in page.text and page.headers["x-request-id"] in page.text
        assert "kaboom" not in page.text and "secret_column" not in page.text
        assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
        assert page.headers["x-frame-options"] == "DENY"
        assert page.headers["x-content-type-options"] == "nosniff"
        assert page.headers["referrer-policy"] == "same-origin"
        page = await browser.get("/broken-page")
        assert "Something went wrong" in page.text
    await broken.state.database.dispose()
    await web_sign_in(web, "viewer")
    forbidden = await web.post("/follow-ups/1/done", headers={"Accept-Language": "zh-TW"})
    assert forbidden.status_code == 403 and "此表單已過期" in forbidden.text
    missing = await web.get("/nowhere", headers={"Accept-Language": "zh-TW"})
    assert missing.status_code == 404 and "找不到頁面" in missing.text


async def test_pages_refuse_frames_and_inline_scripts(web: httpx.AsyncClient) -> None:
    page = await web.get("/sign-in")
    policy = page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "script-src 'self';" in policy
    assert page.headers["x-frame-options"] == "DENY"
    assert "<script>" not in page.text
    api = await web.get("/api/v1/health")
    assert "content-security-policy" not in api.headers


def test_the_pager_links_to_the_pages_around() -> None:
    template = templates.from_string(
        '{% from "macros/lists.html" import pager %}{{ pager(url, total, limit, offset) }}'
    )
    html = template.render(url="/contacts?country=KR", total=120, limit=50, offset=50)
    assert "51–100 of 120" in html
    assert 'href="/contacts?country=KR&amp;limit=50&amp;offset=0"' in html
    assert 'href="/contacts?country=KR&amp;limit=50&amp;offset=100"' in html
    assert "Previous" in html and "Next" in html
    assert template.render(url="/contacts", total=10, limit=50, offset=0).strip() == ""


def test_form_errors_put_messages_beside_their_fields() -> None:
    from pydantic import ValidationError

    from app.errors import InvalidInput
    from app.follow_ups.schemas import FollowUpCreate

    try:
        FollowUpCreate.model_validate({"due_on": "tomorrow"})
    except ValidationError as exc:
        errors = form_errors(exc)
    assert errors == {"title": "This field is required.", "due_on": "Enter a date (YYYY-MM-DD)."}
    refused = InvalidInput.field("email", "This e-mail address is taken")
    assert form_errors(refused) == {"email": "This e-mail address is taken"}
    assert form_errors(InvalidInput("Something is off")) == {"": "Something is off"}
    assert form_values({"title": " MoU ", "notes": "  ", "csrf_token": "x"}) == {"title": "MoU"}


def test_next_stays_on_this_site_and_out_of_circles() -> None:
    from app.web.auth import after_sign_in

    assert after_sign_in("/contacts?q=kim") == "/contacts?q=kim"
    for target in (
        None,
        "",
        "contacts",
        "//evil.example",
        "/\\evil",
        "/sign-in?next=/",
        "/sign-out",
    ):
        assert after_sign_in(target) == "/"


async def test_sign_in_is_throttled_like_the_api(app, web: httpx.AsyncClient) -> None:
    limit = app.state.settings.login_attempts_per_minute
    for _ in range(limit):
        token = await csrf_token(web)
        await web.post(
            "/sign-in", data={"username": "viewer", "password": "x", "csrf_token": token}
        )
    token = await csrf_token(web)
    response = await web.post(
        "/sign-in", data={"username": "viewer", "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.text and response.headers["retry-after"]
