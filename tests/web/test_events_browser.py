"""An event edited, archived and restored, and one contact invited and removed, in the
browser as an officer does it (both languages, axe, screenshots)."""

import re

from playwright.async_api import Page, expect

from tests.factories import edit, make_city, make_contact, make_event, make_invitation, today


async def test_an_event_edited_and_a_stale_save_reapplied(
    page: Page, sign_in, screenshot, assert_accessible, client
) -> None:
    busan = await make_city(client, name="Busan", country_code="KR")
    event = await make_event(
        client, name="Smart City Summit", starts_on=today(30), city_id=busan["id"]
    )
    await sign_in(page, "editor")
    await page.goto(f"/events/{event['id']}")
    await page.get_by_role("link", name="Edit", exact=True).click()
    await expect(page.get_by_role("heading", name="Edit Smart City Summit")).to_be_visible()
    await expect(page.get_by_role("textbox", name="Event name")).to_have_value("Smart City Summit")
    await expect(page.get_by_label("Starts on")).to_have_value(today(30))
    await expect(page.get_by_role("button", name="Remove Busan")).to_be_visible()

    await page.get_by_role("textbox", name="Event name").fill("Smart City Summit 2027")
    await page.get_by_label("Ends on").fill(today(29))
    await page.get_by_role("button", name="Save the event").click()
    await expect(page.locator("#field-ends_on-error")).to_have_text(
        "The end date is before the start date."
    )
    await expect(page.get_by_role("textbox", name="Event name")).to_have_value(
        "Smart City Summit 2027"
    )
    await screenshot(page, "event-edit-errors")
    await assert_accessible(page)
    await page.get_by_label("Ends on").fill(today(31))
    await page.get_by_role("button", name="Save the event").click()
    await expect(
        page.get_by_role("heading", name="Smart City Summit 2027", level=1)
    ).to_be_visible()
    await expect(page.get_by_role("status")).to_contain_text("Event saved: Smart City Summit 2027")
    await expect(page.get_by_role("link", name="Busan")).to_be_visible()

    # A second officer saves the event while this form is open.
    await page.get_by_role("link", name="Edit", exact=True).click()
    await page.get_by_label("Venue").fill("City Hall")
    await edit(client, "events", event["id"], venue="BEXCO", description="Hosted by Busan")
    await page.get_by_role("button", name="Save the event").click()
    await expect(
        page.get_by_role("heading", name="Someone changed this event since you opened it")
    ).to_be_visible()
    table = page.get_by_role("table", name="Where the two versions differ")
    await expect(table.get_by_role("row", name=re.compile("^Venue"))).to_contain_text("BEXCO")
    await expect(table.get_by_role("row", name=re.compile("^Venue"))).to_contain_text("your change")
    await screenshot(page, "event-edit-conflict")
    await assert_accessible(page)
    await page.get_by_role("button", name="Re-apply my changes to their version").click()
    await expect(page.get_by_role("status")).to_contain_text("Event saved")
    now = (await client.get(f"/api/v1/events/{event['id']}")).json()
    assert (now["venue"], now["description"]) == ("City Hall", "Hosted by Busan")

    # The form in Chinese.
    await page.get_by_role("button", name="繁體中文").click()
    await page.get_by_role("link", name="編輯", exact=True).click()
    await expect(page.get_by_role("heading", name="編輯 Smart City Summit 2027")).to_be_visible()
    await screenshot(page, "event-edit-zh")
    await assert_accessible(page)


