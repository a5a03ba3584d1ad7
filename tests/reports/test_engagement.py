import csv
import io
from datetime import UTC, date, datetime

from app.clock import DEFAULT_TIME_ZONE, date_in
from app.db import utcnow
from app.events.models import Event
from app.invitations.models import Invitation, InvitationStatus
from tests.factories import (
    archive,
    archive_city_only,
    insert,
    make_city,
    make_contact,
    make_interaction,
    make_organization,
    make_partnership,
)
from tests.problems import PROBLEM_JSON, problem_parameters
from tests.reading import BOM, report

SENT = datetime(2024, 2, 1, 9, 0, tzinfo=UTC)
NO_KINDS = {"sister_city": 0, "friendship_city": 0, "cooperation_agreement": 0}
NO_INTERACTIONS = {
    "meeting": 0,
    "visit_inbound": 0,
    "visit_outbound": 0,
    "conference": 0,
    "call": 0,
    "video_call": 0,
    "email": 0,
    "letter": 0,
    "other": 0,
}


async def seed_2024(client, app) -> dict[str, dict]:
    """A small desk year: partnerships, interactions, hosted events and their invitations."""
    city = {}
    for name, country in [
        ("Taipei", "TW"),  # the home city
        ("Houston", "US"),
        ("Busan", "KR"),
        ("Ulsan", "KR"),
        ("Johannesburg", "ZA"),
        ("Aarhus", "DK"),
        ("Zagreb", "HR"),
        ("Mbabane", "SZ"),
        ("Ankara", "TR"),
        ("Paris", "FR"),
    ]:
        city[name] = await make_city(client, name=name, country_code=country)
    ids = {name: c["id"] for name, c in city.items()}

    await make_partnership(client, ids["Houston"], signed_on="1961-06-15")
    await make_partnership(client, ids["Busan"], signed_on="1966-12-20")
    await make_partnership(
        client, ids["Johannesburg"], kind="friendship_city", signed_on="2024-05-01"
    )
    await make_partnership(
        client,
        ids["Ulsan"],
        kind="cooperation_agreement",
        signed_on="2024-09-01",
        status="suspended",
    )
    await make_partnership(
        client, ids["Ankara"], kind="cooperation_agreement", signed_on="2025-02-01"
    )
    await make_partnership(client, ids["Mbabane"], signed_on="1990-01-01")
    gone = await make_partnership(
        client, ids["Aarhus"], kind="friendship_city", signed_on="2024-03-01"
    )
    await archive(client, "partnerships", gone["id"])
    # Mbabane's last contact was long before the year's end: a dormant partner.
    await make_interaction(client, occurred_on="2022-01-01", city_ids=[ids["Mbabane"]])

    metropolis = await make_organization(client)
    closed = await make_organization(client, name="Closed Network")
    kim = await make_contact(client, full_name="Kim", city_id=ids["Busan"])

    def on(day: str, kind: str, **links) -> dict:
        return {"occurred_on": day, "kind": kind, **links}

    for body in [
        on("2024-02-01", "meeting", city_ids=[ids["Houston"]], organization_ids=[metropolis["id"]]),
        on(
            "2024-03-01", "conference", contact_ids=[kim["id"]], organization_ids=[metropolis["id"]]
        ),
        on("2024-04-01", "visit_inbound", city_ids=[ids["Houston"]]),
        on("2024-05-01", "visit_outbound", city_ids=[ids["Johannesburg"], ids["Taipei"]]),
        on("2024-06-01", "call", city_ids=[ids["Houston"]]),
        on("2024-07-01", "meeting", city_ids=[ids["Busan"]]),
        on("2024-08-01", "meeting", city_ids=[ids["Ulsan"]], organization_ids=[closed["id"]]),
        on("2024-09-01", "email", city_ids=[ids["Aarhus"]]),
        on("2024-10-01", "letter", city_ids=[ids["Zagreb"], ids["Paris"]]),
        on("2024-12-31", "email", city_ids=[ids["Houston"]]),
        # Outside the year, or archived: they do not count.
        on("2023-12-31", "meeting", city_ids=[ids["Johannesburg"]]),
        on("2025-01-01", "meeting", city_ids=[ids["Johannesburg"]]),
    ]:
        await make_interaction(client, **body)
    archived = await make_interaction(
        client, **on("2024-05-05", "call", city_ids=[ids["Busan"], ids["Zagreb"]])
    )
    await archive(client, "interactions", archived["id"])
    await archive(client, "organizations", closed["id"])
    await archive_city_only(client, ids["Paris"])

    guests = [await make_contact(client, full_name=f"Guest {n}") for n in range(9)]
    summit, other, early, removed, quiet = await insert(
        app,
        Event(name="Smart City Summit", starts_on=date(2024, 3, 18)),
        Event(
            name="Their forum", starts_on=date(2024, 4, 1), host_organization_id=metropolis["id"]
        ),
        Event(name="Next year", starts_on=date(2025, 1, 5)),
        Event(name="Archived", starts_on=date(2024, 6, 1), archived_at=utcnow()),
        Event(name="Small dinner", starts_on=date(2024, 10, 1)),
    )
    statuses = [
        (InvitationStatus.planned, None),
        (InvitationStatus.sent, SENT),
        (InvitationStatus.accepted, SENT),
        (InvitationStatus.declined, None),  # answered, so it went out
        (InvitationStatus.attended, SENT),
        (InvitationStatus.no_show, SENT),
        (InvitationStatus.cancelled, SENT),  # cancelled after it went out
        (InvitationStatus.cancelled, None),  # cancelled before
    ]
    await insert(
        app,
        *[
            Invitation(event_id=summit, contact_id=guest["id"], status=status, sent_at=sent_at)
            for guest, (status, sent_at) in zip(guests, statuses, strict=False)
        ],
        Invitation(
            event_id=summit,
            contact_id=guests[8]["id"],
            status=InvitationStatus.accepted,
            sent_at=SENT,
            archived_at=utcnow(),
        ),
        Invitation(event_id=other, contact_id=guests[0]["id"], status=InvitationStatus.declined),
        Invitation(event_id=early, contact_id=guests[0]["id"], status=InvitationStatus.declined),
        Invitation(event_id=removed, contact_id=guests[0]["id"], status=InvitationStatus.declined),
    )
    assert quiet
    return city


