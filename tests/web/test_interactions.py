"""Log an interaction: the form, the typeahead picker and the interaction's page."""

import html
import re
import time

import pytest
from playwright.async_api import Page, expect

from tests.factories import (
    EDITOR_ID,
    archive,
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


# --- without JavaScript: plain form posts -------------------------------------------------


def _ticked(page: str, name: str) -> list[int]:
    """The ids of the checkboxes ``name`` ticked on the page (the chips of a picker)."""
    pattern = rf'<input type="checkbox" name="{re.escape(name)}" value="(\d+)" checked>'
    return [int(i) for i in re.findall(pattern, page)]


def _to_tick(page: str, name: str) -> list[int]:
    """The ids of the matches offered as checkboxes not ticked yet."""
    pattern = rf'<input type="checkbox" name="{re.escape(name)}" value="(\d+)">'
    return [int(i) for i in re.findall(pattern, page)]


def _from_contacts(page: str) -> list[str]:
    """The form's "city from contact" lines, as text."""
    items = re.findall(r'<li data-contact-id="\d+">(.*?)</li>', page, re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", item)).split()) for item in items]


def _field_error(page: str, field_id: str) -> str:
    match = re.search(rf'<p class="field-error" id="{re.escape(field_id)}-error">(.*?)</p>', page)
    assert match, f"no error beside {field_id}"
    return html.unescape(match.group(1))


async def test_without_javascript_the_pickers_search_then_the_form_saves(web, client) -> None:
    ids = await _delegates(client)
    token = await web_sign_in(web, "editor")
    form = {
        "csrf_token": token,
        "kind": "meeting",
        "occurred_on": today(),
        "title": "Mobility call",
        "summary": "Notes I must not lose",
        "location": "City hall",
        "tags": "mobility, Metropolis",
        "with_follow_up": "1",
        "follow_up.title": "Send the minutes",
        "follow_up.due_on": today(7),
    }
    # The contacts' box typed in and the form sent (Enter, or the Search button): the matches.
    page = await web.post("/interactions/new", data={**form, "pick.contact_ids": "Kim"})
    assert page.status_code == 200, page.text
    assert _to_tick(page.text, "contact_ids") == [ids["Kim Min-jun"]]
    assert "Matches for “Kim”: tick those to add" in page.text
    for kept in (
        "Mobility call",
        "Notes I must not lose",
        "City hall",
        "mobility, Metropolis",
        "Send the minutes",
        today(7),
    ):
        assert html.escape(kept, quote=False) in html.unescape(page.text), kept
    assert 'name="pick.contact_ids"' in page.text and 'value="Kim"' not in page.text
    assert (await client.get("/api/v1/interactions")).json()["total"] == 0  # nothing saved

    # Kim ticked, and Ion searched: Kim stays chosen (ticked), and brings Busan "from" him.
    page = await web.post(
        "/interactions/new",
        data={
            **form,
            "contact_ids": ids["Kim Min-jun"],
            "pick.contact_ids": "Ion",
            "search": "contact_ids",
        },
    )
    assert _ticked(page.text, "contact_ids") == [ids["Kim Min-jun"]]
    assert _to_tick(page.text, "contact_ids") == [ids["Ion Popescu"]]
    assert _from_contacts(page.text) == ["Busan from Kim Min-jun"]
    assert _ticked(page.text, "city_ids") == []  # not a city the user chose: not removable

    # Both contacts chosen, a city searched: the contacts' cities are listed apart.
    chosen = {**form, "contact_ids": [ids["Kim Min-jun"], ids["Ion Popescu"]]}
    page = await web.post("/interactions/new", data={**chosen, "pick.city_ids": "Barce"})
    assert _to_tick(page.text, "city_ids") == [ids["Barcelona"]]
    assert _from_contacts(page.text) == ["Busan from Kim Min-jun", "Chișinău from Ion Popescu"]

    # Search pressed with an empty box: said so beside the picker, nothing lost.
    page = await web.post(
        "/interactions/new", data={**chosen, "city_ids": ids["Barcelona"], "search": "city_ids"}
    )
    assert page.status_code == 422
    assert _field_error(page.text, "pick-city_ids") == "Type what to look for, then press Search."
    assert _ticked(page.text, "city_ids") == [ids["Barcelona"]]

    # Barcelona ticked, the form saved (Enter in a field sends the default button: no search).
    response = await web.post("/interactions/new", data={**chosen, "city_ids": ids["Barcelona"]})
    assert response.status_code == 303, response.text
    path = response.headers["location"]
    saved = (await client.get(f"/api/v1{path}")).json()
    assert saved["contact_ids"] == [ids["Kim Min-jun"], ids["Ion Popescu"]]
    assert saved["city_ids"] == [ids["Barcelona"], ids["Busan"], ids["Chișinău"]]
    assert saved["tags"] == ["mobility", "Metropolis"]
    follow_ups = await client.get("/api/v1/follow-ups", params={"interaction_id": saved["id"]})
    assert [f["title"] for f in follow_ups.json()["items"]] == ["Send the minutes"]

    # The interaction's page tells the cities chosen from those its contacts brought.
    detail = await web.get(path)
    cities = detail.text.split('id="h-cities"')[1].split("</section>")[0]
    lines = [
        " ".join(html.unescape(re.sub(r"<[^>]+>", " ", li)).split())
        for li in re.findall(r"<li>(.*?)</li>", cities, re.S)
    ]
    assert lines == ["Barcelona", "Busan from Kim Min-jun", "Chișinău from Ion Popescu"]


async def test_unticking_a_chosen_contact_without_javascript_removes_it(web, client) -> None:
    ids = await _delegates(client)
    token = await web_sign_in(web, "editor")
    page = await web.post(
        "/interactions/new",
        data={
            "csrf_token": token,
            "kind": "meeting",
            "occurred_on": today(),
            "title": "Call",
            "contact_ids": [ids["Kadri Tamm"], ids["Thabo Nkosi"]],
            "pick.city_ids": "Tall",
        },
    )
    assert _from_contacts(page.text) == ["Tallinn from Kadri Tamm", "Johannesburg from Thabo Nkosi"]
    # Kadri unticked (her box not sent): she and her city are gone; Tallinn can be chosen.
    page = await web.post(
        "/interactions/new",
        data={
            "csrf_token": token,
            "kind": "meeting",
            "occurred_on": today(),
            "title": "Call",
            "contact_ids": [ids["Thabo Nkosi"]],
            "city_ids": [ids["Tallinn"]],
        },
    )
    assert page.status_code == 303, page.text
    saved = (await client.get(f"/api/v1{page.headers['location']}")).json()
    assert saved["contact_ids"] == [ids["Thabo Nkosi"]]
    assert saved["city_ids"] == [ids["Tallinn"], ids["Johannesburg"]]
    detail = await web.get(page.headers["location"])
    assert "from Thabo Nkosi" in detail.text and "from Kadri" not in detail.text


BAD_INPUTS = [
    ("no title", {"title": ""}, "field-title", "This field is required."),
    (
        "a bad date",
        {"occurred_on": "2026-13-45"},
        "field-occurred_on",
        "Enter a date (YYYY-MM-DD).",
    ),
    ("a bad kind", {"kind": "party"}, "field-kind", "Choose one of the options."),
    (
        "a follow-up with no due date",
        {"follow_up.due_on": ""},
        "field-follow-up-due",
        "This field is required.",
    ),
    (
        "a follow-up with no title",
        {"follow_up.title": ""},
        "field-follow-up-title",
        "This field is required.",
    ),
    (
        "a follow-up's bad date",
        {"follow_up.due_on": "soon"},
        "field-follow-up-due",
        "Enter a date (YYYY-MM-DD).",
    ),
    (
        "an unknown assignee",
        {"follow_up.assignee_id": "999999"},
        "field-follow-up-assignee",
        "This user cannot be given follow-ups: choose another.",
    ),
    (
        "an unknown contact",
        {"contact_ids": ["999999"]},
        "pick-contact_ids",
        "A chosen contact does not exist any more: it was taken off the list.",
    ),
    (
        "a contact id that is no number",
        {"contact_ids": ["abc"]},
        "pick-contact_ids",
        "Enter a whole number.",
    ),
    (
        "an unknown city",
        {"city_ids": ["999999"]},
        "pick-city_ids",
        "A chosen city does not exist any more: it was taken off the list.",
    ),
    (
        "an archived contact",
        {"contact_ids": ["archived"]},
        "pick-contact_ids",
        "Archived, so not linked to new interactions: Kadri Tamm. Remove it.",
    ),
]


@pytest.mark.parametrize(
    ("_case", "change", "field_id", "message"), BAD_INPUTS, ids=[case[0] for case in BAD_INPUTS]
)
async def test_every_bad_input_is_said_beside_its_field_and_keeps_the_rest(
    web, client, _case, change, field_id, message
) -> None:
    ids = await _delegates(client)
    await archive(client, "contacts", ids["Kadri Tamm"])
    token = await web_sign_in(web, "editor")
    form = {
        "csrf_token": token,
        "kind": "meeting",
        "occurred_on": today(),
        "title": "Delegation from Busan",
        "summary": "Notes I must not lose",
        "location": "City hall",
        "tags": "ports, twinning",
        "contact_ids": [str(ids["Kim Min-jun"])],
        "city_ids": [str(ids["Barcelona"])],
        "with_follow_up": "1",
        "follow_up.title": "Send the photos",
        "follow_up.due_on": today(3),
        "follow_up.notes": "Ask for the addresses",
    }
    for key, value in change.items():
        if value == ["archived"]:
            value = [str(ids["Kim Min-jun"]), str(ids["Kadri Tamm"])]
        elif isinstance(value, list):
            value = [*form[key], *value]
        form[key] = value
    page = await web.post("/interactions/new", data=form)
    assert page.status_code == 422, page.text
    assert _field_error(page.text, field_id) == message
    assert re.findall(r'<p class="field-error" id="([^"]+)-error">', page.text) == [field_id]
    assert "Please correct the marked fields." in page.text
    text = html.unescape(page.text)
    for name in ("title", "summary", "location", "tags", "follow_up.title", "follow_up.notes"):
        if name not in change:
            assert form[name] in text, name
    assert ids["Kim Min-jun"] in _ticked(page.text, "contact_ids")
    assert _ticked(page.text, "city_ids") == [ids["Barcelona"]]
    assert _from_contacts(page.text)[0] == "Busan from Kim Min-jun"
    assert 'name="with_follow_up" value="1" data-reveal="follow-up-fields" checked' in page.text
    assert (await client.get("/api/v1/interactions")).json()["total"] == 0
    assert (await client.get("/api/v1/follow-ups")).json()["total"] == 0


async def test_the_bad_links_are_said_in_chinese(web, client) -> None:
    ids = await _delegates(client)
    await archive(client, "contacts", ids["Kadri Tamm"])
    token = await web_sign_in(web, "editor")
    web.cookies.set("crm_lang", "zh_Hant_TW")
    form = {"csrf_token": token, "kind": "meeting", "occurred_on": today(), "title": "訪問"}
    page = await web.post("/interactions/new", data={**form, "contact_ids": ids["Kadri Tamm"]})
    assert _field_error(page.text, "pick-contact_ids") == (
        "已封存，無法連結到新的互動紀錄：Kadri Tamm。請將其移除。"
    )
    page = await web.post("/interactions/new", data={**form, "organization_ids": "999999"})
    assert _field_error(page.text, "pick-organization_ids") == (
        "所選的一個機構已不存在：已從清單中移除。"
    )
    page = await web.post("/interactions/new", data={**form, "pick.city_ids": "Busan"})
    assert "符合「Busan」的項目：勾選要加入的項目" in page.text
    assert _to_tick(page.text, "city_ids") == [ids["Busan"]]