async def test_an_event_archived_with_its_invitations_kept_then_restored(
    page: Page, sign_in, screenshot, assert_accessible, client
) -> None:
    kim = await make_contact(client, full_name="Kim Min-jun", email="kim@busan.go.kr")
    event = await make_event(client, name="Smart City Summit", starts_on=today(30))
    await make_invitation(client, event["id"], kim["id"])
    await sign_in(page, "editor")
    await page.goto(f"/events/{event['id']}")
    await page.get_by_text("Archive…").click()
    confirm = page.locator("details.confirm form")
    await expect(confirm).to_contain_text("Its invitations (1) are kept as they are")
    await expect(confirm).to_contain_text("leave Today's list and the calendar")
    await screenshot(page, "event-archive-confirm")
    await assert_accessible(page)
    await confirm.get_by_role("button", name="Archive this event").click()
    await expect(page.get_by_role("status")).to_contain_text("Archived: Smart City Summit")
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Archived")
    await expect(page.get_by_role("note")).to_contain_text("its invitations are kept")
    await expect(page.get_by_role("link", name="Kim Min-jun")).to_be_visible()
    await expect(page.get_by_role("link", name="Edit", exact=True)).to_have_count(0)
    await expect(page.get_by_role("link", name="Invite contacts")).to_have_count(0)
    await expect(page.get_by_role("button", name="Add to the invitation list")).to_have_count(0)
    await expect(page.get_by_role("button", name=re.compile("Mark sent"))).to_have_count(0)
    await screenshot(page, "event-archived")
    await assert_accessible(page)
    await page.goto("/events")
    await expect(page.get_by_role("link", name="Smart City Summit")).to_have_count(0)

    await page.goto(f"/events/{event['id']}")
    await page.get_by_role("button", name="Restore").click()
    await expect(page.get_by_role("status")).to_contain_text("Restored: Smart City Summit")
    await expect(page.get_by_role("link", name="Edit", exact=True)).to_be_visible()
    await expect(page.get_by_role("button", name="Mark sent: Kim Min-jun")).to_be_visible()


async def test_one_contact_invited_from_the_event_page_then_removed(
    page: Page, sign_in, screenshot, assert_accessible, client
) -> None:
    busan = await make_city(client, name="Busan", country_code="KR")
    await make_contact(
        client, full_name="Kim Min-jun", city_id=busan["id"], email="kim@busan.go.kr"
    )
    event = await make_event(client, name="Smart City Summit", starts_on=today(30))
    await sign_in(page, "editor")
    await page.goto(f"/events/{event['id']}")
    form = page.get_by_role("form", name="Invite one contact")
    await expect(page.get_by_text("No invitations yet.")).to_be_visible()

    async def choose_kim() -> None:
        box = form.get_by_role("combobox", name="Contact")
        await box.press_sequentially("Kim", delay=15)
        await expect(page.get_by_role("option", name=re.compile("Kim Min-jun"))).to_be_visible()
        await box.press("Enter")
        await expect(form.get_by_role("button", name="Remove Kim Min-jun")).to_be_visible()

    await choose_kim()
    await form.get_by_label("Send on").fill(today(7))
    await form.get_by_role("button", name="Add to the invitation list").click()
    await expect(page.get_by_role("status")).to_contain_text(
        "Kim Min-jun added to the invitation list."
    )
    row = page.locator("tbody tr", has_text="Kim Min-jun")
    await expect(row.locator(".badge")).to_have_text("Planned")
    counts = page.get_by_role("list", name="Invitations per status")
    await expect(counts).to_contain_text("1Planned")

    # The same contact again: refused beside the field, with a link to their invitation.
    form = page.get_by_role("form", name="Invite one contact")
    await choose_kim()
    await form.get_by_role("button", name="Add to the invitation list").click()
    form = page.get_by_role("form", name="Invite one contact")
    await expect(form.locator("#pick-contact_id-error")).to_have_text(
        "This contact is already invited to this event."
    )
    await expect(form.get_by_role("button", name="Remove Kim Min-jun")).to_be_visible()
    await expect(form.get_by_role("link", name="Show their invitation")).to_be_visible()
    await screenshot(page, "event-invite-one-duplicate")
    await assert_accessible(page)

    await page.get_by_role("button", name="Remove from the list: Kim Min-jun").click()
    await expect(page.get_by_role("status")).to_contain_text(
        "Kim Min-jun removed from the invitation list."
    )
    await expect(page.get_by_text("No invitations yet.")).to_be_visible()

    # In Chinese.
    await page.get_by_role("button", name="繁體中文").click()
    form = page.get_by_role("form", name="邀請一位聯絡人")
    await form.get_by_role("button", name="加入邀請名單").click()
    await expect(form.locator("#pick-contact_id-error")).to_have_text(
        "請從清單中選擇要邀請的聯絡人。"
    )
    await screenshot(page, "event-invite-one-zh")
    await assert_accessible(page)
