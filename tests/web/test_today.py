"""Today, the home page: follow-ups (mine first, one-click done), invitations to send this
week, dormant partners, anniversaries and recent interactions, in both languages."""

from datetime import date
from typing import Any

import httpx
from playwright.async_api import Page, expect

from app.demo import load_demo
from tests.factories import (
    make_city,
    make_contact,
    make_event,
    make_follow_up,
    make_interaction,
    make_invitation,
    make_partnership,
    today,
)
from tests.web.conftest import web_sign_in

ADMIN_ID = 1
EDITOR_ID = 2


async def desk_day(client: httpx.AsyncClient) -> dict[str, Any]:
    """A morning at the desk: a dormant sister city with an anniversary soon, a recent visit,
    follow-ups (one overdue for the admin), an event with invitations to send this week."""
    in_a_month = date.fromisoformat(today(30))
    signed = in_a_month.replace(year=in_a_month.year - 30)
    busan = await make_city(client, name="Busan", country_code="KR")
    await make_partnership(client, busan["id"], signed_on=signed.isoformat())
    brussels = await make_city(client, name="Brussels", country_code="BE")
    await make_partnership(client, brussels["id"], kind="friendship_city", signed_on="2010-05-01")
    kim = await make_contact(client, full_name="Kim Min-jun", city_id=busan["id"])
    marie = await make_contact(client, full_name="Marie Dubois", city_id=brussels["id"])
    await make_interaction(
        client,
        title="Delegation from Brussels",
        occurred_on=today(-3),
        city_ids=[brussels["id"]],
        contact_ids=[marie["id"]],
    )
    overdue = await make_follow_up(
        client,
        title="Send the MoU draft to Busan",
        due_on=today(-2),
        assignee_id=ADMIN_ID,
        city_id=busan["id"],
    )
    others = await make_follow_up(
        client, title="Book the interpreter", due_on=today(3), assignee_id=EDITOR_ID
    )
    mine = await make_follow_up(
        client,
        title="Call Marie about the summit",
        due_on=today(5),
        assignee_id=ADMIN_ID,
        contact_id=marie["id"],
    )
    await make_follow_up(client, title="Far away", due_on=today(40))
    summit = await make_event(client, name="Smart City Summit", starts_on=today(20))
    for contact in (kim, marie):
        await make_invitation(client, summit["id"], contact["id"], send_on=today(2))
    return {"busan": busan, "overdue": overdue, "others": others, "mine": mine, "summit": summit}


