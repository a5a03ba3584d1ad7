"""The city pages without a browser: filters, the forms' inline errors, roles."""

import re

from tests.factories import make_city, make_contact, make_organization, make_partnership
from tests.web.conftest import csrf_of, web_sign_in


def names_in(html: str) -> list[str]:
    """The cities a list page shows, in order."""
    return re.findall(r'<a href="/cities/\d+">([^<]+)</a>', html)


async def test_the_list_filters_by_country_kind_and_dormant(web, client) -> None:
    busan = await make_city(client, name="Busan", country_code="KR", alternate_names=["釜山"])
    johannesburg = await make_city(client, name="Johannesburg", country_code="ZA")
    await make_city(client, name="Houston", country_code="US")
    await make_partnership(client, johannesburg["id"], kind="sister_city", signed_on="1990-05-01")
    await make_partnership(client, busan["id"], kind="friendship_city", signed_on="2020-01-01")
    await client.post(
        "/api/v1/interactions",
        json={
            "kind": "meeting",
            "occurred_on": "2025-11-01",
            "title": "Visit",
            "city_ids": [busan["id"]],
        },
    )
    await web_sign_in(web, "viewer")

    everything = await web.get("/cities")
    assert everything.status_code == 200
    assert names_in(everything.text) == ["Busan", "Houston", "Johannesburg"]
    assert "South Africa" in everything.text  # the country filter offers the countries present
    assert await names(web, sort="-name") == ["Johannesburg", "Houston", "Busan"]
    assert await names(web, country_code="ZA") == ["Johannesburg"]
    assert await names(web, country_code="", partnership_kind="") == [
        "Busan",
        "Houston",
        "Johannesburg",
    ]
    assert await names(web, partnership_kind="friendship_city") == ["Busan"]
    assert await names(web, dormant="true") == ["Johannesburg"]
    assert await names(web, dormant="true", country_code="KR") == []
    assert await names(web, q="釜山") == ["Busan"]

    unknown = await web.get("/cities", params={"colour": "red"})
    assert unknown.status_code == 422


async def names(web, **params: str) -> list[str]:
    response = await web.get("/cities", params=params)
    assert response.status_code == 200, response.text
    return names_in(response.text)


async def test_the_city_page_shows_names_partnerships_contacts_and_organizations(
    web, client
) -> None:
    busan = await make_city(
        client, name="Busan", country_code="KR", region="Gyeongsang", alternate_names=["부산"]
    )
    await make_partnership(client, busan["id"], kind="sister_city", signed_on="1966-06-30")
    await make_contact(client, full_name="Park Hyun-woo", city_id=busan["id"], position="Mayor")
    network = await make_organization(client, name="Asian Cities Network", acronym="ACN")
    response = await client.post(
        f"/api/v1/organizations/{network['id']}/members", json={"city_id": busan["id"]}
    )
    assert response.status_code in (200, 201), response.text
    await web_sign_in(web, "viewer")

    page = await web.get(f"/cities/{busan['id']}")
    assert page.status_code == 200
    html = page.text
    for text in ("부산", "Gyeongsang", "South Korea", "Sister city", "Jun 30, 1966", "Mayor"):
        assert text in html, text
    assert "Park Hyun-woo" in html and "Asian Cities Network" in html
    assert f'hx-get="/timeline/city/{busan["id"]}"' in html
    assert f'hx-get="/history/city/{busan["id"]}"' in html
    assert "Add partnership" not in html  # a viewer

    assert (await web.get("/cities/999999")).status_code == 404


async def test_adding_a_partnership_shows_each_error_beside_its_field(web, client) -> None:
    busan = await make_city(client, name="Busan", country_code="KR")
    token = await web_sign_in(web, "editor")
    url = f"/cities/{busan['id']}/partnerships"

    missing = await web.post(url, data={"csrf_token": token, "signed_on": "30/06/1966"})
    assert missing.status_code == 422
    assert 'id="field-kind-error"' in missing.text
    assert "This field is required." in missing.text
    assert "Enter a date (YYYY-MM-DD)." in missing.text
    assert 'value="30/06/1966"' in missing.text  # what was typed stays

    added = await web.post(
        url, data={"csrf_token": token, "kind": "sister_city", "signed_on": "1966-06-30"}
    )
    assert added.status_code == 303
    assert added.headers["location"] == f"/cities/{busan['id']}"
    page = await web.get(f"/cities/{busan['id']}")
    assert "Partnership with Busan added." in page.text and "Jun 30, 1966" in page.text

    twice = await web.post(
        url,
        data={"csrf_token": token, "kind": "sister_city", "notes": "again"},
    )
    assert twice.status_code == 409
    assert "already has an active partnership of this kind" in twice.text
    assert ">again</textarea>" in twice.text

    ended = await web.post(
        url, data={"csrf_token": token, "kind": "sister_city", "status": "ended"}
    )
    assert ended.status_code == 303


