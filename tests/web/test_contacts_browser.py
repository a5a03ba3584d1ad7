"""Contacts in a real browser, in English and 繁體中文: the list, the form with its inline
errors and chips, a stale edit, archive and restore, the history, and what a viewer sees."""

import httpx
from playwright.async_api import Page, expect

from tests.factories import (
    make_city,
    make_contact,
    make_follow_up,
    make_interaction,
    make_organization,
)


async def test_create_edit_conflict_archive_restore(
    page: Page, client: httpx.AsyncClient, sign_in, screenshot, assert_accessible
) -> None:
    busan = await make_city(client, name="Busan", country_code="KR")
    await make_organization(client, name="Busan Metropolitan City", acronym="BMC")
    await sign_in(page, "editor")
    await page.goto("/contacts")
    await page.get_by_role("link", name="New contact").click()
    await page.get_by_label("Full name").fill("Kim Min-jun")
    await page.get_by_label("Local name").fill("김민준")
    city = page.get_by_role("combobox", name="City")
    await city.press_sequentially("Bus")
    await expect(page.locator("#city-options option")).to_have_count(1)
    await city.fill("Busan (South Korea)")
    await page.get_by_role("combobox", name="Organization").fill("BMC")
    await page.get_by_label("Phone").fill("12")
    languages = page.get_by_role("textbox", name="Languages")
    await languages.fill("ko")
    await languages.press("Enter")
    await languages.fill("English, 日文")
    await page.locator("[data-chips=languages]").get_by_role("button", name="Add").click()
    chips = page.get_by_role("list", name="Languages")
    await expect(chips.get_by_role("listitem")).to_have_count(3)
    await chips.get_by_role("button", name="Remove 日文").click()
    await expect(chips.get_by_role("listitem")).to_have_count(2)
    tags = page.get_by_role("textbox", name="Tags")
    await tags.fill("mayor, smart city")
    await tags.press("Enter")
    await page.get_by_label("Notes", exact=True).fill("Met at the expo")
    await screenshot(page, "contact-form")
    await assert_accessible(page)
    await page.get_by_role("button", name="Save contact").click()

    phone_error = page.locator("#field-phone-error")
    await expect(phone_error).to_contain_text("This is not a valid phone number in South Korea")
    await expect(page.get_by_label("Local name")).to_have_value("김민준")
    await expect(page.get_by_label("Notes", exact=True)).to_have_value("Met at the expo")
    await expect(chips.get_by_role("listitem")).to_have_count(2)
    await expect(page.get_by_role("list", name="Tags").get_by_role("listitem")).to_have_count(2)
    await assert_accessible(page)
    await screenshot(page, "contact-form-error")
    await page.get_by_label("Phone").fill("051 888 1234")
    await page.get_by_role("button", name="Save contact").click()

    await expect(page.get_by_role("heading", level=1)).to_contain_text("Kim Min-jun")
    await expect(page.get_by_role("status")).to_contain_text("Contact saved: Kim Min-jun")
    details = page.get_by_role("region", name="Details")
    await expect(details.get_by_role("link", name="+82 51-888-1234")).to_be_visible()
    await expect(details.get_by_text("Korean", exact=True)).to_be_visible()
    await expect(details.get_by_role("link", name="Busan", exact=True)).to_be_visible()
    contact_url = page.url
    contact_id = int(contact_url.rstrip("/").split("/")[-1])
    assert (await client.get(f"/api/v1/contacts/{contact_id}")).json()["languages"] == ["ko", "en"]

    # An edit while someone else saves: the conflict screen, then re-apply.
    await page.get_by_role("link", name="Edit").click()
    await page.get_by_label("Full name").fill("Kim Min-jun (Mayor's office)")
    await client.patch(f"/api/v1/contacts/{contact_id}", json={"position": "Director"})
    await page.get_by_label("Full name").press("Enter")  # saves, and removes no chip
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "Someone changed this contact since you opened it"
    )
    table = page.get_by_role("table", name="Where the two versions differ")
    await expect(table.get_by_role("row", name="Position")).to_contain_text("Director")
    await expect(table.get_by_role("row", name="Full name")).to_contain_text("Mayor's office")
    await screenshot(page, "contact-conflict")
    await assert_accessible(page)
    await page.get_by_role("button", name="Re-apply my changes to their version").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Mayor's office")
    saved = (await client.get(f"/api/v1/contacts/{contact_id}")).json()
    assert saved["full_name"] == "Kim Min-jun (Mayor's office)"
    assert saved["languages"] == ["ko", "en"]
    assert saved["position"] == "Director"  # their change kept

    # The history says who changed what.
    history = page.get_by_role("region", name="History")
    await expect(history).to_contain_text("Full name: Kim Min-jun → Kim Min-jun (Mayor's office)")
    await screenshot(page, "contact")
    await assert_accessible(page)

    # Archive asks first and says what happens to planned invitations.
    await page.get_by_text("Archive…").click()
    await expect(
        page.get_by_text("invitations still planned for them are cancelled")
    ).to_be_visible()
    await page.get_by_role("button", name="Archive this contact").click()
    await expect(page.get_by_text("Archived", exact=True)).to_be_visible()
    await expect(page.get_by_role("link", name="Edit")).to_have_count(0)
    await page.get_by_role("button", name="Restore").click()
    await expect(page.get_by_role("status")).to_contain_text("Restored")
    await expect(page.get_by_role("link", name="Edit")).to_be_visible()

    # The same in Traditional Chinese.
    await page.get_by_role("button", name="繁體中文").click()
    await expect(page.get_by_role("heading", name="異動紀錄")).to_be_visible()
    await expect(page.get_by_role("region", name="異動紀錄")).to_contain_text("姓名：")
    await expect(page.get_by_role("region", name="詳細資料").get_by_text("韓文")).to_be_visible()
    await screenshot(page, "contact-zh")
    await assert_accessible(page)
    await page.get_by_role("link", name="編輯").click()
    await page.get_by_label("電話").fill("abc")
    await page.get_by_role("button", name="儲存聯絡人").click()
    await expect(page.locator("#field-phone-error")).to_contain_text("這不是南韓的有效電話號碼")
    await screenshot(page, "contact-form-zh")
    await assert_accessible(page)
    assert busan["id"]


