"""Events and invitations in the browser: the list, an event's page, bulk invite with its
preview, mark sent, one status change, the exports, and what a viewer may not do."""

import re
from pathlib import Path

from openpyxl import load_workbook
from playwright.async_api import Page, expect

from tests.factories import (
    make_city,
    make_contact,
    make_event,
    make_invitation,
    make_organization,
    today,
)
from tests.web.conftest import web_sign_in


async def _event_with_delegates(client) -> dict[str, int]:
    busan = await make_city(client, name="Busan", country_code="KR")
    tallinn = await make_city(client, name="Tallinn", country_code="EE")
    event = await make_event(client, name="Smart City Summit", starts_on=today(30))
    await make_event(client, name="Forum of 2020", starts_on="2020-05-01")
    ids = {"event": event["id"]}
    for name, city, email in [
        ("Kim Min-jun", busan, "kim@busan.go.kr"),
        ("Park Ji-woo", busan, "park@busan.go.kr"),
        ("Kadri Tamm", tallinn, "kadri@tallinn.ee"),
        ("Mart Kask", tallinn, None),
    ]:
        contact = await make_contact(
            client, full_name=name, city_id=city["id"], email=email, tags=["summit"]
        )
        ids[name] = contact["id"]
    return ids


async def test_bulk_invite_mark_sent_status_and_export(
    page: Page, sign_in, screenshot, assert_accessible, client, tmp_path: Path
) -> None:
    ids = await _event_with_delegates(client)
    await sign_in(page, "editor")
    await page.goto("/events")
    await expect(page.get_by_role("link", name="Forum of 2020")).to_have_count(0)
    await screenshot(page, "events")
    await assert_accessible(page)
    await page.get_by_role("link", name="Smart City Summit").click()
    await expect(page.get_by_role("heading", name="Smart City Summit", level=1)).to_be_visible()
    counts = page.get_by_role("list", name="Invitations per status")
    await expect(counts).to_contain_text("0Planned")

    # Bulk invite: preview first, nothing written, then confirm.
    await page.get_by_role("link", name="Invite contacts").click()
    await page.get_by_label("Tags").fill("summit")
    countries = page.get_by_role("group", name="Countries")
    await countries.get_by_role("checkbox", name="South Korea").check()
    await countries.get_by_role("checkbox", name="Estonia").check()
    await expect(page.get_by_text("This event is already over.")).to_have_count(0)
    await page.get_by_role("button", name="Preview").click()
    preview = page.get_by_role("region", name="Preview: nothing is written yet")
    await expect(preview).to_contain_text("3 to invite, 1 skipped.")
    await expect(preview).to_contain_text("Mart Kask")
    await expect(preview).to_contain_text("no e-mail address")
    await screenshot(page, "event-invite-preview")
    await assert_accessible(page)
    await page.get_by_role("button", name="Invite 3 contacts").click()
    await expect(page).to_have_url(re.compile(rf"/events/{ids['event']}$"))
    await expect(page.get_by_role("status")).to_contain_text("3 contacts invited; 1 skipped.")
    await expect(counts).to_contain_text("3Planned")

    # Mark two of them sent.
    await page.get_by_role("checkbox", name="Select Kim Min-jun").check()
    await page.get_by_role("checkbox", name="Select Kadri Tamm").check()
    await page.get_by_role("button", name="Mark selected sent").click()
    await expect(page.get_by_role("status")).to_contain_text("2 invitations marked sent.")
    await expect(counts).to_contain_text("1Planned")
    await expect(counts).to_contain_text("2Sent")
    sent_at = page.locator("tr", has_text="Kadri Tamm").locator("td[data-label='Sent at']")
    await expect(sent_at).to_have_text(re.compile(r"^[A-Z][a-z]{2} \d{1,2}, \d{4}, "))  # medium

    # One status change, swapped in place.
    await page.get_by_role("button", name="Accepted: Kim Min-jun").click()
    row = page.locator("tr", has_text="Kim Min-jun")
    await expect(row.locator(".badge")).to_have_text("Accepted")
    await expect(row.get_by_role("button", name="Attended: Kim Min-jun")).to_be_visible()
    await expect(counts).to_contain_text("1Accepted")
    await expect(page.get_by_role("status")).to_contain_text("Kim Min-jun: Accepted")
    await screenshot(page, "event")
    await assert_accessible(page)

    # Filter by status.
    await page.get_by_label("Show the invitations").select_option(label="Sent")
    await page.get_by_role("button", name="Filter").click()
    await expect(page.locator("tbody tr")).to_have_count(1)
    await expect(page.locator("tbody")).to_contain_text("Kadri Tamm")

    # Export the whole list as XLSX and read it back.
    await page.goto(f"/events/{ids['event']}")
    async with page.expect_download() as info:
        await page.get_by_role("link", name="Export XLSX").click()
    download = await info.value
    path = tmp_path / "invitations.xlsx"
    await download.save_as(path)
    sheet = load_workbook(path, read_only=True).active
    assert sheet is not None
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = rows[0]
    assert len(header) == 13 and all(header), header
    assert "Name" in header and "full_name" not in header, header  # headers for people
    names = [cell for row in rows[1:] for cell in row]
    assert "Kim Min-jun" in names and "Kadri Tamm" in names
    assert len(rows) == 4

    async with page.expect_download() as info:
        await page.get_by_role("link", name="Export vCard").click()
    vcards = Path(await (await info.value).path()).read_text(encoding="utf-8")
    assert vcards.count("BEGIN:VCARD") == 3 and "Kadri Tamm" in vcards

    # The same page in Traditional Chinese.
    await page.get_by_role("button", name="繁體中文").click()
    await expect(page.get_by_role("heading", name="邀請", level=2)).to_be_visible()
    await expect(page.get_by_role("list", name="各狀態邀請數")).to_contain_text("已接受")
    await expect(page.get_by_role("button", name="將選取的邀請標記為已寄出")).to_be_visible()
    await screenshot(page, "event-zh")
    await assert_accessible(page)
    await page.goto(f"/events/{ids['event']}/invite")
    await page.get_by_role("button", name="預覽").click()
    await expect(page.locator(".form-error")).to_contain_text("請至少提供一項條件")
    await screenshot(page, "event-invite-zh")
    await assert_accessible(page)


