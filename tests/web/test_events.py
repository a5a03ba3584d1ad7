"""Events and invitations in the browser: the list, an event's page, bulk invite with its
preview, mark sent, one status change, the exports, and what a viewer may not do."""

import html as html_module
import re
from pathlib import Path

from openpyxl import load_workbook
from playwright.async_api import Page, expect

from tests.factories import (
    archive,
    edit,
    make_city,
    make_contact,
    make_event,
    make_invitation,
    make_organization,
    today,
)
from tests.web.conftest import csrf_of, web_sign_in


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


# --- Editing, archiving, one invitation at a time (no browser) ------------------------------


async def test_an_editor_edits_an_event(web, client) -> None:
    busan = await make_city(client, name="Busan", country_code="KR")
    metropolis = await make_organization(client, name="Metropolis")
    event = await make_event(
        client, name="Smart City Summit", starts_on="2027-03-18", city_id=busan["id"]
    )
    await web_sign_in(web, "editor")
    page = await web.get(f"/events/{event['id']}")
    assert f'href="/events/{event["id"]}/edit"' in page.text
    form = await web.get(f"/events/{event['id']}/edit")
    assert form.status_code == 200
    assert 'value="Smart City Summit"' in form.text and 'value="2027-03-18"' in form.text
    assert f'name="city_id" value="{busan["id"]}"' in form.text  # the picker's chip
    assert f'name="version" value="{event["version"]}"' in form.text
    saved = await web.post(
        f"/events/{event['id']}/edit",
        data={
            "csrf_token": csrf_of(form.text),
            "version": str(event["version"]),
            "_original": _original_of(form.text),
            "name": "Smart City Summit 2027",
            "starts_on": "2027-03-18",
            "ends_on": "2027-03-20",
            "host_organization_id": str(metropolis["id"]),
            "venue": "BEXCO",
            "url": "",
            "description": "",
        },
    )
    assert saved.status_code == 303, saved.text
    now = (await client.get(f"/api/v1/events/{event['id']}")).json()
    assert (now["name"], now["ends_on"], now["venue"]) == (
        "Smart City Summit 2027",
        "2027-03-20",
        "BEXCO",
    )
    assert now["host_organization_id"] == metropolis["id"]
    assert now["city_id"] is None  # the city's chip was removed: the field emptied


def _original_of(html: str) -> str:

    match = re.search(r'name="_original" value="([^"]*)"', html)
    assert match, "the form has no _original"
    return html_module.unescape(match.group(1))


async def test_each_bad_edit_is_refused_beside_its_field(web, client) -> None:
    event = await make_event(client, name="Smart City Summit", starts_on="2027-03-18")
    await web_sign_in(web, "editor")
    form = await web.get(f"/events/{event['id']}/edit")
    base = {"csrf_token": csrf_of(form.text), "version": str(event["version"])}

    empty = await web.post(f"/events/{event['id']}/edit", data={**base, "name": "  "})
    assert empty.status_code == 422
    assert 'id="field-name-error">This field is required.' in empty.text

    backwards = await web.post(
        f"/events/{event['id']}/edit",
        data={**base, "name": "Summit", "starts_on": "2027-03-18", "ends_on": "2027-03-17"},
    )
    assert backwards.status_code == 422
    assert "The end date is before the start date." in backwards.text
    assert 'value="2027-03-17"' in backwards.text  # what was typed is kept

    bad_date = await web.post(
        f"/events/{event['id']}/edit", data={**base, "name": "Summit", "starts_on": "18/03"}
    )
    assert bad_date.status_code == 422
    assert "Enter a date (YYYY-MM-DD)." in bad_date.text

    gone = await make_organization(client, name="Gone Network")
    await archive(client, "organizations", gone["id"])
    archived_host = await web.post(
        f"/events/{event['id']}/edit",
        data={**base, "name": "Summit", "host_organization_id": str(gone["id"])},
    )
    assert archived_host.status_code == 422
    assert (
        'id="pick-host_organization_id-error">This record is archived or no longer exists'
        in archived_host.text
    )

    assert (await client.get(f"/api/v1/events/{event['id']}")).json()["name"] == (
        "Smart City Summit"
    )