async def test_list_timeline_and_organization(
    page: Page, client: httpx.AsyncClient, sign_in, screenshot, assert_accessible
) -> None:
    busan = await make_city(client, name="Busan", country_code="KR")
    brussels = await make_city(client, name="Brussels", country_code="BE")
    uclg = await make_organization(
        client, name="United Cities and Local Governments", acronym="UCLG", kind="city_network"
    )
    await client.post(f"/api/v1/organizations/{uclg['id']}/members", json={"city_id": busan["id"]})
    kim = await make_contact(
        client,
        full_name="Kim Min-jun",
        local_name="김민준",
        position="Director",
        city_id=busan["id"],
        organization_id=uclg["id"],
        email="kim@busan.go.kr",
    )
    await make_contact(client, full_name="Marie Dubois", city_id=brussels["id"])
    await make_interaction(
        client,
        title="Smart city course",
        occurred_on="2026-03-04",
        contact_ids=[kim["id"]],
        city_ids=[busan["id"]],
    )
    await sign_in(page, "editor")
    await page.goto("/contacts")
    await page.get_by_text("More filters").click()
    await page.get_by_label("Country").select_option("KR")
    await page.get_by_role("button", name="Filter").click()
    rows = page.get_by_role("table").get_by_role("row")
    await expect(rows).to_have_count(2)  # the header and Kim
    await expect(rows.nth(1)).to_contain_text("kim@busan.go.kr")
    await screenshot(page, "contacts")
    await assert_accessible(page)
    await page.get_by_role("link", name="Kim Min-jun").click()
    timeline = page.get_by_role("region", name="Timeline")
    await expect(timeline.get_by_role("link", name="Smart city course")).to_be_visible()
    await page.get_by_role("link", name="United Cities and Local Governments").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("UCLG")
    members = page.get_by_role("region", name="Member cities")
    await expect(members.get_by_role("link", name="Busan")).to_be_visible()
    await expect(page.get_by_role("region", name="History")).to_contain_text("created this record")
    await screenshot(page, "organization")
    await assert_accessible(page)
    await page.goto("/organizations")
    await expect(
        page.get_by_role("link", name="United Cities and Local Governments")
    ).to_be_visible()
    await screenshot(page, "organizations")
    await assert_accessible(page)
    await page.get_by_role("button", name="繁體中文").click()
    await expect(page.get_by_role("heading", name="組織", level=1)).to_be_visible()
    await expect(page.get_by_role("cell", name="城市網絡")).to_be_visible()
    await screenshot(page, "organizations-zh")
    await assert_accessible(page)
    await page.goto("/contacts")
    await expect(page.get_by_role("heading", name="聯絡人", level=1)).to_be_visible()
    await screenshot(page, "contacts-zh")
    await assert_accessible(page)


async def test_a_viewer_sees_no_edit_buttons(
    page: Page, client: httpx.AsyncClient, sign_in, assert_accessible
) -> None:
    kim = await make_contact(client, full_name="Kim Min-jun")
    await sign_in(page, "viewer")
    await page.goto(f"/contacts/{kim['id']}")
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Kim Min-jun")
    await expect(page.get_by_role("link", name="Edit")).to_have_count(0)
    await expect(page.get_by_text("Archive…")).to_have_count(0)
    await expect(page.get_by_role("region", name="History")).to_contain_text(
        "shown to editors and administrators"
    )
    await assert_accessible(page)
    token = await page.locator("meta[name=csrf-token]").get_attribute("content")
    response = await page.request.post(
        f"/contacts/{kim['id']}/archive", form={"csrf_token": token or ""}
    )
    assert response.status == 403
    await page.goto("/contacts")
    await expect(page.get_by_role("link", name="New contact")).to_have_count(0)


async def test_timeline_more_loads_older_entries(
    page: Page, client: httpx.AsyncClient, sign_in, assert_accessible
) -> None:
    kim = await make_contact(client, full_name="Kim Min-jun")
    for day in range(1, 23):
        await make_interaction(
            client,
            title=f"Call {day:02d}",
            occurred_on=f"2026-01-{day:02d}",
            contact_ids=[kim["id"]],
        )
    await make_follow_up(
        client, title="Send the MoU draft", due_on="2026-02-01", contact_id=kim["id"]
    )
    await sign_in(page, "viewer")
    await page.goto(f"/contacts/{kim['id']}")
    timeline = page.get_by_role("region", name="Timeline")
    await expect(timeline.get_by_text("Send the MoU draft")).to_be_visible()
    await expect(timeline.get_by_role("listitem").filter(has_text="Call")).to_have_count(19)
    await timeline.get_by_role("button", name="More").click()
    await expect(timeline.get_by_role("link", name="Call 01")).to_be_visible()
    await expect(timeline.get_by_role("button", name="More")).to_have_count(0)
    await assert_accessible(page)