async def test_today_shows_the_desk_s_day(
    web: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    day = await desk_day(client)
    await web_sign_in(web, "admin")
    page = (await web.get("/")).text
    assert "Send the MoU draft to Busan" in page and "Far away" not in page
    # Mine first among the upcoming ones.
    assert page.index("Call Marie about the summit") < page.index("Book the interpreter")
    assert f'href="/events/{day["summit"]["id"]}"' in page and "2 invitations" in page
    assert f'href="/cities/{day["busan"]["id"]}"' in page
    assert "Never contacted" in page  # Busan: dormant
    assert "30 years" in page  # the anniversary, a milestone
    assert "Delegation from Brussels" in page
    assert "South Korea" in page


async def test_overdue_invitations_of_an_event_not_over_are_listed_as_overdue(
    web: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    kim = await make_contact(client, full_name="Kim Min-jun")
    ana = await make_contact(client, full_name="Ana Rusu")
    running = await make_event(client, name="Summit", starts_on=today(-1), ends_on=today(2))
    await make_invitation(client, running["id"], kim["id"], send_on=today(-4))
    await make_invitation(client, running["id"], ana["id"], send_on=today(3))
    over = await make_event(client, name="Old forum", starts_on=today(-10), ends_on=today(-8))
    await make_invitation(client, over["id"], kim["id"], send_on=today(-12))
    await web_sign_in(web, "admin")
    page = (await web.get("/")).text
    assert f'href="/events/{running["id"]}"' in page and "2 invitations" in page
    assert "1 overdue since" in page
    assert f'href="/events/{over["id"]}"' not in page


async def test_a_follow_up_of_an_interaction_names_all_its_contacts(
    web: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    kim = await make_contact(client, full_name="Kim Min-jun")
    ana = await make_contact(client, full_name="Ana Rusu")
    interaction = await make_interaction(
        client,
        title="Call with Busan and Chișinău",
        occurred_on=today(-1),
        contact_ids=[kim["id"], ana["id"]],
        follow_up={"title": "Send both the brochure", "due_on": today(3)},
    )
    await web_sign_in(web, "admin")
    page = (await web.get("/")).text
    start = page.index("Send both the brochure")
    item = page[start : page.index("</li>", start)]
    assert f'href="/contacts/{kim["id"]}"' in item and f'href="/contacts/{ana["id"]}"' in item
    assert f'href="/interactions/{interaction["id"]}"' in item


async def test_the_last_follow_up_done_leaves_the_empty_message(
    web: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    only = await make_follow_up(client, title="The only one", due_on=today(2))
    token = await web_sign_in(web, "editor")
    response = await web.post(
        f"/follow-ups/{only['id']}/done", headers={"HX-Request": "true", "X-CSRF-Token": token}
    )
    assert response.status_code == 200
    assert "Nothing due in the next two weeks." in response.text
    assert 'id="follow-ups-card"' in response.text and "Done: The only one" in response.text


async def test_today_in_chinese(web: httpx.AsyncClient, client: httpx.AsyncClient) -> None:
    await desk_day(client)
    await web_sign_in(web, "admin")
    page = (await web.get("/", headers={"Accept-Language": "zh-TW"})).text
    for words in (
        "今日",
        "後續追蹤",
        "逾期",
        "本週待寄出的邀請",
        "久未聯繫的夥伴城市",
        "南韓",
        "30 年",
        "姊妹市",
    ):
        assert words in page, words


async def test_done_in_one_click(web: httpx.AsyncClient, client: httpx.AsyncClient) -> None:
    day = await desk_day(client)
    token = await web_sign_in(web, "editor")
    follow_up_id = day["overdue"]["id"]
    response = await web.post(
        f"/follow-ups/{follow_up_id}/done", headers={"HX-Request": "true", "X-CSRF-Token": token}
    )
    assert response.status_code == 200
    assert 'hx-swap-oob="true"' in response.text
    assert "Done: Send the MoU draft to Busan" in response.text
    stored = (await client.get(f"/api/v1/follow-ups/{follow_up_id}")).json()
    assert stored["status"] == "done" and stored["completed_at"]
    assert "Send the MoU draft to Busan" not in (await web.get("/")).text
    # Without JavaScript: a plain form post, back to Today with the message.
    response = await web.post(f"/follow-ups/{day['mine']['id']}/done", data={"csrf_token": token})
    assert response.status_code == 303 and response.headers["location"] == "/"
    assert "Done: Call Marie about the summit" in (await web.get("/")).text


async def test_a_viewer_sees_no_done_button(
    web: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    await desk_day(client)
    await web_sign_in(web, "viewer")
    page = (await web.get("/")).text
    assert "Send the MoU draft to Busan" in page
    assert "/done" not in page


async def test_an_empty_day(web: httpx.AsyncClient) -> None:
    await web_sign_in(web, "editor")
    page = (await web.get("/")).text
    assert "Nothing due in the next two weeks." in page
    assert "No interactions logged yet." in page


async def test_done_on_a_missing_follow_up_is_a_404_page(web: httpx.AsyncClient) -> None:
    token = await web_sign_in(web, "editor")
    response = await web.post("/follow-ups/999999/done", data={"csrf_token": token})
    assert response.status_code == 404
    assert "Page not found" in response.text


async def test_today_in_the_browser(
    page: Page,
    client: httpx.AsyncClient,
    sign_in,
    screenshot,
    assert_accessible,
) -> None:
    await desk_day(client)
    await sign_in(page, "admin")
    await expect(page.get_by_role("heading", name="Today", level=1)).to_be_visible()
    overdue = page.locator("#overdue-follow-ups li", has_text="Send the MoU draft to Busan")
    await expect(overdue).to_be_visible()
    await screenshot(page, "today")
    await assert_accessible(page)

    await overdue.get_by_role("button", name="Done").click()
    await expect(overdue).to_have_count(0)
    await expect(page.get_by_role("status")).to_contain_text("Done: Send the MoU draft to Busan")
    await page.reload()
    await expect(page.get_by_text("Send the MoU draft to Busan")).to_have_count(0)

    await page.get_by_role("button", name="繁體中文").click()
    await expect(page.get_by_role("heading", name="今日", level=1)).to_be_visible()
    await expect(page.get_by_role("heading", name="本週待寄出的邀請")).to_be_visible()
    await screenshot(page, "today-zh")
    await assert_accessible(page)
    upcoming = page.locator("#upcoming-follow-ups li", has_text="Call Marie about the summit")
    await upcoming.get_by_role("button", name="完成").click()
    await expect(upcoming).to_have_count(0)
    await expect(page.get_by_role("status")).to_contain_text("已完成：Call Marie about the summit")
    # The last one coming up: the heading stays, with the empty message under it.
    last = page.locator("#upcoming-follow-ups li", has_text="Book the interpreter")
    await last.get_by_role("button", name="完成").click()
    await expect(last).to_have_count(0)
    await expect(page.get_by_text("未來兩週沒有到期的事項。")).to_be_visible()
    await expect(page.locator("#follow-ups-heading")).to_be_focused()


async def test_today_on_the_demo_data(
    app, page: Page, client: httpx.AsyncClient, sign_in, screenshot, assert_accessible
) -> None:
    """What a new desk sees after `make run` (the README's screenshot is this page)."""
    async with app.state.database.write_sessionmaker() as session, session.begin():
        await load_demo(session, assignee_id=ADMIN_ID)
    await sign_in(page, "admin")
    follow_ups = page.get_by_role("region", name="Follow-ups")
    await expect(follow_ups.get_by_text("Johannesburg").first).to_be_visible()
    dormant = page.get_by_role("region", name="Dormant partners")
    await expect(dormant.get_by_role("link", name="Johannesburg")).to_be_visible()
    # The 2025 summit is over: its invitations still marked planned are not to send any more;
    # the next one's are to go out this week, one of them late.
    invitations = page.get_by_role("region", name="Invitations to send this week")
    await expect(invitations.get_by_role("link")).to_have_count(1)
    await expect(invitations.get_by_role("link")).to_contain_text("Smart City Summit & Expo")
    await expect(invitations).to_contain_text("6 invitations")
    await expect(invitations).to_contain_text("1 overdue since")
    await screenshot(page, "today-demo")
    await assert_accessible(page)
    await page.get_by_role("button", name="繁體中文").click()
    await expect(page.get_by_role("region", name="後續追蹤")).to_be_visible()
    await screenshot(page, "today-demo-zh")
    await assert_accessible(page)
    # The Events page's upcoming list (its default) has the next summit.
    await page.goto("/events")
    await expect(page.get_by_role("link", name="Smart City Summit & Expo 20")).to_be_visible()
