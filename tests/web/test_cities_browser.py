"""The city pages in a real browser: find Johannesburg as dormant, read a city's page, add a
city and a partnership; a viewer can only read. English and 繁體中文."""

import re

from playwright.async_api import Page, expect

from tests.factories import make_city, make_interaction, make_partnership, today


async def test_find_johannesburg_as_dormant(
    page: Page, sign_in, screenshot, assert_accessible, client
) -> None:
    johannesburg = await make_city(client, name="Johannesburg", country_code="ZA")
    await make_partnership(client, johannesburg["id"], kind="sister_city", signed_on="1975-10-01")
    busan = await make_city(client, name="Busan", country_code="KR", alternate_names=["釜山"])
    await make_partnership(client, busan["id"], kind="friendship_city", signed_on="2010-04-20")
    await make_interaction(client, occurred_on=today(-10), city_ids=[busan["id"]])
    await make_city(client, name="Houston", country_code="US")
    await sign_in(page, "editor")
    await page.goto("/")
    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Cities").click()
    await expect(page.get_by_role("heading", name="Cities", level=1)).to_be_visible()
    rows = page.locator("tbody tr")
    await expect(rows).to_have_count(3)
    await expect(rows.filter(has_text="Busan")).to_contain_text("Friendship city")
    await screenshot(page, "cities")
    await assert_accessible(page)

    await page.get_by_label("Country").select_option(label="South Africa")
    await page.get_by_role("button", name="Filter").click()
    await expect(rows).to_have_count(1)
    await expect(rows.first).to_contain_text("Johannesburg")

    await page.get_by_role("link", name="Clear filters").click()
    await expect(rows).to_have_count(3)
    await page.get_by_label("Dormant partners only").check()
    await page.get_by_role("button", name="Filter").click()
    await expect(page).to_have_url(re.compile(r"dormant=true"))
    await expect(rows).to_have_count(1)
    await expect(rows.first).to_contain_text("Johannesburg")
    await expect(rows.first).to_contain_text("Dormant")
    await expect(rows.first).to_contain_text("Sister city")

    await page.get_by_role("button", name="繁體中文").click()
    await expect(page.get_by_role("heading", name="城市", level=1)).to_be_visible()
    await expect(page.get_by_label("只顯示久未聯繫的夥伴城市")).to_be_checked()
    await expect(rows.first).to_contain_text("南非")
    await expect(rows.first).to_contain_text("久未聯繫")
    await expect(rows.first).to_contain_text("姊妹市")
    await screenshot(page, "cities-dormant-zh")
    await assert_accessible(page)

    await rows.first.get_by_role("link", name="Johannesburg").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Johannesburg")
    await expect(page.get_by_role("region", name="夥伴關係", exact=True)).to_contain_text(
        "1975年10月1日"
    )


async def test_a_city_page_and_its_new_partnership(
    page: Page, sign_in, screenshot, assert_accessible, client
) -> None:
    await sign_in(page, "editor")
    await page.goto("/cities")
    await page.get_by_role("link", name="New city").click()
    await page.get_by_role("textbox", name="City name", exact=True).fill("Busan")
    await page.get_by_label("Alternate names").fill("부산\n釜山")
    await page.get_by_label("Country").select_option(label="South Korea")
    await page.get_by_label("Region").fill("Gyeongsang")
    await screenshot(page, "city-new")
    await assert_accessible(page)
    await page.get_by_role("button", name="Add city").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Busan")
    city_url = page.url

    # The same city again: refused, with a link to the one there is.
    await page.goto("/cities/new")
    await page.get_by_role("textbox", name="City name", exact=True).fill("釜山")
    await page.get_by_label("Country").select_option(label="South Korea")
    await page.get_by_role("button", name="Add city").click()
    await expect(
        page.get_by_text("A city with this name already exists in this country.")
    ).to_be_visible()
    await expect(page.get_by_role("textbox", name="City name", exact=True)).to_have_value("釜山")
    await assert_accessible(page)
    await page.get_by_role("link", name="Open the existing city").click()
    await expect(page).to_have_url(city_url)

    names = page.get_by_role("region", name="Names and place")
    await expect(names).to_contain_text("부산 / 釜山")
    await expect(names).to_contain_text("Gyeongsang")
    await expect(page.locator("#timeline[aria-labelledby]")).to_have_count(1)
    await expect(page.locator("[hx-get^='/history/city/']")).to_have_count(1)

    form = page.get_by_role("region", name="Add a partnership")
    await form.get_by_label("Kind").select_option(label="Sister city")
    await form.get_by_label("Signed on").fill("1966-06-30")
    await form.get_by_label("Notes").fill("Signed in Taipei")
    await form.get_by_role("button", name="Add partnership").click()
    await expect(page.locator("#flashes")).to_contain_text("Partnership with Busan added.")
    partnerships = page.get_by_role("region", name="Partnerships")
    await expect(partnerships.get_by_role("row", name=re.compile("Sister city"))).to_contain_text(
        "Jun 30, 1966"
    )
    await expect(partnerships).to_contain_text("Active")
    await screenshot(page, "city")
    await assert_accessible(page)

    # A second active sister-city partnership: the service's refusal, beside the form.
    await form.get_by_label("Kind").select_option(label="Sister city")
    await form.get_by_label("Notes").fill("A second one")
    await form.get_by_role("button", name="Add partnership").click()
    await expect(form.get_by_text("already has an active partnership of this kind")).to_be_visible()
    await expect(form.get_by_label("Notes")).to_have_value("A second one")
    await expect(form.get_by_label("Kind")).to_have_attribute("aria-invalid", "true")
    await screenshot(page, "city-partnership-error")
    await assert_accessible(page)

    await page.get_by_role("button", name="繁體中文").click()
    await expect(page.get_by_role("region", name="夥伴關係", exact=True)).to_contain_text("姊妹市")
    await expect(page.get_by_role("region", name="新增夥伴關係")).to_be_visible()
    await screenshot(page, "city-zh")
    await assert_accessible(page)


async def test_a_viewer_reads_a_city_but_cannot_add_a_partnership(
    page: Page, sign_in, assert_accessible, client
) -> None:
    busan = await make_city(client, name="Busan", country_code="KR")
    await make_partnership(client, busan["id"], kind="sister_city", signed_on="1966-06-30")
    await sign_in(page, "viewer")
    await page.goto(f"/cities/{busan['id']}")
    await expect(page.get_by_role("region", name="Partnerships")).to_contain_text("Sister city")
    await expect(page.get_by_role("button", name="Add partnership")).to_have_count(0)
    await page.goto("/cities")
    await expect(page.get_by_role("link", name="New city")).to_have_count(0)
    await assert_accessible(page)

    token = await page.locator("meta[name=csrf-token]").get_attribute("content")
    response = await page.request.post(
        f"/cities/{busan['id']}/partnerships",
        form={"csrf_token": token or "", "kind": "friendship_city"},
    )
    assert response.status == 403
    partnerships = await client.get("/api/v1/partnerships", params={"city_id": busan["id"]})
    assert partnerships.json()["total"] == 1
