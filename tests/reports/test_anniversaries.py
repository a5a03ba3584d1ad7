from app.clock import DEFAULT_TIME_ZONE, date_in
from tests.factories import archive, archive_city_only, edit, make_city, make_partnership
from tests.problems import problem_parameters
from tests.reading import report


async def anniversaries(client, **params) -> list[tuple[str, str, int, bool]]:
    """(city, anniversary_on, years, milestone) of each item, in order."""
    body = await report(client, "anniversaries", **params)
    assert set(body) == {"items"}
    return [
        (i["city"]["name"], i["anniversary_on"], i["years"], i["milestone"]) for i in body["items"]
    ]


async def partner(client, name: str, signed_on: str | None, **overrides) -> dict:
    city = await make_city(client, name=name)
    return await make_partnership(client, city["id"], signed_on=signed_on, **overrides)


async def test_anniversaries_in_the_next_year_soonest_first(client, viewer):
    houston = await partner(client, "Houston", "1961-06-15")
    await partner(client, "Busan", "1966-12-20", kind="friendship_city")
    await partner(client, "Mbabane", "2000-03-03")

    assert await anniversaries(client, as_of="2026-01-01") == [
        ("Mbabane", "2026-03-03", 26, False),
        ("Houston", "2026-06-15", 65, True),
        ("Busan", "2026-12-20", 60, True),
    ]
    body = await report(viewer, "anniversaries", as_of="2026-01-01", within_days=200)
    [item] = [i for i in body["items"] if i["city"]["name"] == "Houston"]
    assert item["partnership"]["id"] == houston["id"]
    assert item["partnership"]["kind"] == "sister_city"
    assert item["partnership"]["signed_on"] == "1961-06-15"
    assert item["city"]["id"] == houston["city_id"] and item["city"]["country_code"] == "US"


async def test_leap_day_signings(client):
    await partner(client, "Leap", "2000-02-29")
    assert await anniversaries(client, as_of="2026-01-01", within_days=90) == [
        ("Leap", "2026-02-28", 26, False)
    ]
    assert await anniversaries(client, as_of="2028-01-01", within_days=90) == [
        ("Leap", "2028-02-29", 28, False)
    ]
    # In a non-leap year the 28th is the day: a window starting on 1 March misses it.
    assert await anniversaries(client, as_of="2026-03-01", within_days=300) == []


async def test_window_edges_are_included(client):
    await partner(client, "Houston", "1961-06-15")
    expected = [("Houston", "2026-06-15", 65, True)]
    assert await anniversaries(client, as_of="2026-06-15", within_days=0) == expected
    # 365 days on is the next anniversary: both ends of the window count.
    assert await anniversaries(client, as_of="2026-06-15") == [
        *expected,
        ("Houston", "2027-06-15", 66, False),
    ]
    assert await anniversaries(client, as_of="2026-06-15", within_days=364) == expected
    assert await anniversaries(client, as_of="2026-06-05", within_days=10) == expected
    assert await anniversaries(client, as_of="2026-06-05", within_days=9) == []
    assert await anniversaries(client, as_of="2026-06-16", within_days=300) == []


async def test_a_long_window_lists_every_anniversary(client):
    await partner(client, "Houston", "1961-06-15")
    await partner(client, "Busan", "1966-12-20")
    assert await anniversaries(client, as_of="2026-01-01", within_days=900) == [
        ("Houston", "2026-06-15", 65, True),
        ("Busan", "2026-12-20", 60, True),
        ("Houston", "2027-06-15", 66, False),
        ("Busan", "2027-12-20", 61, False),
        ("Houston", "2028-06-15", 67, False),
    ]
    items = await anniversaries(client, as_of="2026-01-01", within_days=3660)
    assert len(items) == 20
    assert items[-1] == ("Busan", "2035-12-20", 69, False)


async def test_the_signing_itself_is_no_anniversary(client):
    await partner(client, "New", "2026-03-01")
    assert await anniversaries(client, as_of="2026-01-01") == []
    assert (await anniversaries(client, as_of="2026-01-01", within_days=3660))[:1] == [
        ("New", "2027-03-01", 1, False)
    ]
    assert (await anniversaries(client, as_of="2026-01-01", within_days=1900))[-1] == (
        "New",
        "2031-03-01",
        5,
        True,
    )


async def test_undated_inactive_and_archived_partnerships_are_left_out(client):
    await partner(client, "Undated", None)
    await partner(client, "Suspended", "1961-06-15", status="suspended")
    await partner(client, "Ended", "1961-06-15", status="ended")
    archived = await partner(client, "Archived Partnership", "1961-06-15")
    archived_city = await partner(client, "Archived City", "1961-06-15")
    resumed = await partner(client, "Resumed", "1961-06-15", status="suspended")
    await archive(client, "partnerships", archived["id"])
    await archive_city_only(client, archived_city["city_id"])
    assert await anniversaries(client, as_of="2026-01-01") == []

    await edit(client, "partnerships", resumed["id"], status="active")
    assert await anniversaries(client, as_of="2026-01-01") == [("Resumed", "2026-06-15", 65, True)]


async def test_defaults_to_a_year_from_today(client):
    today = date_in(DEFAULT_TIME_ZONE)
    # Eight years back: a leap year whenever today is one (so 29 February works too).
    signed = today.replace(year=today.year - 8)
    await partner(client, "Today", signed.isoformat())
    item = (await anniversaries(client))[0]
    assert item[1] == today.isoformat() and item[2] == today.year - signed.year


async def test_parameters_are_validated(client):
    url = "/api/v1/reports/anniversaries"
    for value in ("-1", "3661", "soon"):
        response = await client.get(url, params={"within_days": value})
        assert problem_parameters(response) == {"within_days"}, value
    assert problem_parameters(await client.get(url, params={"as_of": "2026-13-01"})) == {"as_of"}
    assert (await client.get(url, params={"within_days": 3660})).status_code == 200
    # The window may run to the end of the calendar.
    response = await client.get(url, params={"as_of": "9999-12-01", "within_days": 3660})
    assert response.status_code == 200, response.text
