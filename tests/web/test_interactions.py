"""Log an interaction: the form, the typeahead picker and the interaction's page."""

import re
import time

from playwright.async_api import Page, expect

from tests.factories import (
    EDITOR_ID,
    make_city,
    make_contact,
    make_interaction,
    make_organization,
    today,
)
from tests.web.conftest import web_sign_in

DELEGATES = [
    ("Kim Min-jun", "Busan", "KR"),
    ("Ion Popescu", "Chișinău", "MD"),
    ("Ayşe Yılmaz", "Gaziantep", "TR"),
    ("Kadri Tamm", "Tallinn", "EE"),
    ("Chloé Lefèvre", "Brussels", "BE"),
    ("Thabo Nkosi", "Johannesburg", "ZA"),
]


async def _delegates(client) -> dict[str, int]:
    ids: dict[str, int] = {}
    for name, city, country in DELEGATES:
        made = await make_city(client, name=city, country_code=country)
        ids[city] = made["id"]
        contact = await make_contact(client, full_name=name, city_id=made["id"])
        ids[name] = contact["id"]
    ids["Barcelona"] = (await make_city(client, name="Barcelona", country_code="ES"))["id"]
    return ids


async def _pick(page: Page, label: str, typed: str, option: str) -> None:
    box = page.get_by_role("combobox", name=label)
    await box.press_sequentially(typed, delay=15)
    await expect(page.get_by_role("option", name=re.compile(re.escape(option)))).to_be_visible()
    await box.press("Enter")
    await expect(page.get_by_role("button", name=f"Remove {option}")).to_be_visible()


async def test_the_barcelona_course_in_under_a_minute(
    page: Page, sign_in, screenshot, assert_accessible, client
) -> None:
    await _delegates(client)
    await sign_in(page, "editor")
    started = time.monotonic()
    await page.goto("/")
    await (
        page.get_by_role("navigation", name="Main")
        .get_by_role("link", name="Log an interaction")
        .click()
    )
    await expect(page.get_by_role("heading", name="Log an interaction", level=1)).to_be_visible()
    await expect(page.get_by_role("textbox", name="Date", exact=True)).to_have_value(today())
    await page.get_by_label("Kind").select_option(label="Conference or course")
    title = page.get_by_role("textbox", name="Title", exact=True)
    await title.fill("Metropolis course in Barcelona")
    await page.get_by_label("Summary").fill("Six delegates; two days on urban mobility.")
    await page.get_by_label("Tags").fill("Metropolis, mobility")
    # By name, or by the city (or organization) they come from.
    for name, city, _country in DELEGATES:
        typed = city[:4] if city in ("Gaziantep", "Tallinn", "Brussels") else name.split()[0][:4]
        await _pick(page, "Contacts", typed, name)
    from_contacts = page.get_by_role("list", name="Cities of the contacts")
    for name, city, _country in DELEGATES:  # their cities are listed at once, not removable
        await expect(from_contacts.get_by_role("listitem")).to_contain_text([f"{city} from {name}"])
    await expect(from_contacts.get_by_role("button")).to_have_count(0)
    await _pick(page, "Cities", "Barce", "Barcelona")
    await page.get_by_label("Add a follow-up").check()
    await page.get_by_label("What is to be done").fill("Send the course certificates")
    await page.get_by_label("Due date").fill(today(14))
    await page.get_by_label("Assignee").select_option(value=str(EDITOR_ID))
    await page.get_by_label("Note", exact=True).fill("Ask Barcelona for the list of attendees.")
    await screenshot(page, "interaction-new")
    await assert_accessible(page)
    await page.get_by_role("button", name="Save the interaction").click()

    await expect(page).to_have_url(re.compile(r"/interactions/\d+$"))
    elapsed = time.monotonic() - started
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "Metropolis course in Barcelona"
    )
    await expect(page.get_by_role("status")).to_contain_text("Interaction logged")
    await expect(page.locator("dd .badge")).to_have_text(["Metropolis", "mobility"])
    contacts = page.get_by_role("region", name="Contacts")
    cities = page.get_by_role("region", name="Cities")
    for name, city, _country in DELEGATES:
        await expect(contacts.get_by_role("link", name=name)).to_be_visible()
        await expect(cities.get_by_role("link", name=city)).to_be_visible()
    follow_ups = page.get_by_role("region", name="Follow-ups")
    await expect(follow_ups).to_contain_text("Send the course certificates")
    await expect(follow_ups).to_contain_text("Ask Barcelona for the list of attendees.")
    await screenshot(page, "interaction")
    await assert_accessible(page)
    assert elapsed < 60, f"logging the Barcelona course took {elapsed:.1f} s"

    await page.get_by_role("button", name="繁體中文").click()
    await expect(page.get_by_role("heading", name="後續追蹤", level=2)).to_be_visible()
    await screenshot(page, "interaction-zh")
    await assert_accessible(page)


