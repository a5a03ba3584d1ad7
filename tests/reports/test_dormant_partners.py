import csv
import io
from datetime import date, timedelta

from app.clock import DEFAULT_TIME_ZONE, date_in
from app.db import utcnow
from app.follow_ups.models import FollowUp, FollowUpStatus
from tests.factories import (
    archive,
    archive_city_only,
    insert,
    make_city,
    make_contact,
    make_interaction,
    make_partnership,
)
from tests.problems import PROBLEM_JSON, problem_parameters
from tests.reading import BOM

AS_OF = "2026-01-01"


async def dormant(client, **params):
    response = await client.get("/api/v1/reports/dormant-partners", params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == len(body["items"])
    return body


def names(body) -> list[str]:
    return [item["city"]["name"] for item in body["items"]]


async def partner(client, name: str, country_code: str = "US", **partnership) -> dict:
    city = await make_city(client, name=name, country_code=country_code)
    await make_partnership(client, city["id"], **partnership)
    return city


async def test_never_contacted_first_then_the_longest_dormant(client):
    houston = await partner(client, "Houston")
    ankara = await partner(client, "Ankara", "TR")
    busan = await partner(client, "Busan", "KR", signed_on="1966-12-20")
    johannesburg = await partner(client, "Johannesburg", "ZA", kind="friendship_city")
    recent = await partner(client, "Kaohsiung", "TW")
    await make_interaction(client, occurred_on="2020-05-01", city_ids=[busan["id"]])
    await make_interaction(client, occurred_on="2019-01-01", city_ids=[busan["id"]])
    await make_interaction(client, occurred_on="2023-06-01", city_ids=[johannesburg["id"]])
    await make_interaction(client, occurred_on="2025-06-01", city_ids=[recent["id"]])

    body = await dormant(client, as_of=AS_OF)
    assert names(body) == ["Ankara", "Houston", "Busan", "Johannesburg"]
    by_name = {item["city"]["name"]: item for item in body["items"]}
    assert by_name["Houston"]["city"]["id"] == houston["id"]
    assert by_name["Houston"]["city"]["country_code"] == "US"
    assert by_name["Ankara"]["city"]["id"] == ankara["id"]
    assert by_name["Houston"]["last_interaction_on"] is None
    assert by_name["Houston"]["days_inactive"] is None
    assert by_name["Busan"]["last_interaction_on"] == "2020-05-01"
    assert by_name["Busan"]["days_inactive"] == (date(2026, 1, 1) - date(2020, 5, 1)).days
    assert by_name["Johannesburg"]["days_inactive"] == (date(2026, 1, 1) - date(2023, 6, 1)).days
    [partnership] = by_name["Busan"]["partnerships"]
    assert partnership["kind"] == "sister_city" and partnership["signed_on"] == "1966-12-20"
    assert partnership["city_id"] == busan["id"] and partnership["status"] == "active"
    assert [p["kind"] for p in by_name["Johannesburg"]["partnerships"]] == ["friendship_city"]
    assert by_name["Houston"]["active_contacts"] == 0
    assert by_name["Houston"]["open_follow_ups"] == 0


async def test_as_of_makes_the_report_reproducible(client):
    busan = await partner(client, "Busan", "KR")
    await make_interaction(client, occurred_on="2023-06-01", city_ids=[busan["id"]])
    before = await dormant(client, as_of=AS_OF)
    assert names(before) == ["Busan"]

    # What happens after as_of does not change the report about as_of.
    today = date_in(DEFAULT_TIME_ZONE)
    await make_interaction(client, occurred_on=today.isoformat(), city_ids=[busan["id"]])
    assert await dormant(client, as_of=AS_OF) == before
    # Today Busan is no longer dormant, and today is the default.
    assert names(await dormant(client)) == []
    assert names(await dormant(client, as_of=today.isoformat())) == []


async def test_inactive_days_draw_the_line(client, app):
    busan = await partner(client, "Busan", "KR")
    await make_interaction(client, occurred_on="2025-12-02", city_ids=[busan["id"]])
    # 30 days before as_of is still within 30 days; 29 are not enough.
    assert names(await dormant(client, as_of=AS_OF, inactive_days=30)) == []
    body = await dormant(client, as_of=AS_OF, inactive_days=29)
    assert names(body) == ["Busan"] and body["items"][0]["days_inactive"] == 30
    # The default is CRM_DORMANT_AFTER_DAYS.
    assert app.state.settings.dormant_after_days == 730
    assert names(await dormant(client, as_of="2027-12-02")) == []
    assert names(await dormant(client, as_of="2027-12-03")) == ["Busan"]


async def test_kind_filter_is_repeatable(client):
    await partner(client, "Houston", kind="sister_city")
    await partner(client, "Busan", "KR", kind="friendship_city")
    await partner(client, "Ankara", "TR", kind="cooperation_agreement")
    both = await partner(client, "Johannesburg", "ZA", kind="cooperation_agreement")
    await make_partnership(client, both["id"], kind="sister_city", signed_on="1975-11-11")

    assert names(await dormant(client, as_of=AS_OF)) == [
        "Ankara",
        "Busan",
        "Houston",
        "Johannesburg",
    ]
    body = await dormant(client, as_of=AS_OF, kind="sister_city")
    assert names(body) == ["Houston", "Johannesburg"]
    # Only the partnerships of the asked-for kinds are listed.
    assert [p["kind"] for p in body["items"][1]["partnerships"]] == ["sister_city"]
    response = await client.get(
        "/api/v1/reports/dormant-partners",
        params=[("as_of", AS_OF), ("kind", "sister_city"), ("kind", "friendship_city")],
    )
    assert response.status_code == 200, response.text
    assert names(response.json()) == ["Busan", "Houston", "Johannesburg"]

    response = await client.get("/api/v1/reports/dormant-partners", params={"kind": "twin_town"})
    assert problem_parameters(response) == {"kind.0"}


async def test_only_live_active_partnerships_of_live_cities_count(client):
    suspended = await partner(client, "Suspended", status="suspended")
    ended = await partner(client, "Ended", status="ended")
    await partner(client, "Archived City")
    live = await partner(client, "Live")
    await make_partnership(client, live["id"], kind="friendship_city", status="ended")
    archived_partnership = await make_city(client, name="Archived Partnership")
    old = await make_partnership(client, archived_partnership["id"])
    later = await partner(client, "Signed Later", signed_on="2026-03-01")
    undated = await partner(client, "Undated", signed_on=None)

    body = await dormant(client, as_of=AS_OF)
    # Signed after as_of: not a partner yet on that day.
    assert names(body) == ["Archived City", "Archived Partnership", "Live", "Undated"]
    cities = {item["city"]["name"]: item["city"]["id"] for item in body["items"]}
    await archive_city_only(client, cities["Archived City"])
    await archive(client, "partnerships", old["id"])
    body = await dormant(client, as_of=AS_OF)
    assert names(body) == ["Live", "Undated"]
    # Of a city with an ended and an active partnership, only the active one is listed.
    assert [p["kind"] for p in body["items"][0]["partnerships"]] == ["sister_city"]
    assert body["items"][1]["city"]["id"] == undated["id"]
    # ... but a partner now (and, signed nine months ago, dormant only for a shorter window).
    nine_months_on = await dormant(client, as_of="2026-12-01")
    assert later["id"] not in {item["city"]["id"] for item in nine_months_on["items"]}
    recent_window = await dormant(client, as_of="2026-12-01", inactive_days=30)
    assert later["id"] in {item["city"]["id"] for item in recent_window["items"]}
    assert suspended["id"] not in cities and ended["id"] not in cities


async def test_archived_interactions_do_not_count(client):
    busan = await partner(client, "Busan", "KR")
    await make_interaction(client, occurred_on="2020-01-01", city_ids=[busan["id"]])
    recent = await make_interaction(client, occurred_on="2025-12-01", city_ids=[busan["id"]])
    assert names(await dormant(client, as_of=AS_OF)) == []
    await archive(client, "interactions", recent["id"])
    [item] = (await dormant(client, as_of=AS_OF))["items"]
    assert item["last_interaction_on"] == "2020-01-01"


async def test_interactions_count_through_the_contacts_cities(client):
    busan = await partner(client, "Busan", "KR")
    houston = await partner(client, "Houston")
    kim = await make_contact(client, full_name="Kim Min-jun", city_id=busan["id"])
    # The interaction names only the contact; its city is linked through it.
    await make_interaction(client, occurred_on="2025-11-18", contact_ids=[kim["id"]])
    await make_interaction(client, occurred_on="2019-03-01", contact_ids=[kim["id"]])

    assert names(await dormant(client, as_of=AS_OF)) == ["Houston"]
    body = await dormant(client, as_of=AS_OF, inactive_days=30)
    assert names(body) == ["Houston", "Busan"]
    assert body["items"][1]["last_interaction_on"] == "2025-11-18"
    assert body["items"][0]["city"]["id"] == houston["id"]


async def test_counts_active_contacts_and_open_follow_ups(client, app):
    busan = await partner(client, "Busan", "KR")
    houston = await partner(client, "Houston")
    kim = await make_contact(client, full_name="Kim", city_id=busan["id"])
    await make_contact(client, full_name="Lee", city_id=busan["id"])
    await make_contact(client, full_name="Park", city_id=busan["id"], is_active=False)
    gone = await make_contact(client, full_name="Choi", city_id=busan["id"])
    await archive(client, "contacts", gone["id"])
    smith = await make_contact(client, full_name="Smith", city_id=houston["id"])

    due = date(2026, 2, 1)
    open_ = FollowUpStatus.open
    await insert(
        app,
        FollowUp(title="About the city", due_on=due, city_id=busan["id"]),
        FollowUp(title="About Kim", due_on=due, contact_id=kim["id"]),
        FollowUp(title="Both", due_on=due, city_id=busan["id"], contact_id=kim["id"]),
        FollowUp(title="Done", due_on=due, city_id=busan["id"], status=FollowUpStatus.done),
        FollowUp(title="Off", due_on=due, contact_id=kim["id"], status=FollowUpStatus.cancelled),
        FollowUp(title="Archived contact", due_on=due, contact_id=gone["id"], status=open_),
        FollowUp(title="Houston's", due_on=due, contact_id=smith["id"]),
        FollowUp(
            title="Archived",
            due_on=due,
            city_id=busan["id"],
            archived_at=utcnow() - timedelta(days=1),
        ),
    )
    by_name = {i["city"]["name"]: i for i in (await dormant(client, as_of=AS_OF))["items"]}
    assert by_name["Busan"]["active_contacts"] == 2
    assert by_name["Busan"]["open_follow_ups"] == 3
    assert by_name["Houston"]["active_contacts"] == 1
    assert by_name["Houston"]["open_follow_ups"] == 1


async def test_parameters_are_validated(client):
    url = "/api/v1/reports/dormant-partners"
    for value in ("0", "-3", "many", "36501"):
        response = await client.get(url, params={"inactive_days": value})
        assert problem_parameters(response) == {"inactive_days"}, value
    assert problem_parameters(await client.get(url, params={"as_of": "2026-02-30"})) == {"as_of"}
    response = await client.get(url, params={"format": "xlsx"})
    assert problem_parameters(response) == {"format"}
    # A far-away as_of is a report about then, not an error.
    assert (await client.get(url, params={"as_of": "0001-01-02"})).status_code == 200


async def test_csv_download(client, admin):
    busan = await partner(client, "=Busan", "KR", signed_on="1966-12-20")
    await make_partnership(client, busan["id"], kind="friendship_city", signed_on=None)
    await make_contact(client, full_name="Kim", city_id=busan["id"])
    await make_interaction(client, occurred_on="2020-05-01", city_ids=[busan["id"]])
    await partner(client, "臺中", "TW")

    response = await client.get(
        "/api/v1/reports/dormant-partners", params={"as_of": AS_OF, "format": "csv"}
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert (
        response.headers["content-disposition"]
        == f'attachment; filename="dormant-partners-{AS_OF}.csv"'
    )
    assert response.content.startswith(BOM.encode("utf-8"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8").removeprefix(BOM))))
    assert rows[0] == [
        "city_id",
        "city",
        "country_code",
        "region",
        "partnerships",
        "last_interaction_on",
        "days_inactive",
        "active_contacts",
        "open_follow_ups",
    ]
    assert rows[1][1:] == ["臺中", "TW", "", "sister_city (1961-06-15)", "", "", "0", "0"]
    assert rows[2] == [
        str(busan["id"]),
        "'=Busan",  # defused: a spreadsheet never runs it
        "KR",
        "",
        "sister_city (1966-12-20); friendship_city",
        "2020-05-01",
        str((date(2026, 1, 1) - date(2020, 5, 1)).days),
        "1",
        "0",
    ]
    assert len(rows) == 3
    assert response.content.endswith(b"\r\n")

    response = await admin.get("/api/v1/reports/dormant-partners", params={"format": "csv"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    today = date_in(DEFAULT_TIME_ZONE).isoformat()
    assert f'filename="dormant-partners-{today}.csv"' in response.headers["content-disposition"]


async def test_viewers_read_but_do_not_download(client, viewer, anon):
    await partner(client, "Houston")
    body = await dormant(viewer, as_of=AS_OF)
    assert names(body) == ["Houston"]
    assert names(await dormant(viewer, as_of=AS_OF, format="json")) == ["Houston"]

    response = await viewer.get("/api/v1/reports/dormant-partners", params={"format": "csv"})
    assert response.status_code == 403
    assert response.headers["content-type"] == PROBLEM_JSON
    assert "csv" in response.json()["detail"].lower()

    response = await anon.get("/api/v1/reports/dormant-partners")
    assert response.status_code == 401
    assert response.headers["content-type"] == PROBLEM_JSON


async def test_a_partnership_signed_within_the_window_is_not_dormant(client):
    """Signing is contact: a partner signed two months ago has not gone quiet, whatever its
    last interaction; one signed before the window with no contact since still is."""
    await partner(client, "Busan", "KR", signed_on="2025-11-01")
    await partner(client, "Houston", signed_on="1961-06-15")
    both = await partner(client, "Ankara", "TR", signed_on="1990-01-01")
    await make_partnership(client, both["id"], kind="friendship_city", signed_on="2025-10-05")

    body = await dormant(client, as_of=AS_OF)
    assert names(body) == ["Houston"]
    assert names(await dormant(client, as_of=AS_OF, inactive_days=30)) == [
        "Ankara",
        "Busan",
        "Houston",
    ]
