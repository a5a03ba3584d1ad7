"""The Admin pages in a real browser: an admin manages a user from creation to a reset
password, rotates their calendar link; an editor is kept out."""

import httpx
from playwright.async_api import Browser, Dialog, Page, expect


async def accept(dialog: Dialog) -> None:
    await dialog.accept()


async def can_sign_in(
    browser: Browser, live_url: str, sign_in, username: str, password: str
) -> bool:
    """Whether ``username`` gets in through the sign-in form of a fresh browser."""
    context = await browser.new_context(base_url=live_url)
    try:
        page = await context.new_page()
        await page.goto("/sign-in")
        await page.get_by_label("Username").fill(username)
        await page.get_by_label("Password").fill(password)
        await page.locator("form[action='/sign-in'] button[type=submit]").click()
        await page.wait_for_load_state()
        return "/sign-in" not in page.url
    finally:
        await context.close()


async def test_an_admin_manages_a_user(
    page: Page, browser: Browser, live_url: str, sign_in, screenshot, assert_accessible
) -> None:
    page.on("dialog", accept)
    await sign_in(page, "admin")
    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Admin").click()
    await expect(page.get_by_role("heading", name="Users", level=1)).to_be_visible()
    await expect(page.get_by_role("row").filter(has_text="editor").first).to_be_visible()
    await screenshot(page, "admin-users")
    await assert_accessible(page)

    form = page.get_by_role("region", name="New user")
    await form.get_by_label("Username").fill("mei")
    await form.get_by_label("Full name").fill("Mei Lin")
    await form.get_by_label("Password").fill("short")
    await form.get_by_label("Role").select_option(label="Editor")
    await form.get_by_role("button", name="Create user").click()
    await expect(page.get_by_text("The password needs at least 8 characters.")).to_be_visible()
    await expect(form.get_by_label("Username")).to_have_value("mei")  # nothing typed is lost
    await expect(form.get_by_label("Full name")).to_have_value("Mei Lin")
    await assert_accessible(page)
    await form.get_by_label("Password").fill("first-password")
    await form.get_by_role("button", name="Create user").click()
    await expect(page.get_by_role("heading", name="mei", level=1)).to_be_visible()
    await expect(page.get_by_role("status")).to_contain_text("User mei created.")
    assert await can_sign_in(browser, live_url, sign_in, "mei", "first-password")

    await page.get_by_label("New role").select_option(label="Viewer")
    await page.get_by_role("button", name="Change role").click()
    await expect(page.get_by_role("status")).to_contain_text("The role is changed.")
    await expect(page.get_by_label("New role")).to_have_value("viewer")
    await screenshot(page, "admin-user")
    await assert_accessible(page)

    await page.get_by_role("button", name="Deactivate").click()
    await expect(page.get_by_role("status")).to_contain_text("The user is deactivated.")
    assert not await can_sign_in(browser, live_url, sign_in, "mei", "first-password")
    await page.get_by_role("button", name="Reactivate").click()
    await expect(page.get_by_role("status")).to_contain_text("The user can sign in again.")

    await page.get_by_label("New password").fill("second-password")
    await page.get_by_role("button", name="Set the password").click()
    await expect(page.get_by_role("status")).to_contain_text("The password is changed")
    assert not await can_sign_in(browser, live_url, sign_in, "mei", "first-password")
    assert await can_sign_in(browser, live_url, sign_in, "mei", "second-password")
    await page.get_by_role("button", name="Sign out everywhere").click()
    await expect(page.get_by_role("status")).to_contain_text("mei is signed out on every device.")

    await page.get_by_role("button", name="繁體中文").click()
    await expect(page.get_by_role("button", name="停用")).to_be_visible()
    await screenshot(page, "admin-user-zh")
    await assert_accessible(page)
    await page.goto("/admin/users")
    await expect(page.get_by_role("heading", name="使用者", level=1)).to_be_visible()
    await expect(page.get_by_role("row").filter(has_text="mei")).to_contain_text("檢視者")
    await screenshot(page, "admin-users-zh")
    await assert_accessible(page)


async def test_the_calendar_link_is_copied_and_rotated(
    page: Page, live_url: str, sign_in, screenshot, assert_accessible
) -> None:
    await page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_url)
    page.on("dialog", accept)
    await sign_in(page, "admin")
    await page.goto("/admin/users")
    await page.get_by_role("link", name="My calendar feed").click()
    await expect(page.get_by_text("You have no calendar feed yet.")).to_be_visible()
    await assert_accessible(page)
    await page.get_by_role("button", name="Make my feed address").click()
    address = page.get_by_label("Calendar feed address")
    old_url = await address.input_value()
    assert old_url.startswith(live_url) and old_url.endswith(".ics")
    await page.get_by_role("button", name="Copy link").click()
    await expect(page.get_by_role("status").filter(has_text="copied")).to_have_text(
        "The address is copied."
    )
    assert await page.evaluate("navigator.clipboard.readText()") == old_url
    await screenshot(page, "admin-calendar")
    await assert_accessible(page)

    async with httpx.AsyncClient() as calendar_app:
        assert (await calendar_app.get(old_url)).status_code == 200
        await page.get_by_role("button", name="Make a new address").click()
        new_url = await page.get_by_label("Calendar feed address").input_value()
        assert new_url != old_url
        assert (await calendar_app.get(old_url)).status_code == 404
        feed = await calendar_app.get(new_url)
        assert feed.status_code == 200 and feed.text.startswith("BEGIN:VCALENDAR")

    await page.get_by_role("button", name="繁體中文").click()
    await expect(page.get_by_role("heading", name="我的行事曆訂閱", level=1)).to_be_visible()
    await expect(page.get_by_text("您已有行事曆訂閱。", exact=False)).to_be_visible()
    await screenshot(page, "admin-calendar-zh")
    await assert_accessible(page)


async def test_an_editor_is_kept_out_of_admin(page: Page, sign_in, assert_accessible) -> None:
    await sign_in(page, "editor")
    await expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Admin")
    ).to_have_count(0)
    response = await page.goto("/admin/users")
    assert response is not None and response.status == 403
    await expect(page.get_by_role("heading", level=1)).to_be_visible()
    await assert_accessible(page)
