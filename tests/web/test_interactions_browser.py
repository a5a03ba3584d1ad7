"""Log an interaction in a browser: without JavaScript (plain form posts), and the cities the
contacts bring shown for what they are (linked with the contact, not removable)."""

import re
from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Page, expect

from tests.factories import make_city, make_contact, today
from tests.web.test_interactions import _delegates, _pick


@pytest.fixture
async def page_without_js(new_context, anon) -> AsyncIterator[Page]:
    """A page in a fresh context whose scripts do not run (a locked-down phone browser)."""
    context = await new_context(java_script_enabled=False)
    page = await context.new_page()
    page.set_default_timeout(10_000)
    expect.set_options(timeout=10_000)
    yield page
    await page.close()


async def test_two_contacts_and_a_city_logged_without_javascript(
    page_without_js: Page, sign_in, screenshot, client
) -> None:
    await _log_without_the_picker_script(page_without_js, sign_in, client, shoot=screenshot)
    await screenshot(page_without_js, "interaction-no-js")


async def test_the_form_without_its_script_is_accessible(
    page: Page, sign_in, assert_accessible, client
) -> None:
    """axe needs scripts, so here only pick.js fails to load (the other case the fallback is
    for); the form is then the one a browser without JavaScript gets, less its <noscript>."""
    await page.route(re.compile(r"/pick\.js\b"), lambda route: route.abort())
    await _log_without_the_picker_script(page, sign_in, client, check=assert_accessible)


async def _log_without_the_picker_script(
    page: Page, sign_in, client, check=None, shoot=None
) -> None:
    await _delegates(client)
    await sign_in(page, "editor")
    await page.goto("/interactions/new")
    await page.get_by_label("Kind").select_option(label="Phone call")
    await page.get_by_role("textbox", name="Title", exact=True).fill("Ports call")
    await page.get_by_label("Summary").fill("Notes I must not lose")
    await page.get_by_label("Tags").fill("ports")

    # Enter in the contacts' box sends its text: the page comes back with the matches.
    contacts = page.get_by_role("combobox", name="Contacts")
    await contacts.fill("Kim")
    await contacts.press("Enter")
    found = page.get_by_role("group", name=re.compile("Matches for “Kim”"))
    await found.get_by_role("checkbox", name=re.compile("Kim Min-jun")).check()
    await expect(page.get_by_role("textbox", name="Title", exact=True)).to_have_value("Ports call")
    await expect(page.get_by_label("Summary")).to_have_value("Notes I must not lose")
    await contacts.fill("Ion")
    await page.get_by_role("button", name="Search: Contacts").click()
    await page.get_by_role("checkbox", name=re.compile("Ion Popescu")).check()
    if check:
        await check(page)
    chosen = page.get_by_role("list", name="Chosen: Contacts")
    await expect(chosen.get_by_role("checkbox", name="Kim Min-jun")).to_be_checked()
    from_contacts = page.get_by_role("list", name="Cities of the contacts")
    await expect(from_contacts.get_by_role("listitem")).to_have_text(["Busan from Kim Min-jun"])

    cities = page.get_by_role("combobox", name="Cities")
    await cities.fill("Barce")
    await page.get_by_role("button", name="Search: Cities").click()
    await page.get_by_role("checkbox", name=re.compile("Barcelona")).check()
    await expect(from_contacts.get_by_role("listitem")).to_have_text(
        ["Busan from Kim Min-jun", "Chișinău from Ion Popescu"]
    )
    # The follow-up's fields are there without the script that reveals them.
    await page.get_by_label("Add a follow-up").check()
    await page.get_by_label("What is to be done").fill("Send the port's brochure")
    await page.get_by_label("Due date").fill(today(5))
    await expect(page.get_by_role("textbox", name="Tags")).to_have_value("ports")
    if check:
        await check(page)
    if shoot:
        await shoot(page, "interaction-new-no-js")
    await page.get_by_role("button", name="Save the interaction").click()

    await expect(page).to_have_url(re.compile(r"/interactions/\d+$"))
    await expect(page.get_by_role("heading", level=1)).to_have_text("Ports call")
    contacts_region = page.get_by_role("region", name="Contacts")
    await expect(contacts_region.get_by_role("listitem")).to_have_text(
        ["Kim Min-jun", "Ion Popescu"]
    )
    await expect(page.get_by_role("region", name="Cities").get_by_role("listitem")).to_have_text(
        ["Barcelona", "Busan from Kim Min-jun", "Chișinău from Ion Popescu"]
    )
    await expect(page.get_by_role("region", name="Follow-ups")).to_contain_text(
        "Send the port's brochure"
    )
    if check:
        await check(page)


async def test_a_contacts_city_is_not_a_chip_that_could_be_removed(
    page: Page, sign_in, screenshot, assert_accessible, client
) -> None:
    busan = await make_city(client, name="Busan", country_code="KR")
    await make_contact(client, full_name="Kim Min-jun", city_id=busan["id"])
    await make_city(client, name="Barcelona", country_code="ES")
    await sign_in(page, "editor")
    await page.goto("/interactions/new")
    await expect(page.get_by_role("button", name=re.compile("^Search: "))).to_have_count(0)
    await page.get_by_role("textbox", name="Title", exact=True).fill("Call with Busan")
    await _pick(page, "Contacts", "Kim", "Kim Min-jun")
    from_contacts = page.get_by_role("list", name="Cities of the contacts")
    await expect(from_contacts.get_by_role("listitem")).to_have_text(["Busan from Kim Min-jun"])
    await expect(page.get_by_text("Always linked with their contacts")).to_be_visible()
    await expect(page.get_by_role("button", name="Remove Busan")).to_have_count(0)
    await _pick(page, "Cities", "Barce", "Barcelona")  # a city the user adds: removable
    await page.get_by_role("button", name="Remove Barcelona").click()
    await expect(
        page.get_by_role("list", name="Chosen: Cities").get_by_role("listitem")
    ).to_have_count(0)
    await assert_accessible(page)

    # Removing the contact takes the city with it; choosing him again brings it back.
    await page.get_by_role("button", name="Remove Kim Min-jun").click()
    await expect(from_contacts).to_be_hidden()
    await _pick(page, "Contacts", "Kim", "Kim Min-jun")
    await expect(from_contacts.get_by_role("listitem")).to_have_text(["Busan from Kim Min-jun"])

    # An error sends the form back: the chip, the contact's city line, still as they were.
    await page.get_by_role("textbox", name="Title", exact=True).fill("")
    await page.get_by_role("button", name="Save the interaction").click()
    await expect(page.locator("#field-title-error")).to_have_text("This field is required.")
    await expect(page.get_by_role("button", name="Remove Kim Min-jun")).to_be_visible()
    await expect(from_contacts.get_by_role("listitem")).to_have_text(["Busan from Kim Min-jun"])
    await page.get_by_role("textbox", name="Title", exact=True).fill("Call with Busan")
    await page.get_by_role("button", name="Save the interaction").click()

    await expect(page).to_have_url(re.compile(r"/interactions/\d+$"))
    await expect(page.get_by_role("region", name="Cities").get_by_role("listitem")).to_have_text(
        ["Busan from Kim Min-jun"]
    )
    await screenshot(page, "interaction-from-contact")
    await page.get_by_role("button", name="繁體中文").click()
    await expect(page.get_by_role("region", name="城市").get_by_role("listitem")).to_have_text(
        ["Busan 來自 Kim Min-jun"]
    )
    await assert_accessible(page)
