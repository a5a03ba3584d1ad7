"""The Reports pages without a browser: what they list, their downloads, who may download."""

import csv
import io

import openpyxl

from tests.factories import (
    insert,
    make_city,
    make_contact,
    make_interaction,
    make_invitation,
    make_partnership,
    today,
)
from tests.reading import BOM
from tests.web.conftest import web_sign_in


async def johannesburg(client) -> dict:
    """A ZA sister city signed years ago, never in touch since."""
    city = await make_city(client, name="Johannesburg", country_code="ZA")
    await make_partnership(client, city["id"], signed_on="1975-01-01")
    return city


async def test_dormant_partners_page_and_csv_in_chinese(web, client) -> None:
    await johannesburg(client)
    busy = await make_city(client, name="Busan", country_code="KR")
    await make_partnership(client, busy["id"], kind="friendship_city", signed_on="1966-12-20")
    await make_interaction(client, occurred_on=today(-3), city_ids=[busy["id"]])
    await web_sign_in(web, "editor")
    page = await web.get("/reports/dormant")
    assert page.status_code == 200, page.text
    assert "Johannesburg" in page.text and "South Africa" in page.text and "Never" in page.text
    assert "Busan" not in page.text
    # The API's filters: a kind narrows the list, fewer days make Busan dormant too.
    assert "Johannesburg" not in (await web.get("/reports/dormant?kind=friendship_city")).text
    assert "Busan" in (await web.get("/reports/dormant?inactive_days=1")).text

    web.cookies.set("crm_lang", "zh_Hant_TW")
    download = await web.get("/reports/dormant?download=csv")
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("text/csv")
    assert "attachment" in download.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(download.text.removeprefix(BOM))))
    assert rows[0][:5] == ["城市", "國家", "夥伴關係", "最近互動", "距今天數"]
    assert rows[1][0] == "Johannesburg" and rows[1][1] == "南非" and rows[1][3] == "從未"


async def test_a_bad_filter_is_shown_beside_its_field(web) -> None:
    await web_sign_in(web, "viewer")
    page = await web.get("/reports/dormant?inactive_days=abc")
    assert page.status_code == 422
    assert "Enter a whole number." in page.text and 'value="abc"' in page.text
    page = await web.get("/reports/engagement?year=2024&from=2024-01-01&to=2024-02-01")
    assert page.status_code == 422 and 'aria-invalid="true"' in page.text


async def test_viewers_read_reports_but_do_not_download(web, client) -> None:
    await johannesburg(client)
    await web_sign_in(web, "viewer")
    page = await web.get("/reports/dormant")
    assert page.status_code == 200 and "Johannesburg" in page.text
    assert "download=csv" not in page.text
    assert (await web.get("/reports/dormant?download=csv")).status_code == 403
    assert (await web.get("/reports/engagement?download=xlsx")).status_code == 403


async def test_anniversaries_xlsx(web, client) -> None:
    city = await make_city(client, name="Houston")
    signed = f"{int(today()[:4]) - 40}{today(10)[4:]}"
    await make_partnership(client, city["id"], signed_on=signed)
    await web_sign_in(web, "editor")
    page = await web.get("/reports/anniversaries")
    assert "Houston" in page.text and "Milestone: 40 years" in page.text
    download = await web.get("/reports/anniversaries?download=xlsx")
    assert download.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(download.content)).active
    assert [cell.value for cell in sheet[1]] == [
        "City",
        "Country",
        "Partnership",
        "Signed on",
        "Years",
        "Date",
    ]
    assert sheet["A2"].value == "Houston" and sheet["C2"].value == "Sister city"


async def test_engagement_page_has_three_charts_and_downloads(web, client, app) -> None:
    from datetime import date

    from app.events.models import Event

    houston = await make_city(client, name="Houston", country_code="US")
    busan = await make_city(client, name="Busan", country_code="KR")
    await make_interaction(client, occurred_on="2024-02-01", city_ids=[houston["id"]])
    await make_interaction(client, occurred_on="2024-03-05", city_ids=[busan["id"]])
    await make_interaction(client, occurred_on="2024-03-09", city_ids=[busan["id"]])
    [summit] = await insert(app, Event(name="Summit", starts_on=date(2024, 5, 1)))
    for status in ("sent", "accepted", "attended", "declined"):
        guest = await make_contact(client, full_name=f"Guest {status}")
        await make_invitation(client, summit, guest["id"], status=status)
    await web_sign_in(web, "editor")
    page = await web.get("/reports/engagement?year=2024")
    assert page.status_code == 200, page.text
    assert page.text.count('role="img"') == 3
    assert "Interactions per month" in page.text and "South Korea" in page.text
    # Invitations count by the year of their event, and the page says so.
    assert "Invitations to events held in this period" in page.text
    assert "whatever the day they were sent or answered" in page.text
    download = await web.get("/reports/engagement?year=2024&download=csv")
    rows = dict(csv.reader(io.StringIO(download.text.removeprefix(BOM))))
    assert rows["Invitations sent to events held in this period"] == "4" and rows["Attended"] == "1"
    assert rows["Interactions in Mar 2024"] == "2"
    assert rows["Interactions with South Korea"] == "2"
