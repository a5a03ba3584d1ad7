"""Editing and archiving a city in a real browser: rename it, archive it (its contacts
block it until "archive them too"), restore it."""

from playwright.async_api import Page, expect

from tests.factories import make_city, make_contact


async def test_edit_archive_and_restore_a_city(
    page: Page, sign_in, screenshot, assert_accessible, client
) -> None:
    busan = await make_city(client, name="Pusan", country_code="KR")
    await make_contact(client, full_name="Kim Min-jun", city_id=busan["id"])
    await sign_in(page, "editor")
    await page.goto(f"/cities/{busan['id']}")
    await page.get_by_role("link", name="Edit", exact=True).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Edit Pusan")
    await page.get_by_label("City name").fill("Busan")
    await page.get_by_label("Alternate names").fill("부산\n釜山")
    await page.get_by_label("Region").fill("Gyeongsang")
    await screenshot(page, "city-edit")
    await assert_accessible(page)
    await page.get_by_role("button", name="Save city").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Busan")
    await expect(page.get_by_text("부산 / 釜山").first).to_be_visible()

    await page.get_by_text("Archive…").click()
    await page.get_by_role("button", name="Archive this city").click()
    alert = page.locator("#archive-blocked")
    await expect(alert).to_contain_text("Busan was not archived")
    await expect(alert.get_by_role("link", name="Kim Min-jun")).to_be_visible()
    await screenshot(page, "city-archive-blocked")
    await assert_accessible(page)
    await alert.get_by_role("button", name="Archive them too, with the city").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Archived")

    await page.get_by_role("button", name="繁體中文").click()
    await expect(page.get_by_role("button", name="還原")).to_be_visible()
    await page.get_by_role("button", name="還原").click()
    await expect(page.get_by_role("link", name="編輯", exact=True)).to_be_visible()
    await screenshot(page, "city-restored-zh")
    await assert_accessible(page)