async def test_a_stale_edit_shows_what_changed_and_reapplies_mine(web, client) -> None:
    event = await make_event(
        client, name="Smart City Summit", starts_on="2027-03-18", venue="City Hall"
    )
    await web_sign_in(web, "editor")
    form = await web.get(f"/events/{event['id']}/edit")
    original = _original_of(form.text)
    # Someone else saves the event meanwhile: a new venue.
    theirs = await edit(client, "events", event["id"], venue="BEXCO")
    mine = {
        "csrf_token": csrf_of(form.text),
        "version": str(event["version"]),
        "_original": original,
        "name": "Smart City Summit",
        "starts_on": "2027-03-18",
        "ends_on": "2027-03-19",  # my change
        "venue": "City Hall",  # as I opened it
    }
    stale = await web.post(f"/events/{event['id']}/edit", data=mine)
    assert stale.status_code == 409
    assert "Someone changed this event since you opened it" in stale.text
    assert "changed it at" in stale.text
    table = stale.text.split("<tbody>")[1].split("</tbody>")[0]
    assert "Venue" in table and "BEXCO" in table and "City Hall" in table
    assert "Ends on" in table and "your change" in table
    assert f'name="version" value="{theirs["version"]}"' in stale.text
    assert 'name="venue" value="BEXCO"' in stale.text  # their venue kept, my end date on top
    assert 'name="ends_on" value="2027-03-19"' in stale.text
    assert (await client.get(f"/api/v1/events/{event['id']}")).json()["ends_on"] is None

    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', stale.text))

    again = await web.post(
        f"/events/{event['id']}/edit",
        data={k: html_module.unescape(v) for k, v in hidden.items()},
    )
    assert again.status_code == 303, again.text
    now = (await client.get(f"/api/v1/events/{event['id']}")).json()
    assert (now["venue"], now["ends_on"]) == ("BEXCO", "2027-03-19")


async def test_archiving_an_event_says_what_it_does_and_restore_brings_it_back(web, client) -> None:
    city = await make_city(client, name="Busan", country_code="KR")
    kim = await make_contact(client, full_name="Kim Min-jun", city_id=city["id"], email="k@b.kr")
    park = await make_contact(client, full_name="Park Ji-woo", email="p@b.kr")
    event = await make_event(client, name="Smart City Summit", starts_on=today(30))
    await make_invitation(client, event["id"], kim["id"])
    await web_sign_in(web, "editor")
    page = await web.get(f"/events/{event['id']}")
    assert "Its invitations (1) are kept as they are" in page.text
    token = csrf_of(page.text)

    archived = await web.post(f"/events/{event['id']}/archive", data={"csrf_token": token})
    assert archived.status_code == 303
    assert (await client.get(f"/api/v1/events/{event['id']}")).json()["archived_at"]
    page = await web.get(f"/events/{event['id']}")
    assert f'action="/events/{event["id"]}/restore"' in page.text
    assert f'href="/events/{event["id"]}/edit"' not in page.text
    assert f'action="/events/{event["id"]}/invitations"' not in page.text  # no one to add
    assert "Kim Min-jun" in page.text  # its invitations are kept

    # An archived event: no edit, no new invitation.
    edit_form = await web.get(f"/events/{event['id']}/edit")
    assert "restore it before changing it" in edit_form.text
    refused = await web.post(
        f"/events/{event['id']}/edit",
        data={"csrf_token": token, "version": "99", "name": "Renamed"},
    )
    assert refused.status_code == 409
    assert "This event is archived: restore it before changing it." in refused.text
    invite = await web.post(
        f"/events/{event['id']}/invitations",
        data={"csrf_token": token, "contact_id": str(park["id"])},
    )
    assert invite.status_code == 409
    assert "This event is archived: restore it before inviting anyone to it." in invite.text
    listed = await client.get(f"/api/v1/events/{event['id']}/invitations")
    assert [i["contact_id"] for i in listed.json()["items"]] == [kim["id"]]
    assert (await client.get(f"/api/v1/events/{event['id']}")).json()["name"] == (
        "Smart City Summit"
    )

    # Gone from the upcoming list, found among all the events (marked) to be restored.
    assert "Smart City Summit" not in (await web.get("/events")).text
    every = (await web.get("/events", params={"when": "all"})).text
    assert (
        f'href="/events/{event["id"]}">Smart City Summit</a> <span class="badge">Archived' in every
    )
    history = await web.get(f"/history/event/{event['id']}", headers={"HX-Request": "true"})
    assert "archived this record" in history.text

    restored = await web.post(f"/events/{event['id']}/restore", data={"csrf_token": token})
    assert restored.status_code == 303
    assert (await client.get(f"/api/v1/events/{event['id']}")).json()["archived_at"] is None
    history = await web.get(f"/history/event/{event['id']}", headers={"HX-Request": "true"})
    assert "restored this record" in history.text