async def test_the_home_city_gets_no_partnership(web, client) -> None:
    taipei = await make_city(client, name="Taipei", country_code="TW")
    token = await web_sign_in(web, "editor")
    response = await web.post(
        f"/cities/{taipei['id']}/partnerships", data={"csrf_token": token, "kind": "sister_city"}
    )
    assert response.status_code == 422
    assert "No partnership can be added to this city." in response.text


async def test_a_viewer_cannot_add_a_partnership_or_a_city(web, client) -> None:
    busan = await make_city(client, name="Busan", country_code="KR")
    token = await web_sign_in(web, "viewer")
    response = await web.post(
        f"/cities/{busan['id']}/partnerships", data={"csrf_token": token, "kind": "sister_city"}
    )
    assert response.status_code == 403
    assert (await web.get("/cities/new")).status_code == 403
    response = await web.post("/cities/new", data={"csrf_token": token, "name": "Osaka"})
    assert response.status_code == 403
    assert "New city" not in (await web.get("/cities")).text


async def test_a_new_city_and_its_duplicate(web, client) -> None:
    token = await web_sign_in(web, "editor")
    form = await web.get("/cities/new")
    assert form.status_code == 200
    assert '<option value="KR">South Korea</option>' in form.text

    empty = await web.post("/cities/new", data={"csrf_token": token, "region": "Kansai"})
    assert empty.status_code == 422
    assert 'id="field-name-error"' in empty.text and 'value="Kansai"' in empty.text

    created = await web.post(
        "/cities/new",
        data={
            "csrf_token": token,
            "name": "Busan",
            "country_code": "KR",
            "alternate_names": "부산\n釜山\n",
        },
    )
    assert created.status_code == 303
    city_url = created.headers["location"]
    city = await client.get("/api/v1" + city_url)
    assert city.json()["alternate_names"] == ["부산", "釜山"]

    again = await web.post(
        "/cities/new",
        data={"csrf_token": csrf_of(form.text), "name": "부산", "country_code": "KR"},
    )
    assert again.status_code == 409
    assert "A city with this name already exists in this country." in again.text
    assert f'href="{city_url}"' in again.text


async def test_the_pages_in_chinese(web, client) -> None:
    busan = await make_city(client, name="Busan", country_code="KR")
    await make_partnership(client, busan["id"], kind="sister_city", signed_on="1966-06-30")
    token = await web_sign_in(web, "editor")
    await web.post("/language", data={"csrf_token": token, "language": "zh_Hant_TW", "next": "/"})
    listing = await web.get("/cities")
    assert "南韓" in listing.text and "姊妹市" in listing.text
    assert "共 1 個城市" in listing.text
    page = await web.get(f"/cities/{busan['id']}")
    assert "新增夥伴關係" in page.text and "1966年6月30日" in page.text
    assert "週年" in page.text  # a plural message (60-odd years), translated too


async def test_the_list_pages_keep_the_filters(web, client) -> None:
    for number in range(52):
        await make_city(client, name=f"Ciudad {number:02d}", country_code="MX")
    await make_city(client, name="Lyon", country_code="FR")
    await web_sign_in(web, "viewer")
    first = await web.get("/cities", params={"country_code": "MX"})
    assert "52 cities" in first.text and "Page 1 of 2" in first.text
    assert names_in(first.text)[0] == "Ciudad 00" and len(names_in(first.text)) == 50
    assert 'href="/cities?page=2&amp;country_code=MX"' in first.text
    second = await web.get("/cities", params={"country_code": "MX", "page": "2"})
    assert names_in(second.text) == ["Ciudad 50", "Ciudad 51"]
    assert "Previous page" in second.text and "Next page" not in second.text
