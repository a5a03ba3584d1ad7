"""Archiving an interaction takes it out of the engagement report, and restoring it brings it
back: the report leaves archived interactions out from their own index, with nothing on the
links to keep in step."""

from datetime import date

from app.reports import service as reports_service
from tests.factories import archive, make_city, make_contact, make_interaction, make_organization

YEAR = {"year": 2024}


async def _report(client) -> dict:
    response = await client.get("/api/v1/reports/engagement", params=YEAR)
    assert response.status_code == 200, response.text
    return response.json()


async def _charts(app) -> tuple[list, list]:
    start, end = date(2024, 1, 1), date(2024, 12, 31)
    async with app.state.database.write_sessionmaker() as session:
        months = await reports_service.interactions_per_month(session, start=start, end=end)
        countries = await reports_service.engagement_by_country(
            session, start=start, end=end, home_city="Taipei"
        )
    return [n for _, n in months], countries


async def test_archive_and_restore_change_the_engagement_report(client, app) -> None:
    await make_city(client, name="Taipei", country_code="TW")
    busan = await make_city(client, name="Busan", country_code="KR")
    houston = await make_city(client, name="Houston", country_code="US")
    kim = await make_contact(client, full_name="Kim", city_id=busan["id"])
    metropolis = await make_organization(client)
    await make_interaction(client, occurred_on="2024-03-05", city_ids=[houston["id"]])
    # Busan directly and through Kim, and Houston: a meeting with an organization.
    visit = await make_interaction(
        client,
        occurred_on="2024-05-20",
        city_ids=[busan["id"], houston["id"]],
        contact_ids=[kim["id"]],
        organization_ids=[metropolis["id"]],
    )

    def busy_months(*counts: int) -> list[int]:
        return [0, 0, counts[0], 0, counts[1], *[0] * 7]

    before = await _report(client)
    assert before["cities_engaged"] == 2 and before["countries_engaged"] == 2
    assert before["interactions_by_kind"]["meeting"] == 2
    assert before["organization_meetings"] == 1
    assert [(c["name"], c["interactions"]) for c in before["most_engaged_cities"]] == [
        ("Houston", 2),
        ("Busan", 1),
    ]
    assert await _charts(app) == (busy_months(1, 1), [("US", 2), ("KR", 1)])

    await archive(client, "interactions", visit["id"])
    archived = await _report(client)
    assert archived["cities_engaged"] == 1 and archived["countries_engaged"] == 1
    assert archived["interactions_by_kind"]["meeting"] == 1
    assert archived["organization_meetings"] == 0
    assert archived["most_engaged_cities"] == [
        {"city_id": houston["id"], "name": "Houston", "interactions": 1}
    ]
    assert await _charts(app) == (busy_months(1, 0), [("US", 1)])

    response = await client.post(f"/api/v1/interactions/{visit['id']}/restore")
    assert response.status_code == 200, response.text
    assert await _report(client) == before
    assert await _charts(app) == (busy_months(1, 1), [("US", 2), ("KR", 1)])