async def test_a_new_event(page: Page, sign_in, screenshot, assert_accessible, client) -> None:
    await make_city(client, name="Gaziantep", country_code="TR")
    await make_organization(client, name="Metropolis")
    await sign_in(page, "editor")
    await page.goto("/events")
    await page.get_by_role("link", name="New event").click()
    await page.get_by_role("textbox", name="Event name").fill("Taipei Urban Forum")
    await page.get_by_label("Starts on").fill(today(60))
    await page.get_by_label("Ends on").fill(today(59))
    for label, typed, option in (
        ("City", "Gazi", "Gaziantep"),
        ("Host organization", "Metro", "Metropolis"),
    ):
        box = page.get_by_role("combobox", name=label)
        await box.press_sequentially(typed, delay=15)
        await expect(page.get_by_role("option", name=re.compile(option))).to_be_visible()
        await box.press("Enter")
        await expect(page.get_by_role("button", name=f"Remove {option}")).to_be_visible()
    await page.get_by_role("button", name="Save the event").click()
    await expect(page.get_by_role("textbox", name="Event name")).to_have_value("Taipei Urban Forum")
    error = page.locator("#field-ends_on-error")
    await expect(error).to_have_text("The end date is before the start date.")
    await expect(page.get_by_role("button", name="Remove Gaziantep")).to_be_visible()
    await screenshot(page, "event-new-errors")
    await assert_accessible(page)
    await page.get_by_label("Ends on").fill(today(61))
    await page.get_by_role("button", name="Save the event").click()
    await expect(page.get_by_role("heading", name="Taipei Urban Forum", level=1)).to_be_visible()
    await expect(page.get_by_role("status")).to_contain_text("Event saved.")
    await expect(page.get_by_role("link", name="Gaziantep")).to_be_visible()
    await expect(page.get_by_role("link", name="Metropolis")).to_be_visible()

    await page.goto("/events")
    await page.get_by_role("button", name="繁體中文").click()
    await expect(page.get_by_role("heading", name="活動", level=1)).to_be_visible()
    await expect(page.get_by_role("link", name="Taipei Urban Forum")).to_be_visible()
    await screenshot(page, "events-zh")
    await assert_accessible(page)
    await page.get_by_role("link", name="新增活動").click()
    await expect(page.get_by_role("heading", name="新增活動", level=1)).to_be_visible()
    await expect(page.get_by_role("textbox", name="活動名稱")).to_be_visible()
    await page.get_by_role("textbox", name="活動名稱").fill("論壇")
    await page.get_by_label("開始日期").fill(today(60))
    await page.get_by_label("結束日期").fill(today(59))
    await page.get_by_role("button", name=re.compile("儲存")).click()
    await expect(page.locator("#field-ends_on-error")).to_have_text("結束日期早於開始日期。")
    await screenshot(page, "event-new-zh")
    await assert_accessible(page)