async def test_one_contact_invited_from_the_page_then_removed(web, client) -> None:
    kim = await make_contact(client, full_name="Kim Min-jun", email="k@b.kr")
    event = await make_event(client, name="Smart City Summit", starts_on=today(30))
    await web_sign_in(web, "editor")
    page = await web.get(f"/events/{event['id']}")
    token = csrf_of(page.text)
    assert 'data-kind="contact"' in page.text

    added = await web.post(
        f"/events/{event['id']}/invitations",
        data={"csrf_token": token, "contact_id": str(kim["id"]), "send_on": today(7)},
    )
    assert added.status_code == 303, added.text
    listed = (await client.get(f"/api/v1/events/{event['id']}/invitations")).json()["items"]
    assert [(i["contact_id"], i["status"], i["send_on"]) for i in listed] == [
        (kim["id"], "planned", today(7))
    ]
    page = await web.get(added.headers["location"])
    assert "Kim Min-jun added to the invitation list." in page.text

    twice = await web.post(
        f"/events/{event['id']}/invitations",
        data={"csrf_token": token, "contact_id": str(kim["id"])},
    )
    assert twice.status_code == 409
    assert "This contact is already invited to this event." in twice.text
    assert f'href="#invitation-{listed[0]["id"]}"' in twice.text
    assert f'name="contact_id" value="{kim["id"]}"' in twice.text  # the chip is kept

    nobody = await web.post(f"/events/{event['id']}/invitations", data={"csrf_token": token})
    assert nobody.status_code == 422
    assert "Choose the contact to invite from the list." in nobody.text

    gone = await make_contact(client, full_name="Mart Kask", email="m@t.ee")
    await archive(client, "contacts", gone["id"])
    archived = await web.post(
        f"/events/{event['id']}/invitations",
        data={"csrf_token": token, "contact_id": str(gone["id"])},
    )
    assert archived.status_code == 422
    assert "This contact is archived or no longer exists: choose another." in archived.text

    bad_day = await web.post(
        f"/events/{event['id']}/invitations",
        data={"csrf_token": token, "contact_id": str(kim["id"]), "send_on": "soon"},
    )
    assert bad_day.status_code == 422
    assert "Enter a date (YYYY-MM-DD)." in bad_day.text

    removed = await web.post(
        f"/events/{event['id']}/invitations/{listed[0]['id']}/remove", data={"csrf_token": token}
    )
    assert removed.status_code == 303
    assert (await client.get(f"/api/v1/events/{event['id']}/invitations")).json()["items"] == []
    page = await web.get(removed.headers["location"])
    assert "Kim Min-jun removed from the invitation list." in page.text


async def test_a_viewer_may_not_edit_archive_or_invite_one(web, client) -> None:
    kim = await make_contact(client, full_name="Kim Min-jun", email="k@b.kr")
    event = await make_event(client, name="Smart City Summit", starts_on=today(30))
    invitation = await make_invitation(client, event["id"], kim["id"])
    await web_sign_in(web, "viewer")
    page = await web.get(f"/events/{event['id']}")
    assert "/edit" not in page.text and "/archive" not in page.text
    assert f'action="/events/{event["id"]}/invitations"' not in page.text
    assert "/remove" not in page.text
    assert "Kim Min-jun" in page.text
    token = csrf_of(page.text)
    assert (await web.get(f"/events/{event['id']}/edit")).status_code == 403
    for path, data in [
        ("edit", {"name": "X", "version": str(event["version"])}),
        ("archive", {}),
        ("restore", {}),
        ("invitations", {"contact_id": str(kim["id"])}),
        (f"invitations/{invitation['id']}/remove", {}),
    ]:
        response = await web.post(
            f"/events/{event['id']}/{path}", data={"csrf_token": token, **data}
        )
        assert response.status_code == 403, path
    now = (await client.get(f"/api/v1/events/{event['id']}")).json()
    assert now["name"] == "Smart City Summit" and now["archived_at"] is None
    listed = (await client.get(f"/api/v1/events/{event['id']}/invitations")).json()["items"]
    assert [i["id"] for i in listed] == [invitation["id"]]


async def test_the_event_forms_in_chinese(web, client) -> None:
    event = await make_event(client, name="Smart City Summit", starts_on="2027-03-18")
    token = await web_sign_in(web, "editor")
    await web.post("/language", data={"csrf_token": token, "language": "zh_Hant_TW", "next": "/"})
    form = await web.get(f"/events/{event['id']}/edit")
    assert "編輯 Smart City Summit" in form.text
    page = await web.get(f"/events/{event['id']}")
    for words in ("封存…", "封存這個活動", "邀請一位聯絡人", "加入邀請名單"):
        assert words in page.text, words
    stale = await web.post(
        f"/events/{event['id']}/edit",
        data={"csrf_token": csrf_of(form.text), "version": "0", "name": "峰會"},
    )
    assert stale.status_code == 409
    assert "您開啟後，已有其他人修改了這個活動" in stale.text
