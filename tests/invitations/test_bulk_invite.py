import time

import pytest

from app.contacts.models import Contact
from app.text import fold
from tests.factories import (
    make_city,
    make_contact,
    make_event,
    make_interaction,
    make_invitation,
    make_organization,
    make_partnership,
    today,
)
from tests.problems import assert_field_error, assert_problem
from tests.reading import audit_entries, listed


async def bulk(client, event_id: int, **body):
    return await client.post(
        f"/api/v1/events/{event_id}/invitations/bulk", json={"send_on": "2025-02-01", **body}
    )


async def bulk_ok(client, event_id: int, **body) -> dict:
    response = await bulk(client, event_id, **body)
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["created"] == len(report["invitations"])
    assert report["skipped"] == len(report["skipped_contacts"])
    return report


def invited_ids(report: dict) -> list[int]:
    return sorted(i["contact_id"] for i in report["invitations"])


async def person(client, name: str, **overrides) -> int:
    email = f"{fold(name).replace(' ', '.')}@example.org"
    return (await make_contact(client, full_name=name, email=email, **overrides))["id"]


async def test_contact_ids_creates_planned_invitations_and_audits_each(client):
    event = await make_event(client)
    a = await person(client, "Anna Berg")
    b = await person(client, "Boris Lee")
    c = await person(client, "Chen Yi")
    report = await bulk_ok(client, event["id"], contact_ids=[a, b], send_on="2025-02-03")
    assert report["dry_run"] is False and report["created"] == 2 and report["skipped"] == 0
    assert [(i["contact_id"], i["full_name"]) for i in report["invitations"]] == [
        (a, "Anna Berg"),
        (b, "Boris Lee"),
    ]
    assert report["invitations"][0]["email"] == "anna.berg@example.org"

    stored = await listed(client, f"events/{event['id']}/invitations")
    by_contact = {i["contact_id"]: i for i in stored}
    assert sorted(by_contact) == sorted([a, b]) and c not in by_contact
    for item in report["invitations"]:
        invitation = by_contact[item["contact_id"]]
        assert invitation["id"] == item["id"]
        assert invitation["status"] == "planned" and invitation["send_on"] == "2025-02-03"
        assert invitation["version"] == 1 and invitation["sent_at"] is None
    counts = (await client.get(f"/api/v1/events/{event['id']}")).json()["invitation_counts"]
    assert counts["planned"] == 2

    entries = await audit_entries(client, "invitation")
    assert sorted(e["entity_id"] for e in entries) == sorted(i["id"] for i in stored)
    for entry in entries:
        assert entry["action"] == "create" and entry["actor"] == "editor"
        assert entry["changes"]["event_id"] == {"old": None, "new": event["id"]}
        assert entry["changes"]["status"] == {"old": None, "new": "planned"}
        assert entry["changes"]["send_on"] == {"old": None, "new": "2025-02-03"}
    assert {e["changes"]["contact_id"]["new"] for e in entries} == {a, b}

    # Created invitations are ordinary records: they move like any other.
    path = f"/api/v1/events/{event['id']}/invitations/{report['invitations'][0]['id']}"
    response = await client.patch(path, json={"status": "sent"}, headers={"If-Match": '"1"'})
    assert response.status_code == 200, response.text


async def test_partnership_kinds(client):
    event = await make_event(client)
    sister = await make_city(client, name="Houston")
    friend = await make_city(client, name="Tallinn", country_code="EE")
    suspended = await make_city(client, name="Lyon", country_code="FR")
    archived = await make_city(client, name="Busan", country_code="KR")
    await make_partnership(client, sister["id"], kind="sister_city")
    await make_partnership(client, friend["id"], kind="friendship_city")
    await make_partnership(client, suspended["id"], kind="sister_city", status="suspended")
    gone = await make_partnership(client, archived["id"], kind="sister_city")
    assert (await client.delete(f"/api/v1/partnerships/{gone['id']}")).status_code == 200
    in_sister = await person(client, "In Houston", city_id=sister["id"])
    in_friend = await person(client, "In Tallinn", city_id=friend["id"])
    await person(client, "In Lyon", city_id=suspended["id"])
    await person(client, "In Busan", city_id=archived["id"])
    await person(client, "Nowhere")

    report = await bulk_ok(client, event["id"], partnership_kinds=["sister_city"], dry_run=True)
    assert invited_ids(report) == [in_sister]
    report = await bulk_ok(
        client, event["id"], partnership_kinds=["sister_city", "friendship_city"], dry_run=True
    )
    assert invited_ids(report) == sorted([in_sister, in_friend])
    response = await bulk(client, event["id"], partnership_kinds=["pen_pals"])
    assert_problem(response, 422, "validation-error")


