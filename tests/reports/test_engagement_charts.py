"""The two queries behind the engagement page's charts (no API route shows them, so they are
called directly): interactions per month, and interactions per country."""

from datetime import date

from app.reports import service as reports_service
from tests.factories import archive, make_city, make_contact, make_interaction


async def seed(client) -> None:
    taipei = await make_city(client, name="Taipei", country_code="TW")  # the home city
    houston = await make_city(client, name="Houston", country_code="US")
    busan = await make_city(client, name="Busan", country_code="KR")
    ulsan = await make_city(client, name="Ulsan", country_code="KR")
    nowhere = await make_city(client, name="Atlantis", country_code=None)
    kim = await make_contact(client, full_name="Kim", city_id=busan["id"])
    for day, links in [
        ("2024-01-05", {"city_ids": [houston["id"]]}),
        ("2024-01-20", {"city_ids": [busan["id"], ulsan["id"]]}),  # once for KR
        ("2024-03-01", {"contact_ids": [kim["id"]]}),  # KR through its contact
        ("2024-03-02", {"city_ids": [taipei["id"]]}),  # only the home city: no country
        ("2024-03-03", {"city_ids": [nowhere["id"]]}),
        ("2023-12-31", {"city_ids": [houston["id"]]}),  # outside the period
    ]:
        await make_interaction(client, occurred_on=day, **links)
    gone = await make_interaction(client, occurred_on="2024-02-10", city_ids=[houston["id"]])
    await archive(client, "interactions", gone["id"])


async def test_interactions_per_month_lists_every_month(app, client) -> None:
    await seed(client)
    async with app.state.database.write_sessionmaker() as session:
        months = await reports_service.interactions_per_month(
            session, start=date(2023, 12, 15), end=date(2024, 4, 30)
        )
    assert months == [
        (date(2023, 12, 1), 1),
        (date(2024, 1, 1), 2),
        (date(2024, 2, 1), 0),  # its only interaction was archived
        (date(2024, 3, 1), 3),
        (date(2024, 4, 1), 0),
    ]


async def test_engagement_by_country_counts_interactions_once(app, client) -> None:
    await seed(client)
    async with app.state.database.write_sessionmaker() as session:
        countries = await reports_service.engagement_by_country(
            session, start=date(2024, 1, 1), end=date(2024, 12, 31), home_city="Taipei"
        )
    assert countries == [("KR", 2), ("US", 1), (None, 1)]