async def test_the_picker_by_keyboard_and_errors_keep_what_was_typed(
    page: Page, sign_in, screenshot, assert_accessible, client
) -> None:
    await _delegates(client)
    await sign_in(page, "editor")
    await page.goto("/interactions/new")
    box = page.get_by_role("combobox", name="Contacts")
    await box.press_sequentially("Ka", delay=15)
    await expect(page.get_by_role("option", name=re.compile("Kadri Tamm"))).to_be_visible()
    await box.press("ArrowDown")
    await box.press("ArrowUp")
    await box.press("Enter")
    await expect(page.get_by_role("button", name="Remove Kadri Tamm")).to_be_visible()
    await expect(page.locator("[data-announce]").first).to_have_text("Added Kadri Tamm.")
    await _pick(page, "Contacts", "Thab", "Thabo Nkosi")
    await box.press("Backspace")  # the box is empty: the last chip goes
    await expect(page.get_by_role("button", name="Remove Thabo Nkosi")).to_have_count(0)
    await _pick(page, "Contacts", "Chlo", "Chloé Lefèvre")
    await page.get_by_role("button", name="Remove Kadri Tamm").click()
    await expect(page.get_by_role("button", name="Remove Kadri Tamm")).to_have_count(0)
    await box.press_sequentially("zzzz", delay=15)
    await expect(page.get_by_role("option", name=re.compile("Nothing matches"))).to_be_visible()
    await box.press("Enter")  # nothing to add: said so, and the text is selected
    await expect(page.locator("#pick-contact_ids-leftover")).to_contain_text("Nothing matches")
    await box.press_sequentially("Tall", delay=15)  # replaces it, not "zzzzTall"
    await expect(box).to_have_value("Tall")
    await box.press("Enter")
    await expect(page.get_by_role("button", name="Remove Kadri Tamm")).to_be_visible()
    await expect(page.locator("#pick-contact_ids-leftover")).to_be_hidden()
    # Kadri's city comes with her (the service links it): not removable, her removal takes it.
    from_contacts = page.get_by_role("list", name="Cities of the contacts")
    await expect(from_contacts).to_contain_text("Tallinn from Kadri Tamm")
    await expect(page.get_by_role("button", name="Remove Tallinn")).to_have_count(0)
    await page.get_by_role("button", name="Remove Kadri Tamm").click()
    await expect(from_contacts.get_by_text("Tallinn")).to_have_count(0)
    await expect(from_contacts).to_contain_text("Brussels from Chloé Lefèvre")

    # Text typed but never chosen is not dropped silently: the form is not sent.
    await box.press_sequentially("qqqq", delay=15)
    await expect(page.get_by_role("option", name=re.compile("Nothing matches"))).to_be_visible()
    await page.get_by_role("button", name="Save the interaction").click()
    await expect(page.locator("#pick-contact_ids-leftover")).to_have_text(
        "“qqqq” was not added: choose it from the list, or clear the box."
    )
    await expect(page).to_have_url(re.compile(r"/interactions/new$"))
    await box.fill("")

    # No title, a follow-up without its date: inline messages, nothing lost.
    await page.get_by_label("Summary").fill("Notes I must not lose")
    await page.get_by_label("Add a follow-up").check()
    await page.get_by_label("What is to be done").fill("Call back")
    await page.get_by_role("button", name="Save the interaction").click()
    await expect(page.locator("#field-title-error")).to_have_text("This field is required.")
    await expect(page.locator("#field-follow-up-due-error")).to_be_visible()
    await expect(page.get_by_label("Summary")).to_have_value("Notes I must not lose")
    await expect(page.get_by_label("What is to be done")).to_have_value("Call back")
    await expect(page.get_by_role("button", name="Remove Chloé Lefèvre")).to_be_visible()
    await screenshot(page, "interaction-errors")
    await assert_accessible(page)

    await page.get_by_role("button", name="繁體中文").click()
    await expect(page.get_by_role("heading", name="記錄互動", level=1)).to_be_visible()
    await page.get_by_role("combobox", name="聯絡人").press_sequentially("Kim", delay=15)
    await expect(page.get_by_role("option", name=re.compile("Kim Min-jun"))).to_be_visible()
    await screenshot(page, "interaction-new-zh")
    await assert_accessible(page)


async def test_viewers_cannot_log(web, client) -> None:
    made = await make_interaction(client, title="Call with Busan")
    token = await web_sign_in(web, "viewer")
    page = await web.get(f"/interactions/{made['id']}")
    assert page.status_code == 200 and "Call with Busan" in page.text
    assert '/interactions/new"' not in page.text.split("<main")[1]
    assert (await web.get("/interactions/new")).status_code == 403
    response = await web.post(
        "/interactions/new",
        data={"csrf_token": token, "kind": "meeting", "occurred_on": today(), "title": "X"},
    )
    assert response.status_code == 403


async def test_the_picker_answers_by_any_script(web, client) -> None:
    city = await make_city(client, name="Busan", country_code="KR", alternate_names=["釜山"])
    await make_contact(client, full_name="Kim Min-jun", city_id=city["id"], email="kim@busan.go.kr")
    await web_sign_in(web, "viewer")
    response = await web.get("/pick/city", params={"q": "釜山"})
    assert response.status_code == 200
    assert "Busan" in response.text
    response = await web.get("/pick/contact", params={"q": "kim"})
    assert "kim@busan.go.kr" in response.text and "Busan" in response.text
    assert 'data-city-name="Busan"' in response.text  # for the city picker's chip
    response = await web.get("/pick/contact", params={"q": "Busa"})  # by the city's name
    assert "Kim Min-jun" in response.text
    organization = await make_organization(client, name="Gaziantep Metropolitan Municipality")
    await make_contact(client, full_name="Ayşe Yılmaz", organization_id=organization["id"])
    response = await web.get("/pick/contact", params={"q": "Metropolitan"})  # by organization
    assert "Ayşe Yılmaz" in response.text and "Kim Min-jun" not in response.text
    assert (await web.get("/pick/event", params={"q": "x"})).status_code == 400
    assert "option" not in (await web.get("/pick/contact")).text
