"""A city has at most one active partnership of each kind."""

from tests.factories import make_city, make_partnership
from tests.problems import assert_problem


async def test_a_second_active_partnership_of_the_same_kind_is_a_conflict(client):
    city = await make_city(client)
    first = await make_partnership(client, city["id"])
    response = await client.post(
        "/api/v1/partnerships", json={"city_id": city["id"], "kind": "sister_city"}
    )
    body = assert_problem(response, 409, "conflict")
    assert body["existing_id"] == first["id"]
    # Another kind, or an ended one of the same kind, is fine.
    await make_partnership(client, city["id"], kind="friendship_city")
    await make_partnership(client, city["id"], status="ended", signed_on="1950-01-01")


async def test_reactivating_or_restoring_into_a_duplicate_is_a_conflict(client):
    city = await make_city(client)
    ended = await make_partnership(client, city["id"], status="ended")
    active = await make_partnership(client, city["id"])
    response = await client.patch(f"/api/v1/partnerships/{ended['id']}", json={"status": "active"})
    assert assert_problem(response, 409)["existing_id"] == active["id"]

    await client.delete(f"/api/v1/partnerships/{active['id']}")
    replacement = await make_partnership(client, city["id"])
    response = await client.post(f"/api/v1/partnerships/{active['id']}/restore")
    assert assert_problem(response, 409)["existing_id"] == replacement["id"]

    other = await make_city(client, name="Dallas")
    moved = await make_partnership(client, other["id"])
    response = await client.patch(
        f"/api/v1/partnerships/{moved['id']}", json={"city_id": city["id"]}
    )
    assert assert_problem(response, 409)["existing_id"] == replacement["id"]
