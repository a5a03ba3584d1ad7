"""The frame of every page in a real browser: sign in, navigate, switch language, sign out."""

from playwright.async_api import Page, expect


async def test_sign_in_then_the_frame_works(
    page: Page, sign_in, screenshot, assert_accessible
) -> None:
    await page.goto("/")
    await expect(page).to_have_url("/sign-in?next=/")
    await screenshot(page, "sign-in")
    await assert_accessible(page)
    await sign_in(page, "admin")
    await page.goto("/")
    await expect(page.get_by_role("heading", name="Today", level=1)).to_be_visible()
    await expect(page.get_by_role("link", name="Admin")).to_be_visible()
    await assert_accessible(page)

    await page.get_by_role("button", name="繁體中文").click()
    await expect(page.locator("html")).to_have_attribute("lang", "zh-Hant-TW")
    await expect(page.get_by_role("heading", name="今日", level=1)).to_be_visible()
    await assert_accessible(page)
    await page.get_by_role("button", name="English").click()
    await expect(page.locator("html")).to_have_attribute("lang", "en")

    await page.locator(".user-menu summary").click()
    await page.get_by_role("button", name="Sign out").click()
    await expect(page).to_have_url("/sign-in")
    await expect(page.get_by_role("status")).to_contain_text("You are signed out.")


async def test_the_menu_folds_on_a_phone(page: Page, sign_in, assert_accessible) -> None:
    await page.set_viewport_size({"width": 360, "height": 740})
    await sign_in(page, "viewer")
    nav = page.get_by_role("navigation", name="Main")
    await expect(nav).to_be_hidden()
    await page.get_by_role("button", name="Menu").click()
    await expect(nav.get_by_role("link", name="Contacts")).to_be_visible()
    await expect(nav.get_by_role("link", name="Admin")).to_have_count(0)
    await assert_accessible(page)
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page is {width} px wide on a 360 px screen"


async def test_the_keyboard_reaches_everything(page: Page, sign_in) -> None:
    await sign_in(page, "editor")
    await page.goto("/")
    await page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    await expect(skip).to_be_focused()
    await expect(skip).to_be_visible()  # shown when focused
    outline = await skip.evaluate("element => getComputedStyle(element).outlineStyle")
    assert outline != "none"
    await page.keyboard.press("Enter")
    await expect(page.locator("main")).to_be_focused()
    await page.get_by_role("searchbox", name="Search").focus()
    await page.keyboard.type("Busan")
    await page.keyboard.press("Enter")
    await expect(page).to_have_url("/search?q=Busan")
