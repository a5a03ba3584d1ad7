"""A city is entered once: the same folded name in the same country (and region) is a 409
naming the existing city, on create, on a change that makes a duplicate, and on restore."""

import pytest

from tests.factories import make_city
from tests.problems import assert_problem


async def _create(client, **body):
    return await client.post("/api/v1/cities", json={"country_code": "TW", **body})


@pytest.mark.parametrize("name", ["Taichung", "TAICHUNG", " taichung ", "Taichūng", "臺中", "台中"])
async def test_same_folded_name_in_the_same_country_is_a_conflict(client, name):
    existing = await make_city(client, name="Taichung", alternate_names=["臺中"], country_code="TW")
    body = assert_problem(await _create(client, name=name), 409, "conflict")
    assert body["existing_id"] == existing["id"]
    assert str(existing["id"]) in body["detail"]
    assert (await client.get("/api/v1/cities")).json()["total"] == 1


async def test_traditional_and_simplified_names_are_one_name(client):
    existing = await make_city(client, name="臺中", country_code="TW")
    body = assert_problem(await _create(client, name="台中"), 409)
    assert body["existing_id"] == existing["id"]


async def test_a_new_alternate_name_matching_an_existing_name_is_a_conflict(client):
    existing = await make_city(client, name="Kaohsiung", country_code="TW")
    response = await _create(client, name="高雄", alternate_names=["Kaohsiung City", "kaohsiung"])
    assert assert_problem(response, 409)["existing_id"] == existing["id"]


async def test_another_country_or_another_region_is_another_city(client):
    await make_city(client, name="Springfield", country_code="US", region="Illinois")
    assert (await _create(client, name="Springfield", country_code="GB")).status_code == 201
    response = await _create(client, name="Springfield", country_code="US", region="Massachusetts")
    assert response.status_code == 201, response.text
    # Without a region it could be either of them: refused.
    assert_problem(await _create(client, name="springfield", country_code="US"), 409)
    assert_problem(
        await _create(client, name="Springfield", country_code="US", region="illinois"), 409
    )


async def test_an_archived_city_does_not_block_but_cannot_come_back_over_a_new_one(client):
    old = await make_city(client, name="Tallinn", country_code="EE")
    assert (await client.delete(f"/api/v1/cities/{old['id']}")).status_code == 200
    new = (await _create(client, name="TALLINN", country_code="EE")).json()
    body = assert_problem(await client.post(f"/api/v1/cities/{old['id']}/restore"), 409)
    assert body["existing_id"] == new["id"]
    assert (await client.get(f"/api/v1/cities/{old['id']}")).json()["archived_at"] is not None


async def test_a_change_that_makes_a_duplicate_is_a_conflict(client):
    busan = await make_city(client, name="Busan", country_code="KR")
    other = await make_city(client, name="Incheon", country_code="KR")
    response = await client.patch(f"/api/v1/cities/{other['id']}", json={"name": "busan"})
    assert assert_problem(response, 409)["existing_id"] == busan["id"]
    response = await client.patch(
        f"/api/v1/cities/{other['id']}", json={"alternate_names": ["Busan"]}
    )
    assert_problem(response, 409)
    assert (await client.get(f"/api/v1/cities/{other['id']}")).json()["version"] == 1
    # Changing something else, or the city's own name's spelling, is fine.
    response = await client.patch(f"/api/v1/cities/{busan['id']}", json={"name": "BUSAN"})
    assert response.status_code == 200, response.text
    response = await client.patch(f"/api/v1/cities/{other['id']}", json={"population": 3})
    assert response.status_code == 200, response.text
