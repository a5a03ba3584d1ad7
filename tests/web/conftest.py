"""Fixtures of the web app's tests.

- ``web``: an httpx client of the app (no browser) that keeps cookies and does not follow
  redirects; ``await web_sign_in(web, "editor")`` signs it in through the sign-in form.
- Browser tests (Playwright, Debian's Chromium at /usr/bin/chromium; a missing browser fails):
  ``live_url`` (the app served by uvicorn on a free port, one per database), ``page`` (a new
  desktop 1280x800 page, English), ``sign_in(page, username)``, ``screenshot(page, name)``
  (desktop and phone PNGs under test-artifacts/screenshots/<backend>/) and
  ``assert_accessible(page)`` (axe-core: no serious or critical violation).

Rows are deleted after every test by the ``anon`` fixture of tests/conftest.py, which every
fixture here depends on."""

import asyncio
import re
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from playwright.async_api import Page, expect

from tests.conftest import PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


# --- without a browser ---------------------------------------------------------------------


@pytest.fixture
async def web(app, anon) -> AsyncIterator[httpx.AsyncClient]:
    """A browser-like client of the web app, signed out."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


def csrf_of(html: str) -> str:
    match = CSRF_META.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1)


async def csrf_token(client: httpx.AsyncClient, path: str = "/sign-in") -> str:
    """The CSRF token the page at ``path`` gives this client."""
    response = await client.get(path)
    assert response.status_code == 200, response.text
    return csrf_of(response.text)


async def web_sign_in(client: httpx.AsyncClient, username: str, password: str = PASSWORD) -> str:
    """Signs ``client`` in through the form; returns its CSRF token for the signed-in session."""
    token = await csrf_token(client)
    response = await client.post(
        "/sign-in",
        data={"username": username, "password": password, "csrf_token": token, "next": "/"},
    )
    assert response.status_code == 303, response.text
    return await csrf_token(client, "/")


# --- in a browser --------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
async def live_url(app) -> AsyncIterator[str]:
    """The app (already started by the ``app`` fixture) served over HTTP, in the session's
    event loop."""
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_level="warning")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()  # raises the reason it could not start
        await asyncio.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    await task


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium fonts-noto-cjk")
    return {"executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


@pytest.fixture(scope="session")
def browser_context_args(live_url: str) -> dict[str, Any]:
    return {"base_url": live_url, "viewport": DESKTOP, "locale": "en-US"}


@pytest.fixture
async def page(context, anon) -> AsyncIterator[Page]:
    """A new page in a fresh browser context (no cookies), desktop size, English."""
    page = await context.new_page()
    page.set_default_timeout(10_000)
    expect.set_options(timeout=10_000)
    # A script error or a resource the CSP refused (an inline script) fails the test.
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on(
        "console",
        lambda message: (
            problems.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield page
    await page.close()
    assert not problems, "the page's scripts failed:\n" + "\n".join(problems)


@pytest.fixture
def sign_in(live_url: str) -> Callable[..., Awaitable[None]]:
    async def sign_in(page: Page, username: str, password: str = PASSWORD) -> None:
        await page.goto("/sign-in")
        await page.locator("input[name=username]").fill(username)
        await page.locator("input[name=password]").fill(password)
        await page.locator("form[action='/sign-in'] button[type=submit]").click()
        await page.wait_for_url(lambda url: "/sign-in" not in url)

    return sign_in


@pytest.fixture
def screenshot(backend: str) -> Callable[[Page, str], Awaitable[None]]:
    """Saves ``<name>-desktop.png`` and ``<name>-phone.png`` of the page as it is now."""
    folder = ARTIFACTS / backend
    folder.mkdir(parents=True, exist_ok=True)

    async def screenshot(page: Page, name: str) -> None:
        size = page.viewport_size or DESKTOP
        await page.screenshot(path=folder / f"{name}-desktop.png", full_page=True)
        await page.set_viewport_size(PHONE)
        await page.screenshot(path=folder / f"{name}-phone.png", full_page=True)
        await page.set_viewport_size(size)

    return screenshot


@cache
def _axe_source() -> str:
    return AXE.read_text()


async def assert_accessible(page: Page) -> None:
    """No serious or critical axe-core violation on the page as it is now."""
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated, not added as a <script>: the pages' CSP refuses inline scripts.
        await page.evaluate(_axe_source() + "\n;true")
    results = await page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations']})"
    )
    bad = [v for v in results["violations"] if v.get("impact") in ("serious", "critical")]
    if bad:
        lines = []
        for violation in bad:
            targets = [", ".join(node["target"]) for node in violation["nodes"][:5]]
            lines.append(
                f"- {violation['id']} ({violation['impact']}): {violation['help']} "
                f"on {'; '.join(targets)}"
            )
        pytest.fail(f"axe found on {page.url}:\n" + "\n".join(lines), pytrace=False)


@pytest.fixture(name="assert_accessible")
def assert_accessible_fixture() -> Callable[[Page], Awaitable[None]]:
    return assert_accessible