async def test_organization_members_and_contacts(client):
    event = await make_event(client)
    metropolis = await make_organization(client, name="Metropolis")
    other_org = await make_organization(client, name="Eurocities")
    member = await make_city(client, name="Tallinn", country_code="EE")
    outsider = await make_city(client, name="Lyon", country_code="FR")
    response = await client.post(
        f"/api/v1/organizations/{metropolis['id']}/members", json={"city_id": member["id"]}
    )
    assert response.status_code == 201, response.text
    staff = await person(
        client, "Org Staff", organization_id=metropolis["id"], city_id=outsider["id"]
    )
    in_member_city = await person(client, "City Official", city_id=member["id"])
    await person(client, "Outsider", city_id=outsider["id"], organization_id=other_org["id"])

    report = await bulk_ok(client, event["id"], organization_id=metropolis["id"], dry_run=True)
    assert invited_ids(report) == sorted([staff, in_member_city])

    assert_field_error(await bulk(client, event["id"], organization_id=999), "organization_id")
    assert (await client.delete(f"/api/v1/organizations/{other_org['id']}")).status_code == 200
    response = await bulk(client, event["id"], organization_id=other_org["id"])
    assert_field_error(response, "organization_id")


async def test_tags_match_any_of_them(client):
    event = await make_event(client)
    youth = await person(client, "Youth Only", tags=["youth"])
    culture = await person(client, "Culture Only", tags=["culture", "press"])
    both = await person(client, "Both", tags=["youth", "culture"])
    await person(client, "Neither", tags=["press"])
    await person(client, "Untagged")

    report = await bulk_ok(client, event["id"], tags=["youth", "culture"], dry_run=True)
    assert invited_ids(report) == sorted([youth, culture, both])
    report = await bulk_ok(client, event["id"], tags=["youth"], dry_run=True)
    assert invited_ids(report) == sorted([youth, both])


async def test_country_codes(client):
    event = await make_event(client)
    houston = await make_city(client, name="Houston", country_code="US")
    tallinn = await make_city(client, name="Tallinn", country_code="EE")
    lyon = await make_city(client, name="Lyon", country_code="FR")
    in_us = await person(client, "In Houston", city_id=houston["id"])
    in_ee = await person(client, "In Tallinn", city_id=tallinn["id"])
    await person(client, "In Lyon", city_id=lyon["id"])
    await person(client, "No city")

    report = await bulk_ok(client, event["id"], country_codes=["us", "EE"], dry_run=True)
    assert invited_ids(report) == sorted([in_us, in_ee])
    assert_field_error(await bulk(client, event["id"], country_codes=["XX"]), "country_codes/0")


async def test_dormant_only(client):
    event = await make_event(client)
    dormant = await make_city(client, name="Houston", country_code="US")
    lively = await make_city(client, name="Tallinn", country_code="EE")
    not_partner = await make_city(client, name="Lyon", country_code="FR")
    await make_partnership(client, dormant["id"])
    await make_partnership(client, lively["id"])
    await make_interaction(client, occurred_on=today(-3000), city_ids=[dormant["id"]])
    await make_interaction(client, occurred_on=today(-10), city_ids=[lively["id"]])
    in_dormant = await person(client, "In Houston", city_id=dormant["id"])
    await person(client, "In Tallinn", city_id=lively["id"])
    await person(client, "In Lyon", city_id=not_partner["id"])

    report = await bulk_ok(client, event["id"], dormant_only=True, dry_run=True)
    assert invited_ids(report) == [in_dormant]
    # dormant_only false is no criterion at all.
    assert_problem(await bulk(client, event["id"], dormant_only=False), 422, "validation-error")


