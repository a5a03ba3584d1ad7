"""The search page and the header's suggestions without a browser: any script, every kind of
record, enough context to tell two people apart."""

from tests.factories import make_city, make_contact, make_event, make_organization
from tests.web.conftest import web_sign_in


async def test_any_script_finds_the_city(web, client) -> None:
    busan = await make_city(
        client, name="Busan", country_code="KR", alternate_names=["부산", "釜山"]
    )
    brussels = await make_city(
        client, name="Brussels", country_code="BE", alternate_names=["Bruxelles", "布魯塞爾"]
    )
    await make_city(client, name="臺北", country_code="TW", alternate_names=["Taipei City"])
    await web_sign_in(web, "viewer")
    for term, expected in [
        ("釜山", f'href="/cities/{busan["id"]}">Busan<'),
        ("busan", f'href="/cities/{busan["id"]}">Busan<'),
        ("Bruxelles", f'href="/cities/{brussels["id"]}">Brussels<'),
        ("布魯塞爾", f'href="/cities/{brussels["id"]}">Brussels<'),
        ("布鲁塞尔", f'href="/cities/{brussels["id"]}">Brussels<'),
        ("台北", ">臺北<"),
    ]:
        page = await web.get("/search", params={"q": term})
        assert page.status_code == 200
        assert expected in page.text, term
    page = await web.get("/search", params={"q": "busan"})
    assert "South Korea" in page.text and "부산 / 釜山" in page.text


async def test_results_tell_two_people_apart(web, client) -> None:
    seoul = await make_city(client, name="Seoul", country_code="KR")
    busan = await make_city(client, name="Busan", country_code="KR")
    network = await make_organization(client, name="Asian Mayors Forum", acronym="AMF")
    await make_contact(
        client,
        full_name="Kim Min-jun",
        position="Director",
        city_id=seoul["id"],
        organization_id=network["id"],
        email="minjun@seoul.example",
    )
    await make_contact(
        client, full_name="Kim Min-jun", city_id=busan["id"], email="mj.kim@busan.example"
    )
    await make_event(client, name="Asian Mayors Summit", starts_on="2026-03-18")
    await web_sign_in(web, "viewer")

    page = await web.get("/search", params={"q": "kim min"})
    assert "Director · Asian Mayors Forum · Seoul · minjun@seoul.example" in page.text
    assert "Busan · mj.kim@busan.example" in page.text
    assert "2 results for “kim min”" in page.text

    page = await web.get("/search", params={"q": "asian mayors"})
    assert "AMF · City network" in page.text
    assert ">Asian Mayors Summit<" in page.text and "Mar 18, 2026" in page.text
    for heading in ("Organizations", "Events"):
        assert f">{heading} <" in page.text


async def test_empty_and_unmatched_searches_say_so(web, client) -> None:
    await web_sign_in(web, "viewer")
    empty = await web.get("/search")
    assert empty.status_code == 200
    assert "Type a name, an e-mail address or a part of one, then search." in empty.text
    blank = await web.get("/search", params={"q": "  "})
    assert "Type a name" in blank.text
    none = await web.get("/search", params={"q": "Atlantis"})
    assert "Nothing matches “Atlantis”." in none.text
    assert 'value="Atlantis"' in none.text  # the header's box keeps the term


async def test_suggestions_are_a_short_partial(web, client) -> None:
    busan = await make_city(
        client, name="Busan", country_code="KR", alternate_names=["부산", "釜山"]
    )
    await web_sign_in(web, "viewer")
    response = await web.get(
        "/search/suggest", params={"q": "釜山"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "<html" not in response.text
    assert f'<a href="/cities/{busan["id"]}">Busan' in response.text
    assert 'href="/search?q=%E9%87%9C%E5%B1%B1"' in response.text  # all results
    assert (await web.get("/search/suggest", params={"q": ""})).text == ""
    nothing = await web.get("/search/suggest", params={"q": "Atlantis"})
    assert "No suggestions. Press Enter to search." in nothing.text


async def test_search_needs_a_session(web) -> None:
    response = await web.get("/search", params={"q": "busan"})
    assert response.status_code == 303
    assert response.headers["location"].startswith("/sign-in?next=")
