"""An organization in a real browser: edit it, add a member city with the typeahead and
remove it, archive and restore it (in both languages), with axe and screenshots."""

import httpx
from playwright.async_api import Page, expect

from tests.factories import make_city, make_contact, make_organization


async def test_edit_members_archive_and_restore_an_organization(
    page: Page, client: httpx.AsyncClient, sign_in, screenshot, assert_accessible
) -> None:
    busan = await make_city(client, name="Busan", country_code="KR")
    await make_city(client, name="Barcelona", country_code="ES")
    metropolis = await make_organization(client, name="Metropolis", home_membership="none")
    await make_contact(client, full_name="Kadri Tamm", organization_id=metropolis["id"])
    await sign_in(page, "editor")
    await page.goto(f"/organizations/{metropolis['id']}")
    await expect(page.get_by_role("link", name="Kadri Tamm")).to_be_visible()
    await page.get_by_role("link", name="Edit", exact=True).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Edit Metropolis")
    await page.get_by_label("Acronym").fill("WAM")
    await page.get_by_label("Our membership").select_option("member")
    headquarters = page.get_by_role("combobox", name="Headquarters")
    await headquarters.press_sequentially("Barc")
    await expect(page.locator("#city-options option")).to_have_count(1)
    await headquarters.fill("Barcelona (Spain)")
    await page.get_by_label("Website").fill("not a web address")
    await page.get_by_role("button", name="Save organization").click()
    await expect(page.locator("#field-website-error")).to_contain_text("Enter a web address")
    await expect(page.get_by_label("Acronym")).to_have_value("WAM")
    await screenshot(page, "organization-edit-error")
    await assert_accessible(page)
    await page.get_by_label("Website").fill("https://www.metropolis.org")
    await page.get_by_role("button", name="Save organization").click()
    await expect(page.get_by_text("Organization saved: Metropolis")).to_be_visible()
    await expect(page.get_by_role("link", name="Barcelona (Spain)")).to_be_visible()

    # A member city, chosen with the typeahead, then removed.
    members = page.locator("section[aria-labelledby=members-heading]")
    city = members.get_by_role("combobox", name="City")
    await city.press_sequentially("Bus")
    await expect(page.locator("#city-options option")).to_have_count(1)
    await expect(page.locator("#city-options option")).to_have_attribute(
        "value", "Busan (South Korea)"
    )
    await city.fill("Busan (South Korea)")
    await members.get_by_label("Member since").fill("2004-05-01")
    await members.get_by_role("button", name="Add member").click()
    await expect(page.get_by_text("Busan added to the members.")).to_be_visible()
    await expect(members.get_by_role("link", name="Busan")).to_have_attribute(
        "href", f"/cities/{busan['id']}"
    )
    await screenshot(page, "organization-members")
    await assert_accessible(page)
    await members.get_by_role("button", name="Remove Busan from the members").click()
    await expect(page.get_by_text("Busan removed from the members.")).to_be_visible()
    await expect(members.get_by_text("No member cities recorded.")).to_be_visible()

    # Archive, then restore in Chinese.
    await page.get_by_text("Archive…").click()
    await page.get_by_role("button", name="Archive this organization").click()
    await expect(page.get_by_text("Archived: Metropolis")).to_be_visible()
    await expect(page.get_by_role("link", name="Edit", exact=True)).to_have_count(0)
    await page.get_by_role("button", name="繁體中文").click()
    await expect(page.get_by_role("button", name="還原")).to_be_visible()
    await screenshot(page, "organization-archived-zh")
    await assert_accessible(page)
    await page.get_by_role("button", name="還原").click()
    await expect(page.get_by_role("link", name="編輯", exact=True)).to_be_visible()
    saved = (await client.get(f"/api/v1/organizations/{metropolis['id']}")).json()
    assert saved["archived_at"] is None and saved["acronym"] == "WAM"
    assert saved["home_membership"] == "member"


async def test_a_stale_edit_in_the_browser_reapplies_my_changes(
    page: Page, client: httpx.AsyncClient, sign_in, screenshot, assert_accessible
) -> None:
    metropolis = await make_organization(client, name="Metropolis")
    await sign_in(page, "editor")
    await page.goto(f"/organizations/{metropolis['id']}/edit")
    await client.patch(f"/api/v1/organizations/{metropolis['id']}", json={"acronym": "WAM"})
    await page.get_by_label("Notes").fill("Founded in 1985")
    await page.get_by_role("button", name="Save organization").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "Someone changed this organization since you opened it"
    )
    await expect(page.get_by_role("row", name="Acronym")).to_contain_text("WAM")
    await screenshot(page, "organization-conflict")
    await assert_accessible(page)
    await page.get_by_role("button", name="Re-apply my changes to their version").click()
    await expect(page.get_by_text("Organization saved: Metropolis")).to_be_visible()
    saved = (await client.get(f"/api/v1/organizations/{metropolis['id']}")).json()
    assert (saved["acronym"], saved["notes"]) == ("WAM", "Founded in 1985")