async def test_criteria_combine_with_and(client):
    event = await make_event(client)
    houston = await make_city(client, name="Houston", country_code="US")
    tallinn = await make_city(client, name="Tallinn", country_code="EE")
    await make_partnership(client, houston["id"])
    us_youth = await person(client, "US Youth", city_id=houston["id"], tags=["youth"])
    await person(client, "US Press", city_id=houston["id"], tags=["press"])
    ee_youth = await person(client, "EE Youth", city_id=tallinn["id"], tags=["youth"])

    report = await bulk_ok(client, event["id"], tags=["youth"], country_codes=["US"], dry_run=True)
    assert invited_ids(report) == [us_youth]
    report = await bulk_ok(
        client, event["id"], tags=["youth"], partnership_kinds=["sister_city"], dry_run=True
    )
    assert invited_ids(report) == [us_youth]
    report = await bulk_ok(
        client, event["id"], contact_ids=[us_youth, ee_youth], country_codes=["EE"], dry_run=True
    )
    assert invited_ids(report) == [ee_youth]
    report = await bulk_ok(client, event["id"], tags=["press"], country_codes=["EE"])
    assert report["created"] == 0 and report["skipped"] == 0


async def test_skips_with_reasons(client):
    event = await make_event(client)
    ok = await person(client, "Able Person", tags=["x"])
    archived = await person(client, "Archived Person", tags=["x"])
    assert (await client.delete(f"/api/v1/contacts/{archived}")).status_code == 200
    inactive = await person(client, "Inactive Person", tags=["x"], is_active=False)
    no_email = (await make_contact(client, full_name="No Email", tags=["x"]))["id"]
    invited = await person(client, "Invited Person", tags=["x"])
    existing = await make_invitation(client, event["id"], invited)
    # An archived invitation does not count as invited.
    reinvited = await person(client, "Re Invited", tags=["x"])
    old = await make_invitation(client, event["id"], reinvited)
    path = f"/api/v1/events/{event['id']}/invitations/{old['id']}"
    assert (await client.delete(path)).status_code == 200

    report = await bulk_ok(client, event["id"], tags=["x"])
    assert invited_ids(report) == sorted([ok, reinvited])
    skipped = {s["contact_id"]: s for s in report["skipped_contacts"]}
    assert {k: s["reason"] for k, s in skipped.items()} == {
        archived: "archived",
        inactive: "inactive",
        no_email: "no_email",
        invited: "already_invited",
    }
    assert skipped[invited]["invitation_id"] == existing["id"]
    assert skipped[invited]["full_name"] == "Invited Person"
    assert report["skipped"] == 4

    # Asking again invites nobody twice.
    report = await bulk_ok(client, event["id"], tags=["x"])
    assert report["created"] == 0
    assert sorted(
        s["contact_id"] for s in report["skipped_contacts"] if s["reason"] == "already_invited"
    ) == sorted([invited, ok, reinvited])
    assert len(await listed(client, f"events/{event['id']}/invitations")) == 3


async def test_archived_contacts_are_never_invited(client):
    """Whatever names them (their id, a tag, their country, their city's partnership, their
    organization), an archived contact is reported as skipped and gets no invitation."""
    event = await make_event(client)
    city = await make_city(client, name="Houston", country_code="US")
    await make_partnership(client, city["id"], kind="sister_city")
    organization = await make_organization(client, name="Metropolis")
    common = {"city_id": city["id"], "organization_id": organization["id"], "tags": ["x"]}
    live = await person(client, "Live Person", **common)
    gone = await person(client, "Gone Person", **common)
    assert (await client.delete(f"/api/v1/contacts/{gone}")).status_code == 200

    for criteria in (
        {"contact_ids": [gone]},
        {"contact_ids": [live, gone]},
        {"tags": ["x"]},
        {"country_codes": ["US"]},
        {"partnership_kinds": ["sister_city"]},
        {"organization_id": organization["id"]},
    ):
        for dry_run in (True, False):
            report = await bulk_ok(client, event["id"], dry_run=dry_run, **criteria)
            assert gone not in invited_ids(report), criteria
            skipped = {s["contact_id"]: s["reason"] for s in report["skipped_contacts"]}
            assert skipped[gone] == "archived", criteria
    stored = await listed(client, f"events/{event['id']}/invitations", include_archived=True)
    assert [i["contact_id"] for i in stored] == [live]
    entries = await audit_entries(client, "invitation")
    assert [e["changes"]["contact_id"]["new"] for e in entries] == [live]

    # Restored, the same contact is invited like any other.
    response = await client.post(f"/api/v1/contacts/{gone}/restore")
    assert response.status_code == 200, response.text
    report = await bulk_ok(client, event["id"], tags=["x"])
    assert invited_ids(report) == [gone]


