"""The Reports pages in a real browser, in English and in Traditional Chinese."""

import csv
from datetime import date

from playwright.async_api import Page, expect

from app.events.models import Event
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


async def seed(client, app) -> None:
    """Johannesburg: a ZA sister city signed long ago and never contacted. Houston: its 40th
    anniversary in ten days, busy this year. A hosted event with its invitations."""
    johannesburg = await make_city(client, name="Johannesburg", country_code="ZA")
    await make_partnership(client, johannesburg["id"], signed_on="1975-01-01")
    houston = await make_city(client, name="Houston", country_code="US")
    await make_partnership(
        client, houston["id"], signed_on=f"{int(today()[:4]) - 40}{today(10)[4:]}"
    )
    busan = await make_city(client, name="Busan", country_code="KR")
    this_year = int(today()[:4])
    for month, city in [(1, houston), (2, busan), (2, houston), (3, busan)]:
        day = f"{this_year}-{month:02d}-10"
        if day <= today():
            await make_interaction(client, occurred_on=day, city_ids=[city["id"]])
    await make_interaction(client, occurred_on=today(), city_ids=[houston["id"]])
    [summit] = await insert(app, Event(name="Summit", starts_on=date(this_year, 1, 20)))
    for n, status in enumerate(["sent", "accepted", "attended", "attended", "declined"]):
        guest = await make_contact(client, full_name=f"Guest {n}")
        await make_invitation(client, summit, guest["id"], status=status)


async def test_reports_in_english(
    page: Page, sign_in, screenshot, assert_accessible, client, app
) -> None:
    await seed(client, app)
    await sign_in(page, "editor")
    await page.goto("/reports")
    await expect(page.get_by_role("heading", name="Reports", level=1)).to_be_visible()
    await screenshot(page, "reports")
    await assert_accessible(page)

    await page.get_by_role("link", name="Dormant partners").click()
    row = page.get_by_role("row").filter(has_text="Johannesburg")
    await expect(row).to_contain_text("South Africa")
    await expect(row).to_contain_text("Sister city")
    await expect(row).to_contain_text("Never")
    await expect(page.get_by_role("row").filter(has_text="Houston")).to_have_count(0)
    await screenshot(page, "reports-dormant")
    await assert_accessible(page)
    # The filters: friendship cities only leaves Johannesburg out.
    await page.get_by_label("Friendship city").check()
    await page.get_by_role("button", name="Show").click()
    await expect(page.get_by_text("No dormant partner")).to_be_visible()
    await page.get_by_label("Friendship city").uncheck()
    await page.get_by_label("Sister city").check()
    await page.get_by_role("button", name="Show").click()
    await expect(page.get_by_role("row").filter(has_text="Johannesburg")).to_be_visible()
    async with page.expect_download() as info:
        await page.get_by_role("link", name="Download CSV").click()
    download = await info.value
    path = await download.path()
    with open(path, encoding="utf-8") as file:
        rows = list(csv.reader(file.read().removeprefix(BOM).splitlines()))
    assert rows[0][:3] == ["City", "Country", "Partnership"]
    assert [r[0] for r in rows[1:]] == ["Johannesburg"]

    await page.goto("/reports/anniversaries")
    row = page.get_by_role("row").filter(has_text="Houston")
    await expect(row.get_by_text("Milestone: 40 years")).to_be_visible()
    await screenshot(page, "reports-anniversaries")
    await assert_accessible(page)

    await page.goto("/reports/engagement")
    for name in (
        "Interactions per month",
        "Engagement by country",
        "Invitations to events held in this period",
    ):
        await expect(page.get_by_role("img", name=name)).to_be_visible()
    funnel = page.get_by_role("region", name="Invitations to events held in this period")
    await funnel.get_by_text("Show as table").click()
    table = funnel.get_by_role("table")
    await expect(table.get_by_role("row", name="Attended 2 40%")).to_be_visible()
    await expect(table.get_by_role("row", name="Sent 5 100%")).to_be_visible()
    await screenshot(page, "reports-engagement")
    await assert_accessible(page)


async def test_reports_in_chinese(
    page: Page, sign_in, screenshot, assert_accessible, client, app
) -> None:
    await seed(client, app)
    await sign_in(page, "viewer")
    await page.goto("/reports/dormant")
    await page.get_by_role("button", name="繁體中文").click()
    await expect(page.get_by_role("heading", name="久未聯繫的夥伴城市", level=1)).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Johannesburg")
    await expect(row).to_contain_text("南非")
    await expect(row).to_contain_text("姊妹市")
    await expect(row).to_contain_text("從未")
    await expect(page.get_by_role("link", name="下載 CSV")).to_have_count(0)  # a viewer
    await screenshot(page, "reports-dormant-zh")
    await assert_accessible(page)

    await page.goto("/reports/anniversaries")
    await expect(page.get_by_text("重要週年：40 週年")).to_be_visible()
    await assert_accessible(page)

    await page.goto("/reports/engagement")
    for name in ("每月互動", "各國交流", "本期間舉行活動的邀請"):
        await expect(page.get_by_role("img", name=name)).to_be_visible()
    region = page.get_by_role("region", name="各國交流")
    await region.get_by_text("以表格顯示").click()
    await expect(region.get_by_role("row").filter(has_text="南韓")).to_be_visible()
    await screenshot(page, "reports-engagement-zh")
    await assert_accessible(page)
