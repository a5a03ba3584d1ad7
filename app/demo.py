"""A small dataset a newcomer recognises: Taipei, its sister cities Houston and Johannesburg,
the city networks it belongs to, and the delegates met at a Metropolis course in Barcelona.

The cities, networks, events and the Houston agreement (15 June 1961) are real; every contact
person, e-mail address and most interactions are fictional and say so. Beside the past events,
the next Smart City Summit is set about three months after the day the demo is loaded, with
invitations to send this week (one of them a few days late), so Today has work on it."""

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.cities import service as cities_service
from app.cities.models import City
from app.cities.schemas import CityCreate
from app.contacts import service as contacts_service
from app.contacts.schemas import ContactCreate
from app.db import utcnow
from app.events import service as events_service
from app.events.schemas import EventCreate
from app.follow_ups import service as follow_ups_service
from app.follow_ups.schemas import FollowUpCreate
from app.interactions import service as interactions_service
from app.interactions.schemas import InteractionCreate
from app.invitations import service as invitations_service
from app.invitations.schemas import BulkInvite, InvitationCreate
from app.organizations import service as organizations_service
from app.organizations.schemas import MemberCreate, OrganizationCreate
from app.partnerships import service as partnerships_service
from app.partnerships.schemas import PartnershipCreate

ACTOR = "demo"
FICTIONAL = "Fictional person created for the demo data; not a real contact."
COURSE = "Metropolis internationalization course for local authorities, Barcelona, Nov 2024"

CITIES = [
    CityCreate(
        name="Taipei",
        alternate_names=["臺北", "台北", "Taipei City"],
        country_code="TW",
        region="Northern Taiwan",
        notes="Home city of this desk.",
    ),
    CityCreate(
        name="New Taipei",
        alternate_names=["新北", "新北市"],
        country_code="TW",
        region="Northern Taiwan",
        notes="Co-host of the 2025 World Masters Games.",
    ),
    CityCreate(
        name="Houston", alternate_names=["休士頓", "休斯敦"], country_code="US", region="Texas"
    ),
    CityCreate(
        name="Johannesburg",
        alternate_names=["約翰尼斯堡", "Joburg", "eGoli"],
        country_code="ZA",
        region="Gauteng",
    ),
    CityCreate(name="Busan", alternate_names=["부산", "釜山"], country_code="KR"),
    CityCreate(name="Chișinău", alternate_names=["基希訥烏", "Kishinev"], country_code="MD"),
    CityCreate(name="Gaziantep", alternate_names=["加濟安泰普", "Antep"], country_code="TR"),
    CityCreate(name="Tallinn", alternate_names=["塔林"], country_code="EE", region="Harju County"),
    CityCreate(
        name="Brussels",
        alternate_names=["Bruxelles", "Brussel", "布魯塞爾"],
        country_code="BE",
        region="Brussels-Capital Region",
    ),
    CityCreate(
        name="Barcelona",
        alternate_names=["巴塞隆納", "巴塞罗那"],
        country_code="ES",
        region="Catalonia",
    ),
]

DELEGATES = [
    (
        "Johannesburg",
        "Thandiwe Mokoena",
        None,
        "Ms.",
        "Deputy Director, International Relations",
        ["en", "zu"],
    ),
    ("Busan", "Kim Min-jun", "김민준", "Mr.", "International Cooperation Officer", ["ko", "en"]),
    ("Chișinău", "Ana Rusu", None, "Ms.", "Head of External Relations", ["ro", "ru", "en"]),
    ("Gaziantep", "Elif Yıldız", None, "Dr.", "Foreign Relations Advisor", ["tr", "en"]),
    ("Tallinn", "Kadri Tamm", None, "Ms.", "International Projects Manager", ["et", "en"]),
    (
        "Brussels",
        "Sophie Peeters",
        None,
        "Ms.",
        "EU and International Affairs Adviser",
        ["fr", "nl", "en"],
    ),
]


async def database_is_empty(session: AsyncSession) -> bool:
    return not await session.scalar(select(func.count()).select_from(City))


