"""Search in a real browser: the header's search-as-you-type (keyboard and mouse) and the
results page, in English and 繁體中文."""

import re

from playwright.async_api import Page, expect

from tests.factories import make_city, make_contact


async def test_typeahead_finds_busan_by_any_script(
    page: Page, sign_in, screenshot, assert_accessible, client
) -> None:
    busan = await make_city(
        client, name="Busan", country_code="KR", alternate_names=["부산", "釜山"]
    )
    await make_contact(client, full_name="Park Busan", email="park@busan.example")
    await sign_in(page, "editor")
    await page.goto("/")
    box = page.get_by_role("searchbox", name="Search")
    suggestions = page.locator(".search-suggestions")

    await box.fill("釜山")
    suggestion = suggestions.get_by_role("link", name=re.compile(r"^Busan"))
    await expect(suggestion).to_be_visible()
    await expect(suggestion).to_contain_text("South Korea")
    await screenshot(page, "search-suggestions")
    await assert_accessible(page)
    # Keyboard: down into the suggestions, Enter opens the city.
    await box.press("ArrowDown")
    await expect(suggestion).to_be_focused()
    await page.keyboard.press("Enter")
    await expect(page).to_have_url(f"/cities/{busan['id']}")
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Busan")

    # Escape closes the suggestions; a click on one opens it.
    await box.fill("busan")
    await expect(suggestions.get_by_role("link", name=re.compile(r"^Park Busan"))).to_be_visible()
    await box.press("Escape")
    await expect(suggestions).to_have_count(0)
    await box.fill("busa")
    await suggestions.get_by_role("link", name=re.compile(r"^Busan")).click()
    await expect(page).to_have_url(f"/cities/{busan['id']}")

    # Enter in the box: the results page, grouped.
    await box.fill("busan")
    await box.press("Enter")
    await expect(page).to_have_url("/search?q=busan")
    cities = page.get_by_role("region", name=re.compile("^Cities"))
    await expect(cities.get_by_role("link", name="Busan")).to_be_visible()
    await expect(cities).to_contain_text("부산 / 釜山")
    contacts = page.get_by_role("region", name=re.compile("^Contacts"))
    await expect(contacts).to_contain_text("park@busan.example")
    await screenshot(page, "search")
    await assert_accessible(page)


async def test_the_results_page_in_chinese(
    page: Page, sign_in, screenshot, assert_accessible, client
) -> None:
    await make_city(client, name="臺北", country_code="TW", alternate_names=["Taipei"])
    await sign_in(page, "viewer")
    await page.goto("/search?q=台北")
    await page.get_by_role("button", name="繁體中文").click()
    await expect(page.locator("html")).to_have_attribute("lang", "zh-Hant-TW")
    await expect(page.get_by_role("heading", name="搜尋", level=1)).to_be_visible()
    cities = page.get_by_role("region", name=re.compile("^城市"))
    await expect(cities.get_by_role("link", name="臺北")).to_be_visible()
    await expect(cities).to_contain_text("台灣")
    await screenshot(page, "search-zh")
    await assert_accessible(page)

    await page.goto("/search?q=Atlantis")
    await expect(page.get_by_text("找不到符合「Atlantis」的資料")).to_be_visible()
    box = page.get_by_role("searchbox", name="搜尋", exact=True)
    await box.fill("臺")
    await expect(page.locator(".search-suggestions")).to_contain_text("臺北")
    await assert_accessible(page)