async def test_the_measures_of_a_year(client, app):
    city = await seed_2024(client, app)
    body = await report(client, "engagement", year=2024)
    assert body["period"] == {"from": "2024-01-01", "to": "2024-12-31"}
    assert body["partnerships"] == {
        # Ulsan is suspended, Ankara signed after the year, Aarhus's partnership archived.
        "active_at_end_by_kind": {**NO_KINDS, "sister_city": 3, "friendship_city": 1},
        # Whatever their status now; the archived one left out.
        "signed_in_period_by_kind": {**NO_KINDS, "friendship_city": 1, "cooperation_agreement": 1},
    }
    assert body["interactions_by_kind"] == {
        **NO_INTERACTIONS,
        "meeting": 3,
        "conference": 1,
        "visit_inbound": 1,
        "visit_outbound": 1,
        "call": 1,
        "email": 2,
        "letter": 1,
    }
    # Houston, Busan (through Kim), Ulsan, Johannesburg, Aarhus, Zagreb; not Taipei (home)
    # nor Paris (archived).
    assert body["cities_engaged"] == 6
    assert body["countries_engaged"] == 5  # US, KR, ZA, DK, HR
    assert body["conferences_attended"] == 1
    # The meeting with Metropolis and the conference; the closed network's is archived.
    assert body["organization_meetings"] == 2
    assert body["visits"] == {"inbound": 1, "outbound": 1}
    assert body["events_hosted"] == {
        "count": 2,
        "invitations_sent": 6,
        "accepted": 3,
        "declined": 1,
        "attended": 1,
        "acceptance_rate": 0.75,
    }
    assert body["dormant_partners_at_end"] == 1
    assert body["most_engaged_cities"] == [
        {"city_id": city["Houston"]["id"], "name": "Houston", "interactions": 4},
        {"city_id": city["Busan"]["id"], "name": "Busan", "interactions": 2},
        {"city_id": city["Aarhus"]["id"], "name": "Aarhus", "interactions": 1},
        {"city_id": city["Johannesburg"]["id"], "name": "Johannesburg", "interactions": 1},
        {"city_id": city["Ulsan"]["id"], "name": "Ulsan", "interactions": 1},
    ]


async def test_a_period_of_dates_is_inclusive(client, app, viewer):
    city = await seed_2024(client, app)
    body = await report(viewer, "engagement", **{"from": "2024-03-01", "to": "2024-04-01"})
    assert body["period"] == {"from": "2024-03-01", "to": "2024-04-01"}
    assert body["interactions_by_kind"] == {**NO_INTERACTIONS, "conference": 1, "visit_inbound": 1}
    assert body["cities_engaged"] == 2 and body["countries_engaged"] == 2
    assert [c["name"] for c in body["most_engaged_cities"]] == ["Busan", "Houston"]
    assert body["organization_meetings"] == 1
    assert body["events_hosted"]["count"] == 1
    # Partnerships signed by 1 April 2024: Johannesburg's (May) was not yet.
    assert body["partnerships"]["active_at_end_by_kind"] == {**NO_KINDS, "sister_city": 3}
    assert body["partnerships"]["signed_in_period_by_kind"] == NO_KINDS
    assert city["Houston"]["id"] in {c["city_id"] for c in body["most_engaged_cities"]}


