"""HEAD does not run an export: an export is an audited act (the audit entry says how many rows
went out), and a HEAD would write that entry and send no row. It is refused with 405 and the
Allow header that names GET; the export itself still works and is audited once."""

from tests.factories import make_contact


async def _export_entries(admin) -> list[dict]:
    page = (await admin.get("/api/v1/audit", params={"limit": 200})).json()
    return [entry for entry in page["items"] if entry["action"] == "export"]


async def test_head_on_an_export_is_405_with_allow_get_and_audits_nothing(client, admin):
    await make_contact(client)
    event = (await client.post("/api/v1/events", json={"name": "Smart City Summit"})).json()
    for url in ("/api/v1/contacts/export", f"/api/v1/events/{event['id']}/invitations/export"):
        head = await client.head(url, params={"format": "csv"})
        assert head.status_code == 405, url
        assert head.headers["allow"] == "GET"
        assert head.content == b""
    assert await _export_entries(admin) == []

    got = await client.get("/api/v1/contacts/export")
    assert got.status_code == 200 and "attachment" in got.headers["content-disposition"]
    [entry] = await _export_entries(admin)
    assert entry["changes"]["rows"] == 1


async def test_the_allow_header_of_an_export_names_no_head(client):
    response = await client.post("/api/v1/contacts/export")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET"
    # Other lists keep HEAD, as GET.
    assert (await client.head("/api/v1/contacts")).status_code == 200