async def test_dry_run_writes_nothing(client):
    event = await make_event(client)
    a = await person(client, "Anna Berg", tags=["x"])
    b = await person(client, "Boris Lee", tags=["x"])
    no_email = (await make_contact(client, full_name="No Email", tags=["x"]))["id"]
    before = len(await audit_entries(client, "invitation"))

    dry = await bulk_ok(client, event["id"], tags=["x"], dry_run=True)
    assert dry["dry_run"] is True
    assert dry["created"] == 2 and invited_ids(dry) == sorted([a, b])
    assert all(i["id"] is None for i in dry["invitations"])
    assert [(s["contact_id"], s["reason"]) for s in dry["skipped_contacts"]] == [
        (no_email, "no_email")
    ]
    assert await listed(client, f"events/{event['id']}/invitations", include_archived=True) == []
    assert len(await audit_entries(client, "invitation")) == before == 0

    real = await bulk_ok(client, event["id"], tags=["x"])
    assert real["dry_run"] is False
    assert [(i["contact_id"], i["full_name"]) for i in real["invitations"]] == [
        (i["contact_id"], i["full_name"]) for i in dry["invitations"]
    ]
    assert real["skipped_contacts"] == dry["skipped_contacts"]
    assert all(isinstance(i["id"], int) for i in real["invitations"])


async def test_no_criteria_is_422(client):
    event = await make_event(client)
    await person(client, "Anybody")
    for body in ({}, {"dry_run": True}, {"dormant_only": False}):
        response = await bulk(client, event["id"], **body)
        body_ = assert_problem(response, 422, "validation-error")
        assert "criterion" in body_["detail"]
    # An empty list is refused rather than read as "no filter".
    for field in ("contact_ids", "tags", "country_codes", "partnership_kinds"):
        assert_field_error(await bulk(client, event["id"], **{field: []}), field)
    response = await client.post(
        f"/api/v1/events/{event['id']}/invitations/bulk", json={"contact_ids": [1]}
    )
    assert_field_error(response, "send_on")
    assert_field_error(await bulk(client, event["id"], tags=["x"], colour="red"), "colour")
    assert await listed(client, f"events/{event['id']}/invitations") == []


async def test_unknown_contact_ids_are_422(client):
    event = await make_event(client)
    a = await person(client, "Anna Berg")
    response = await bulk(client, event["id"], contact_ids=[a, 998, 999])
    body = assert_field_error(response, "contact_ids")
    assert "998, 999" in body["detail"]
    # Also when the other criteria leave them out anyway, and in a dry run.
    response = await bulk(client, event["id"], contact_ids=[999, a], tags=["none"], dry_run=True)
    body = assert_field_error(response, "contact_ids")
    assert "contact 999 does not exist" in body["detail"]
    assert await listed(client, f"events/{event['id']}/invitations") == []


async def test_archived_or_unknown_event(client):
    event = await make_event(client)
    a = await person(client, "Anna Berg")
    assert_problem(await bulk(client, 999, contact_ids=[a]), 404, "not-found")
    assert (await client.delete(f"/api/v1/events/{event['id']}")).status_code == 200
    assert_problem(await bulk(client, event["id"], contact_ids=[a]), 409, "conflict")
    assert_problem(await bulk(client, event["id"], contact_ids=[a], dry_run=True), 409, "conflict")
    listed_ = await listed(client, f"events/{event['id']}/invitations", include_archived=True)
    assert listed_ == []


@pytest.mark.parametrize("size", [1500])
async def test_many_contacts_in_one_request(app, client, size):
    event = await make_event(client)
    async with app.state.database.write_sessionmaker() as session, session.begin():
        session.add_all(
            Contact(
                full_name=f"Contact {i:05d}",
                name_key=f"contact {i:05d}",
                email=f"c{i}@example.org",
                email_key=f"c{i}@example.org",
                tags=["bulk"],
            )
            for i in range(size)
        )
    started = time.perf_counter()
    report = await bulk_ok(client, event["id"], tags=["bulk"])
    elapsed = time.perf_counter() - started
    assert report["created"] == size
    assert len({i["id"] for i in report["invitations"]}) == size
    assert elapsed < 20, elapsed
    response = await client.get(f"/api/v1/events/{event['id']}/invitations", params={"limit": 1})
    assert response.json()["total"] == size
    response = await client.get("/api/v1/audit", params={"entity": "invitation", "limit": 1})
    assert response.json()["total"] == size
    counts = (await client.get(f"/api/v1/events/{event['id']}")).json()["invitation_counts"]
    assert counts["planned"] == size
