"""An organization is entered once: the same folded name or acronym is a 409."""

from tests.factories import make_organization
from tests.problems import assert_problem


async def test_same_folded_name_or_acronym_is_a_conflict(client):
    iclei = await make_organization(
        client, name="ICLEI – Local Governments for Sustainability", acronym="ICLEI"
    )
    for body in (
        {"name": "iclei – local governments for sustainability"},
        {"name": "Something else", "acronym": "iclei"},
    ):
        response = await client.post("/api/v1/organizations", json={"kind": "city_network", **body})
        problem = assert_problem(response, 409, "conflict")
        assert problem["existing_id"] == iclei["id"]
    assert (await client.get("/api/v1/organizations")).json()["total"] == 1


async def test_chinese_scripts_fold_together(client):
    existing = await make_organization(client, name="臺北市政府", acronym=None)
    response = await client.post("/api/v1/organizations", json={"name": "台北市政府"})
    assert assert_problem(response, 409)["existing_id"] == existing["id"]


async def test_change_and_restore_are_checked_too(client):
    metropolis = await make_organization(client, name="Metropolis", acronym="WAMM")
    uclg = await make_organization(client, name="United Cities and Local Governments")
    response = await client.patch(f"/api/v1/organizations/{uclg['id']}", json={"acronym": "wamm"})
    assert assert_problem(response, 409)["existing_id"] == metropolis["id"]
    response = await client.patch(f"/api/v1/organizations/{uclg['id']}", json={"acronym": "UCLG"})
    assert response.status_code == 200, response.text

    await client.delete(f"/api/v1/organizations/{metropolis['id']}")
    again = await make_organization(client, name="METROPOLIS")
    response = await client.post(f"/api/v1/organizations/{metropolis['id']}/restore")
    assert assert_problem(response, 409)["existing_id"] == again["id"]


async def test_organizations_without_acronyms_do_not_clash(client):
    await make_organization(client, name="One", acronym=None)
    assert (await client.post("/api/v1/organizations", json={"name": "Two"})).status_code == 201