async def test_a_quiet_period(client):
    await make_partnership(client, (await make_city(client))["id"])
    body = await report(client, "engagement", year=2020)
    assert body == {
        "period": {"from": "2020-01-01", "to": "2020-12-31"},
        "partnerships": {
            "active_at_end_by_kind": {**NO_KINDS, "sister_city": 1},
            "signed_in_period_by_kind": NO_KINDS,
        },
        "interactions_by_kind": NO_INTERACTIONS,
        "cities_engaged": 0,
        "countries_engaged": 0,
        "conferences_attended": 0,
        "organization_meetings": 0,
        "visits": {"inbound": 0, "outbound": 0},
        "events_hosted": {
            "count": 0,
            "invitations_sent": 0,
            "accepted": 0,
            "declined": 0,
            "attended": 0,
            "acceptance_rate": None,
        },
        "dormant_partners_at_end": 1,
        "most_engaged_cities": [],
    }


async def test_defaults_to_this_year(client):
    year = date_in(DEFAULT_TIME_ZONE).year
    body = await report(client, "engagement")
    assert body["period"] == {"from": f"{year}-01-01", "to": f"{year}-12-31"}


async def test_the_period_is_validated(client):
    url = "/api/v1/reports/engagement"
    both = {"year": 2024, "from": "2024-01-01", "to": "2024-06-30"}
    assert problem_parameters(await client.get(url, params=both)) == {"year"}
    response = await client.get(url, params={"year": 2024, "to": "2024-06-30"})
    assert problem_parameters(response) == {"year"}
    response = await client.get(url, params={"from": "2024-06-30", "to": "2024-06-29"})
    assert problem_parameters(response) == {"to"}
    assert "before" in response.json()["detail"]
    assert problem_parameters(await client.get(url, params={"from": "2024-06-30"})) == {"to"}
    assert problem_parameters(await client.get(url, params={"to": "2024-06-30"})) == {"from"}
    assert problem_parameters(await client.get(url, params={"year": "1066"})) == {"year"}
    assert problem_parameters(await client.get(url, params={"from": "yesterday"})) == {"from"}
    assert problem_parameters(await client.get(url, params={"format": "pdf"})) == {"format"}
    # A one-day period is fine.
    response = await client.get(url, params={"from": "2024-06-30", "to": "2024-06-30"})
    assert response.status_code == 200


async def test_csv_flattens_the_measures(client, app, admin, viewer):
    city = await seed_2024(client, app)
    response = await client.get(
        "/api/v1/reports/engagement", params={"year": 2024, "format": "csv"}
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert (
        response.headers["content-disposition"]
        == 'attachment; filename="engagement-2024-01-01-to-2024-12-31.csv"'
    )
    assert response.content.startswith(BOM.encode("utf-8"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8").removeprefix(BOM))))
    assert rows[0] == ["measure", "value"]
    assert all(len(row) == 2 for row in rows)
    values = dict(rows[1:])
    assert len(values) == len(rows) - 1  # every measure once
    assert values["period.from"] == "2024-01-01" and values["period.to"] == "2024-12-31"
    assert values["partnerships.active_at_end_by_kind.sister_city"] == "3"
    assert values["partnerships.signed_in_period_by_kind.cooperation_agreement"] == "1"
    assert values["interactions_by_kind.email"] == "2"
    assert values["cities_engaged"] == "6"
    assert values["visits.inbound"] == "1"
    assert values["events_hosted.acceptance_rate"] == "0.75"
    assert values["dormant_partners_at_end"] == "1"
    assert values["most_engaged_cities.1.name"] == "Houston"
    assert values["most_engaged_cities.1.city_id"] == str(city["Houston"]["id"])
    assert values["most_engaged_cities.1.interactions"] == "4"
    assert values["most_engaged_cities.5.name"] == "Ulsan"
    assert "most_engaged_cities.6.name" not in values

    response = await admin.get("/api/v1/reports/engagement", params={"year": 2020, "format": "csv"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert ["events_hosted.acceptance_rate", ""] in rows

    response = await viewer.get("/api/v1/reports/engagement", params={"format": "csv"})
    assert response.status_code == 403
    assert response.headers["content-type"] == PROBLEM_JSON
    assert (await viewer.get("/api/v1/reports/engagement")).status_code == 200