async def load_demo(
    session: AsyncSession,
    *,
    home_city: str = "Taipei",
    assignee_id: int | None = None,
    dormant_after_days: int = 730,
    today: date | None = None,
) -> None:
    """Load the demo records; the follow-up to reconnect with Johannesburg goes to
    ``assignee_id`` (the bootstrap admin). ``today`` is the desk's day: the upcoming event
    and its invitations are dated from it. Loaded only into an empty database (the callers
    check ``database_is_empty``), so it is never loaded twice."""
    today = today or utcnow().date()
    cities = {}
    for data in CITIES:
        city = await cities_service.create_city(session, data, actor=ACTOR)
        cities[city.name] = city.id

    houston = await partnerships_service.create_partnership(
        session,
        PartnershipCreate(
            city_id=cities["Houston"],
            kind="sister_city",
            signed_on=date(1961, 6, 15),
            notes="Taipei's first sister-city agreement.",
        ),
        actor=ACTOR,
        home_city=home_city,
    )
    await partnerships_service.create_partnership(
        session,
        PartnershipCreate(
            city_id=cities["Johannesburg"],
            kind="sister_city",
            notes="Signing date not recorded. Contact lapsed for years until the "
            "2024 Metropolis course.",
        ),
        actor=ACTOR,
        home_city=home_city,
    )

    metropolis = await organizations_service.create_organization(
        session,
        OrganizationCreate(
            name="Metropolis",
            acronym="Metropolis",
            kind="city_network",
            website="https://www.metropolis.org",
            headquarters_city_id=cities["Barcelona"],
            home_membership="member",
            notes="World Association of the Major Metropolises.",
        ),
        actor=ACTOR,
    )
    await organizations_service.create_organization(
        session,
        OrganizationCreate(
            name="ICLEI – Local Governments for Sustainability",
            acronym="ICLEI",
            kind="city_network",
            website="https://iclei.org",
            home_membership="member",
        ),
        actor=ACTOR,
    )
    await organizations_service.create_organization(
        session,
        OrganizationCreate(
            name="Milan Urban Food Policy Pact",
            acronym="MUFPP",
            kind="city_network",
            website="https://www.milanurbanfoodpolicypact.org",
            home_membership="member",
        ),
        actor=ACTOR,
    )
    for name in ("Barcelona", "Busan", "Brussels", "Johannesburg", "Taipei"):
        await organizations_service.add_member(
            session, metropolis, MemberCreate(city_id=cities[name]), actor=ACTOR
        )

    delegate_ids = []
    for city_name, full_name, local_name, honorific, position, languages in DELEGATES:
        slug = full_name.lower().replace(" ", ".").replace("ı", "i")
        contact = await contacts_service.create_contact(
            session,
            ContactCreate(
                full_name=full_name,
                local_name=local_name,
                honorific=honorific,
                position=position,
                city_id=cities[city_name],
                email=f"{slug}@example.org",
                languages=languages,
                tags=["metropolis-course-2024"],
                source=COURSE,
                notes=FICTIONAL,
            ),
            actor=ACTOR,
        )
        delegate_ids.append(contact.id)

    interactions = [
        InteractionCreate(
            kind="letter",
            occurred_on=date(2012, 5, 14),
            title="Greetings letter to Johannesburg (fictional)",
            summary="Fictional example: the last exchange before contact lapsed.",
            city_ids=[cities["Johannesburg"]],
        ),
        InteractionCreate(
            kind="conference",
            occurred_on=date(2024, 11, 18),
            title="Metropolis internationalization course for local authorities",
            summary="18–22 November 2024. Met delegates from Johannesburg, Busan, "
            "Chișinău, Gaziantep, Tallinn and Brussels; back in touch with "
            "our sister city Johannesburg.",
            location="Barcelona",
            contact_ids=delegate_ids,
            city_ids=[cities["Barcelona"]],
            organization_ids=[metropolis.id],
            tags=["metropolis", "training"],
        ),
        InteractionCreate(
            kind="video_call",
            occurred_on=date(2025, 9, 10),
            title="Houston sister-city check-in (fictional)",
            summary="Fictional example: planning exchanges for the 65th anniversary in 2026.",
            city_ids=[cities["Houston"]],
        ),
        InteractionCreate(
            kind="visit_inbound",
            occurred_on=date(2026, 3, 24),
            title="Houston delegation visits Taipei (fictional)",
            summary="Fictional example: delegation at the Smart City Summit & Expo.",
            location="Taipei",
            city_ids=[cities["Houston"]],
        ),
    ]
    for interaction in interactions:
        await interactions_service.create_interaction(session, interaction, actor=ACTOR)
    assert houston.id is not None

    summit = await events_service.create_event(
        session,
        EventCreate(
            name="Smart City Summit & Expo 2025",
            starts_on=date(2025, 3, 18),
            ends_on=date(2025, 3, 21),
            city_id=cities["Taipei"],
            venue="Taipei Nangang Exhibition Center",
            description="Hosted by Taipei. Invite partner-city delegates.",
        ),
        actor=ACTOR,
    )
    await events_service.create_event(
        session,
        EventCreate(
            name="2025 World Masters Games",
            starts_on=date(2025, 5, 17),
            ends_on=date(2025, 5, 30),
            city_id=cities["Taipei"],
            venue="Taipei and New Taipei",
            description="Co-hosted by Taipei and New Taipei.",
        ),
        actor=ACTOR,
    )
    await invitations_service.bulk_invite(
        session,
        summit,
        BulkInvite(send_on=date(2025, 1, 15), contact_ids=delegate_ids),
        actor=ACTOR,
        dormant_after_days=dormant_after_days,
        today=today,
    )
    await follow_ups_service.create_follow_up(
        session,
        FollowUpCreate(
            title="Reconnect with Johannesburg: propose a sister-city exchange",
            due_on=today + timedelta(days=14),
            assignee_id=assignee_id,
            city_id=cities["Johannesburg"],
            contact_id=delegate_ids[0],
            notes="Met their delegate at the Metropolis course; follow up before "
            "the relationship goes quiet again.",
        ),
        actor=ACTOR,
    )
    await _upcoming_summit(session, cities["Taipei"], delegate_ids, today=today)


# Days from today each delegate's invitation to the next summit is to go out (the first is
# late): all within Today's "this week".
UPCOMING_SEND_DAYS = (-3, 0, 1, 2, 4, 6)


async def _upcoming_summit(
    session: AsyncSession, taipei_id: int | None, delegate_ids: list[int | None], *, today: date
) -> None:
    """The next Smart City Summit & Expo, about three months ahead, with the delegates'
    invitations planned to go out this week."""
    starts_on = today + timedelta(days=91)
    summit = await events_service.create_event(
        session,
        EventCreate(
            name=f"Smart City Summit & Expo {starts_on.year}",
            starts_on=starts_on,
            ends_on=starts_on + timedelta(days=3),
            city_id=taipei_id,
            venue="Taipei Nangang Exhibition Center",
            description="Hosted by Taipei. Invite partner-city delegates; the invitations "
            "go out about three months ahead.",
        ),
        actor=ACTOR,
    )
    for contact_id, days in zip(delegate_ids, UPCOMING_SEND_DAYS, strict=True):
        assert contact_id is not None
        await invitations_service.create_invitation(
            session,
            summit,
            InvitationCreate(contact_id=contact_id, send_on=today + timedelta(days=days)),
            actor=ACTOR,
        )
