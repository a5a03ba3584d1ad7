"""Organizations in the web app, and the timeline partial."""

import httpx

from tests.factories import make_city, make_contact, make_interaction, make_organization
from tests.web.conftest import web_sign_in


async def test_list_page_and_new_form(web: httpx.AsyncClient, client: httpx.AsyncClient) -> None:
    busan = await make_city(client, name="Busan", country_code="KR")
    uclg = await make_organization(
        client, name="United Cities", acronym="UCLG", kind="city_network"
    )
    await make_organization(client, name="Acme", kind="company")
    await client.post(f"/api/v1/organizations/{uclg['id']}/members", json={"city_id": busan["id"]})
    await make_contact(client, full_name="Kim Min-jun", organization_id=uclg["id"])
    token = await web_sign_in(web, "editor")
    page = await web.get("/organizations", params={"kind": "city_network", "q": ""})
    assert "United Cities" in page.text and "Acme" not in page.text
    page = await web.get(f"/organizations/{uclg['id']}")
    assert "UCLG" in page.text and "City network" in page.text
    assert "Busan" in page.text and "Kim Min-jun" in page.text
    response = await web.post(
        "/organizations/new", data={"csrf_token": token, "name": "united cities"}
    )
    assert response.status_code == 422
    assert "Another organization already has this name" in response.text
    response = await web.post(
        "/organizations/new",
        data={"csrf_token": token, "name": "Eurocities", "kind": "city_network", "website": "x"},
    )
    assert response.status_code == 422 and 'value="Eurocities"' in response.text
    response = await web.post(
        "/organizations/new", data={"csrf_token": token, "name": "Eurocities", "kind": "ngo"}
    )
    assert response.status_code == 303


async def test_timeline_partial_pages_with_more(
    web: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    busan = await make_city(client, name="Busan", country_code="KR")
    kim = await make_contact(client, full_name="Kim Min-jun", city_id=busan["id"])
    for day in range(1, 23):
        await make_interaction(
            client,
            title=f"Call {day:02d}",
            occurred_on=f"2026-01-{day:02d}",
            contact_ids=[kim["id"]],
            city_ids=[busan["id"]],
        )
    await web_sign_in(web, "viewer")
    first = await web.get(f"/timeline/contact/{kim['id']}")
    assert first.status_code == 200
    assert "Call 22" in first.text and "Call 02" not in first.text
    assert f"/timeline/contact/{kim['id']}?offset=20" in first.text
    more = await web.get(f"/timeline/contact/{kim['id']}", params={"offset": 20})
    assert "Call 02" in more.text and "Call 01" in more.text and "offset=" not in more.text
    city = await web.get(f"/timeline/city/{busan['id']}")
    assert "Kim Min-jun" in city.text
    assert (await web.get("/timeline/event/1")).status_code == 400


async def test_history_of_other_records_reads_as_sentences(
    web: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    busan = await make_city(client, name="Busan", country_code="KR")
    uclg = await make_organization(client, name="UCLG", kind="city_network")
    await client.post(f"/api/v1/organizations/{uclg['id']}/members", json={"city_id": busan["id"]})
    await client.patch(f"/api/v1/cities/{busan['id']}", json={"population": 3300000})
    token = await web_sign_in(web, "editor")
    history = await web.get(f"/history/organization/{uclg['id']}")
    assert "Member cities:" in history.text and "Busan" in history.text
    assert "City network" in history.text
    await web.post("/language", data={"language": "zh_Hant_TW", "next": "/", "csrf_token": token})
    history = await web.get(f"/history/city/{busan['id']}")
    assert "人口：" in history.text and "3,300,000" in history.text
    assert "國家：" in history.text and "南韓" in history.text
    assert (await web.get("/history/planet/1")).status_code == 400
