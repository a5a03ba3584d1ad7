"""A city's interactions count for the city's country as it is now: correcting (or clearing) a
city's country moves its interactions, old and new, between the engagement report's countries."""

from datetime import date

from app.reports import service as reports_service
from tests.factories import edit, make_city, make_contact, make_interaction


async def by_country(app) -> list[tuple[str | None, int]]:
    async with app.state.database.write_sessionmaker() as session:
        return await reports_service.engagement_by_country(
            session, start=date(2024, 1, 1), end=date(2024, 12, 31), home_city="Taipei"
        )


async def countries_engaged(client) -> int:
    response = await client.get("/api/v1/reports/engagement", params={"year": 2024})
    assert response.status_code == 200, response.text
    return response.json()["countries_engaged"]


async def test_a_city_country_change_moves_its_links_country(app, client) -> None:
    busan = await make_city(client, name="Busan", country_code="KR")
    helsinki = await make_city(client, name="Helsinki", country_code="FI")
    tallinn = await make_city(client, name="Tallinn", country_code="SE")  # a typo: it is EE
    kaja = await make_contact(client, full_name="Kaja Kallas", city_id=tallinn["id"])
    await make_interaction(client, occurred_on="2024-02-01", city_ids=[tallinn["id"]])
    await make_interaction(client, occurred_on="2024-03-01", contact_ids=[kaja["id"]])
    await make_interaction(
        client, occurred_on="2024-04-01", city_ids=[tallinn["id"], helsinki["id"]]
    )
    await make_interaction(client, occurred_on="2024-05-01", city_ids=[busan["id"]])
    assert await by_country(app) == [("SE", 3), ("FI", 1), ("KR", 1)]
    assert await countries_engaged(client) == 3

    await edit(client, "cities", tallinn["id"], country_code="EE")
    assert await by_country(app) == [("EE", 3), ("FI", 1), ("KR", 1)]

    # Made Finnish, it shares its April interaction with Helsinki: counted once for FI.
    await edit(client, "cities", tallinn["id"], country_code="FI")
    assert await by_country(app) == [("FI", 3), ("KR", 1)]
    assert await countries_engaged(client) == 2

    await edit(client, "cities", tallinn["id"], country_code=None)
    await make_interaction(client, occurred_on="2024-06-01", city_ids=[tallinn["id"]])
    assert await by_country(app) == [(None, 4), ("FI", 1), ("KR", 1)]
    assert await countries_engaged(client) == 2

    # The other cities' links are untouched, and a new link takes the city's country.
    await edit(client, "cities", tallinn["id"], country_code="EE")
    await make_interaction(client, occurred_on="2024-07-01", city_ids=[tallinn["id"]])
    assert await by_country(app) == [("EE", 5), ("FI", 1), ("KR", 1)]