async def test_a_viewer_sees_no_invite_buttons_and_may_not_post(
    page: Page, sign_in, assert_accessible, client, web
) -> None:
    ids = await _event_with_delegates(client)
    invitation = await make_invitation(client, ids["event"], ids["Kim Min-jun"])
    await sign_in(page, "viewer")
    await page.goto(f"/events/{ids['event']}")
    await expect(page.get_by_role("link", name="Kim Min-jun")).to_be_visible()
    await expect(page.get_by_role("link", name="Invite contacts")).to_have_count(0)
    await expect(page.get_by_role("button", name="Mark selected sent")).to_have_count(0)
    await expect(page.get_by_role("button", name=re.compile("Mark sent"))).to_have_count(0)
    await expect(page.get_by_role("link", name="Export XLSX")).to_have_count(0)
    await assert_accessible(page)

    token = await web_sign_in(web, "viewer")
    event = ids["event"]
    for url, data in [
        (f"/events/{event}/mark-sent", {"invitation_ids": str(invitation["id"])}),
        (f"/events/{event}/invite", {"send_on": today(), "tags": "summit", "action": "confirm"}),
        (f"/events/{event}/invitations/{invitation['id']}/status", {"status": "sent"}),
        ("/events/new", {"name": "Nope"}),
    ]:
        response = await web.post(url, data={"csrf_token": token, **data})
        assert response.status_code == 403, url
    assert (await web.get(f"/events/{event}/invite")).status_code == 403
    assert (await web.get(f"/events/{event}/export?format=xlsx")).status_code == 403
    listed = await client.get(f"/api/v1/events/{event}/invitations")
    assert [i["status"] for i in listed.json()["items"]] == ["planned"]


async def test_a_move_not_allowed_says_so_in_the_row(web, client) -> None:
    ids = await _event_with_delegates(client)
    invitation = await make_invitation(client, ids["event"], ids["Kim Min-jun"])
    token = await web_sign_in(web, "editor")
    response = await web.post(
        f"/events/{ids['event']}/invitations/{invitation['id']}/status",
        data={"csrf_token": token, "status": "attended"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "cannot go from planned to attended" in response.text
    assert 'hx-swap-oob="true"' in response.text


async def test_inviting_to_an_event_that_is_over_says_so(web, client) -> None:
    city = await make_city(client, name="Busan", country_code="KR")
    await make_contact(client, full_name="Kim Min-jun", city_id=city["id"], email="k@b.kr")
    event = await make_event(client, name="Forum of 2020", starts_on="2020-05-01")
    token = await web_sign_in(web, "editor")
    page = await web.get(f"/events/{event['id']}/invite")
    assert "This event is already over." in page.text
    assert 'type="checkbox" name="country_codes" value="KR"' in page.text
    assert "<select" not in page.text.split('name="country_codes"')[0].rsplit("<fieldset", 1)[1]
    preview = await web.post(
        f"/events/{event['id']}/invite",
        data={"csrf_token": token, "send_on": today(), "country_codes": "KR"},
    )
    assert preview.status_code == 200
    section = preview.text.split('id="preview"')[1]
    assert "This event is already over." in section and "1 to invite" in section


async def test_a_hand_edited_address_gets_a_page_in_words(web) -> None:
    token = await web_sign_in(web, "viewer")
    unknown = await web.get("/events", params={"date_from": "2026-01-01"})
    assert unknown.status_code == 422
    assert "This page&#39;s address has a part we don&#39;t understand: date_from" in unknown.text
    assert "it accepts" not in unknown.text
    bad = await web.get("/events", params={"when": "zzz"})
    assert bad.status_code == 400
    assert "address has a part we don&#39;t understand: when" in bad.text
    await web.post("/language", data={"csrf_token": token, "language": "zh_Hant_TW"})
    bad = await web.get("/events", params={"when": "zzz"})
    assert "這個頁面的網址有無法辨識的部分：when" in bad.text
    api = await web.get("/api/v1/events", params={"date_from": "x"})
    assert api.headers["content-type"].startswith("application/problem+json")
