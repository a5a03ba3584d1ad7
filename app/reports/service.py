"""Reports over the whole CRM. Each is a fixed number of queries, never one per city."""

from collections import defaultdict
from collections.abc import Collection, Iterator
from datetime import date, timedelta
from typing import Any

from sqlalchemy import case, distinct, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.cities.models import City
from app.contacts.models import Contact
from app.errors import InvalidInput
from app.events.models import Event
from app.exports.formats import csv_document
from app.follow_ups.models import FollowUp, FollowUpStatus
from app.interactions.models import (
    Interaction,
    InteractionCity,
    InteractionKind,
    InteractionOrganization,
)
from app.invitations.models import Invitation, InvitationStatus
from app.organizations.models import Organization
from app.partnerships.models import Partnership, PartnershipKind, PartnershipStatus
from app.reports.schemas import EngagementReport
from app.text import fold


def _days_before(day: date, days: int) -> date:
    try:
        return day - timedelta(days=days)
    except OverflowError:  # before year 1: nothing can have happened then
        return date.min


def _days_after(day: date, days: int) -> date:
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max


def _is_active_partnership(as_of: date, kinds: Collection[PartnershipKind] = ()) -> list[Any]:
    """Live, active, and already signed on ``as_of`` (a partnership signed later was not one
    yet; one without a signing date counts)."""
    conditions = [
        col(Partnership.status) == PartnershipStatus.active,
        col(Partnership.archived_at).is_(None),
        or_(col(Partnership.signed_on).is_(None), col(Partnership.signed_on) <= as_of),
    ]
    if kinds:
        conditions.append(col(Partnership.kind).in_(list(kinds)))
    return conditions


def _active_partner_city_ids(as_of: date, kinds: Collection[PartnershipKind]) -> Any:
    return select(col(Partnership.city_id)).where(*_is_active_partnership(as_of, kinds))


def _last_interaction_on(as_of: date) -> Any:
    """The city's latest live interaction on or before ``as_of``: one backwards probe of the
    (city_id, occurred_on) index per partner city, instead of a GROUP BY over all of them."""
    return (
        select(col(InteractionCity.occurred_on))
        .join(Interaction, col(Interaction.id) == col(InteractionCity.interaction_id))
        .where(
            col(InteractionCity.city_id) == col(City.id),
            col(InteractionCity.occurred_on) <= as_of,
            col(Interaction.archived_at).is_(None),
        )
        .order_by(col(InteractionCity.occurred_on).desc())
        .limit(1)
        .correlate(City)
        .scalar_subquery()
    )


def _active_contacts() -> Any:
    # Counted over the city's live contacts (the partial city index), testing is_active per
    # row: filtering on is_active lets SQLite walk the boolean index over every active contact.
    return (
        select(func.coalesce(func.sum(case((col(Contact.is_active).is_(True), 1), else_=0)), 0))
        .where(col(Contact.city_id) == col(City.id), col(Contact.archived_at).is_(None))
        .correlate(City)
        .scalar_subquery()
    )


def _open_follow_ups() -> Any:
    """Open follow-ups about the city itself or about one of its live contacts."""
    contacts_of_city = (
        select(col(Contact.id))
        .where(col(Contact.city_id) == col(City.id), col(Contact.archived_at).is_(None))
        .correlate(City)
    )
    return (
        select(func.count())
        .select_from(FollowUp)
        .where(
            col(FollowUp.status) == FollowUpStatus.open,
            col(FollowUp.archived_at).is_(None),
            or_(
                col(FollowUp.city_id) == col(City.id),
                col(FollowUp.contact_id).in_(contacts_of_city),
            ),
        )
        .correlate(City)
        .scalar_subquery()
    )


async def dormant_partners(
    session: AsyncSession,
    *,
    as_of: date,
    inactive_days: int,
    kinds: Collection[PartnershipKind] = (),
) -> list[dict[str, Any]]:
    """Cities with an active partnership and no interaction in the ``inactive_days`` before
    ``as_of`` (or none at all): never-contacted first, then the longest dormant. Signing a
    partnership is contact too: a city with one signed in that window is not dormant."""
    cutoff = _days_before(as_of, inactive_days)
    recently_signed = select(col(Partnership.city_id)).where(
        *_is_active_partnership(as_of), col(Partnership.signed_on) >= cutoff
    )
    partners = (
        select(
            col(City.id).label("city_id"),
            _last_interaction_on(as_of).label("last_on"),
            _active_contacts().label("active_contacts"),
            _open_follow_ups().label("open_follow_ups"),
        )
        .where(
            col(City.archived_at).is_(None),
            col(City.id).in_(_active_partner_city_ids(as_of, kinds)),
            col(City.id).not_in(recently_signed),
        )
        .subquery()
    )
    rows = (
        await session.execute(
            select(City, partners.c.last_on, partners.c.active_contacts, partners.c.open_follow_ups)
            .join(partners, partners.c.city_id == col(City.id))
            .where(or_(partners.c.last_on.is_(None), partners.c.last_on < cutoff))
            .order_by(
                partners.c.last_on.is_not(None),
                partners.c.last_on,
                col(City.name_key),
                col(City.id),
            )
        )
    ).all()
    partnerships = await _active_partnerships_of(session, [row[0].id for row in rows], as_of, kinds)
    return [
        {
            "city": city,
            "partnerships": partnerships[city.id],
            "last_interaction_on": last_on,
            "days_inactive": (as_of - last_on).days if last_on is not None else None,
            "active_contacts": int(active_contacts or 0),
            "open_follow_ups": int(open_follow_ups or 0),
        }
        for city, last_on, active_contacts, open_follow_ups in rows
    ]


async def _active_partnerships_of(
    session: AsyncSession,
    city_ids: list[int],
    as_of: date,
    kinds: Collection[PartnershipKind],
) -> dict[int, list[Partnership]]:
    by_city: dict[int, list[Partnership]] = defaultdict(list)
    if not city_ids:
        return by_city
    stmt = (
        select(Partnership)
        .where(col(Partnership.city_id).in_(city_ids), *_is_active_partnership(as_of, kinds))
        # Undated last on both databases (PostgreSQL and SQLite disagree on where NULLs sort).
        .order_by(
            col(Partnership.signed_on).is_(None), col(Partnership.signed_on), col(Partnership.id)
        )
    )
    for partnership in await session.scalars(stmt):
        by_city[partnership.city_id].append(partnership)
    return by_city


async def dormant_city_ids(
    session: AsyncSession,
    *,
    as_of: date,
    inactive_days: int,
    kinds: Collection[PartnershipKind] = (),
) -> list[int]:
    """The ids of the dormant partner cities (for building invitation lists)."""
    return [
        row["city"].id
        for row in await dormant_partners(
            session, as_of=as_of, inactive_days=inactive_days, kinds=kinds
        )
    ]


def partnership_label(partnership: Partnership) -> str:
    """``sister_city (1961-06-15)``: a partnership in one cell of a table."""
    kind = PartnershipKind(partnership.kind).value
    return f"{kind} ({partnership.signed_on.isoformat()})" if partnership.signed_on else kind


DORMANT_CSV_HEADER = (
    "city_id",
    "city",
    "country_code",
    "region",
    "partnerships",
    "last_interaction_on",
    "days_inactive",
    "active_contacts",
    "open_follow_ups",
)


def dormant_partners_csv(items: list[dict[str, Any]]) -> str:
    """The rows of ``dormant_partners`` as a spreadsheet-safe CSV document."""
    return csv_document(
        DORMANT_CSV_HEADER,
        (
            [
                item["city"].id,
                item["city"].name,
                item["city"].country_code,
                item["city"].region,
                [partnership_label(p) for p in item["partnerships"]],
                item["last_interaction_on"],
                item["days_inactive"],
                item["active_contacts"],
                item["open_follow_ups"],
            ]
            for item in items
        ),
    )


# -- anniversaries ----------------------------------------------------------------------------


def _anniversary_in(signed_on: date, year: int) -> date:
    try:
        return signed_on.replace(year=year)
    except ValueError:  # signed on 29 February; other years keep it on the 28th
        return date(year, 2, 28)


def _anniversaries_between(signed_on: date, first: date, last: date) -> Iterator[tuple[date, int]]:
    """(day, years) of each anniversary of ``signed_on`` from ``first`` to ``last`` inclusive;
    the signing day itself is no anniversary."""
    for year in range(max(first.year, signed_on.year + 1), last.year + 1):
        day = _anniversary_in(signed_on, year)
        if first <= day <= last:
            yield day, year - signed_on.year


async def anniversaries(
    session: AsyncSession, *, as_of: date, within_days: int
) -> list[dict[str, Any]]:
    """Signing anniversaries of the active partnerships of live cities from ``as_of`` to
    ``within_days`` later (both ends included), soonest first; every fifth year is a milestone.
    Partnerships without a signing date have none."""
    last = _days_after(as_of, within_days)
    rows = (
        await session.execute(
            select(Partnership, City)
            .join(City, col(City.id) == col(Partnership.city_id))
            .where(
                col(Partnership.status) == PartnershipStatus.active,
                col(Partnership.archived_at).is_(None),
                col(City.archived_at).is_(None),
                col(Partnership.signed_on).is_not(None),
                col(Partnership.signed_on) < last,
            )
        )
    ).all()
    items: list[dict[str, Any]] = [
        {
            "city": city,
            "partnership": partnership,
            "anniversary_on": day,
            "years": years,
            "milestone": years % 5 == 0,
        }
        for partnership, city in rows
        if partnership.signed_on is not None  # (the query asks for these only)
        for day, years in _anniversaries_between(partnership.signed_on, as_of, last)
    ]
    items.sort(key=lambda i: (i["anniversary_on"], i["city"].name_key, i["partnership"].id))
    return items


# -- engagement -------------------------------------------------------------------------------


def engagement_period(
    *, year: int | None, start: date | None, end: date | None, today: date
) -> tuple[date, date]:
    """The period asked for: a calendar year, or from/to (both inclusive), or this year."""

    def invalid(parameter: str, detail: str) -> InvalidInput:
        return InvalidInput(
            detail, errors=[{"parameter": parameter, "in": "query", "detail": detail}]
        )

    if year is not None:
        if start is not None or end is not None:
            raise invalid("year", "Give either year or from and to, not both")
        return date(year, 1, 1), date(year, 12, 31)
    if start is None and end is None:
        return date(today.year, 1, 1), date(today.year, 12, 31)
    if start is None:
        raise invalid("from", "to needs from: give both dates of the period")
    if end is None:
        raise invalid("to", "from needs to: give both dates of the period")
    if end < start:
        raise invalid("to", "to is before from")
    return start, end


def _tally(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _by_kind(kinds: type[PartnershipKind] | type[InteractionKind], rows: Any) -> dict[str, int]:
    counts = dict.fromkeys((k.value for k in kinds), 0)
    counts.update({str(kind): int(n) for kind, n in rows})
    return counts


async def _partnerships_by_kind(session: AsyncSession, *conditions: Any) -> dict[str, int]:
    rows = await session.execute(
        select(col(Partnership.kind), func.count())
        .join(City, col(City.id) == col(Partnership.city_id))
        .where(col(City.archived_at).is_(None), col(Partnership.archived_at).is_(None), *conditions)
        .group_by(col(Partnership.kind))
    )
    return _by_kind(PartnershipKind, rows)


def _live_interactions_in(start: date, end: date) -> list[Any]:
    return [
        col(Interaction.archived_at).is_(None),
        col(Interaction.occurred_on).between(start, end),
    ]


def _archived_interaction_ids() -> Any:
    return select(col(Interaction.id)).where(col(Interaction.archived_at).is_not(None))


def _engaged_links_in(start: date, end: date) -> list[Any]:
    """The period's links of live interactions: one index-only range of (occurred_on, city_id,
    interaction_id), the few archived interactions left out from their own partial index (a
    hashed anti-join) instead of a join to the interaction table for every link."""
    return [
        col(InteractionCity.occurred_on).between(start, end),
        col(InteractionCity.interaction_id).not_in(_archived_interaction_ids()),
    ]


def _engaged_city(home_city: str) -> list[Any]:
    """A city the engagement report counts: live, and not the home city."""
    return [col(City.archived_at).is_(None), col(City.name_key) != fold(home_city)[:200]]


def _cities_left_out(home_city: str) -> Any:
    """The cities the engagement report does not count (archived ones, the home city): few."""
    return select(col(City.id)).where(
        or_(col(City.archived_at).is_not(None), col(City.name_key) == fold(home_city)[:200])
    )


async def _engaged_cities(
    session: AsyncSession, start: date, end: date, home_city: str
) -> tuple[int, int, list[dict[str, Any]]]:
    """How many cities and countries the period's interactions reached, and the top five:
    one grouped pass over the period's links by city id (then joined to the few cities), from
    which all three are read."""
    links = (
        select(col(InteractionCity.city_id).label("city_id"), func.count().label("interactions"))
        .where(*_engaged_links_in(start, end))
        .group_by(col(InteractionCity.city_id))
        .subquery()
    )
    per_city = (
        select(
            col(City.id).label("id"),
            col(City.name).label("name"),
            col(City.name_key).label("name_key"),
            col(City.country_code).label("country_code"),
            links.c.interactions,
        )
        .join(links, links.c.city_id == col(City.id))
        .where(*_engaged_city(home_city))
        .cte("per_city")
    )
    cities = select(func.count()).select_from(per_city).scalar_subquery()
    countries = select(func.count(distinct(per_city.c.country_code))).scalar_subquery()
    rows = (
        await session.execute(
            select(per_city.c.id, per_city.c.name, per_city.c.interactions, cities, countries)
            .order_by(per_city.c.interactions.desc(), per_city.c.name_key, per_city.c.id)
            .limit(5)
        )
    ).all()
    most_engaged = [
        {"city_id": city_id, "name": name, "interactions": int(n)}
        for city_id, name, n, _, _ in rows
    ]
    if not rows:
        return 0, 0, most_engaged
    return int(rows[0][3]), int(rows[0][4]), most_engaged


async def _events_hosted(session: AsyncSession, start: date, end: date) -> dict[str, Any]:
    """Events the home city hosts (no host organization) starting in the period, and how their
    live invitations went: one query over the events outer-joined to their invitations."""
    said_yes = col(Invitation.status).in_(
        [InvitationStatus.accepted, InvitationStatus.attended, InvitationStatus.no_show]
    )
    went_out = or_(
        col(Invitation.sent_at).is_not(None),
        col(Invitation.status).in_(
            [
                InvitationStatus.sent,
                InvitationStatus.accepted,
                InvitationStatus.declined,
                InvitationStatus.attended,
                InvitationStatus.no_show,
            ]
        ),
    )
    count, sent, accepted, declined, attended = (
        await session.execute(
            select(
                func.count(distinct(col(Event.id))),
                _tally(went_out),
                _tally(said_yes),
                _tally(col(Invitation.status) == InvitationStatus.declined),
                _tally(col(Invitation.status) == InvitationStatus.attended),
            )
            .select_from(Event)
            .outerjoin(
                Invitation,
                (col(Invitation.event_id) == col(Event.id)) & col(Invitation.archived_at).is_(None),
            )
            .where(
                col(Event.archived_at).is_(None),
                col(Event.host_organization_id).is_(None),
                col(Event.starts_on).between(start, end),
            )
        )
    ).one()
    answered = int(accepted) + int(declined)
    return {
        "count": int(count),
        "invitations_sent": int(sent),
        "accepted": int(accepted),
        "declined": int(declined),
        "attended": int(attended),
        "acceptance_rate": round(int(accepted) / answered, 4) if answered else None,
    }


async def engagement(
    session: AsyncSession,
    *,
    start: date,
    end: date,
    today: date,
    inactive_days: int,
    home_city: str,
) -> EngagementReport:
    """The measures a desk reports to its city government for the period ``start``-``end``
    (inclusive): a handful of aggregate queries. "At the end" means the period's last day, or
    today while the period is still running."""
    at_end = min(end, today)
    # One pass over the period's live interactions (index-only) counts them per kind and, per
    # kind, those with a live organization: the period's organization links (which carry
    # their interaction's date) are one index-only range, hashed once, the few archived
    # organizations left out as a list.
    with_organization = col(Interaction.id).in_(
        select(col(InteractionOrganization.interaction_id)).where(
            col(InteractionOrganization.occurred_on).between(start, end),
            col(InteractionOrganization.organization_id).not_in(
                select(col(Organization.id)).where(col(Organization.archived_at).is_not(None))
            ),
        )
    )
    kinds = (
        await session.execute(
            select(col(Interaction.kind), func.count(), _tally(with_organization))
            .where(*_live_interactions_in(start, end))
            .group_by(col(Interaction.kind))
        )
    ).all()
    interactions_by_kind = _by_kind(InteractionKind, [(kind, n) for kind, n, _ in kinds])
    meeting_kinds = {InteractionKind.meeting.value, InteractionKind.conference.value}
    organization_meetings = sum(int(n) for kind, _, n in kinds if str(kind) in meeting_kinds)
    cities, countries, most_engaged = await _engaged_cities(session, start, end, home_city)
    dormant = await dormant_city_ids(session, as_of=at_end, inactive_days=inactive_days)
    return EngagementReport.model_validate(
        {
            "period": {"from": start, "to": end},
            "partnerships": {
                "active_at_end_by_kind": await _partnerships_by_kind(
                    session, *_is_active_partnership(at_end)
                ),
                "signed_in_period_by_kind": await _partnerships_by_kind(
                    session, col(Partnership.signed_on).between(start, end)
                ),
            },
            "interactions_by_kind": interactions_by_kind,
            "cities_engaged": cities,
            "countries_engaged": countries,
            "conferences_attended": interactions_by_kind[InteractionKind.conference.value],
            "organization_meetings": organization_meetings,
            "visits": {
                "inbound": interactions_by_kind[InteractionKind.visit_inbound.value],
                "outbound": interactions_by_kind[InteractionKind.visit_outbound.value],
            },
            "events_hosted": await _events_hosted(session, start, end),
            "dormant_partners_at_end": len(dormant),
            "most_engaged_cities": most_engaged,
        }
    )


async def interactions_per_month(
    session: AsyncSession, *, start: date, end: date
) -> list[tuple[date, int]]:
    """Live interactions of the period per calendar month, as (first day of the month, count),
    every month of the period listed (a quiet month counts 0): the engagement report's
    column chart. One GROUP BY over the live interactions' (occurred_on) index, index-only."""
    # Grouped by the day itself, the index's own order (no per-row date arithmetic), and the
    # days summed into months here: at most one row per day of the period.
    rows = await session.execute(
        select(col(Interaction.occurred_on), func.count())
        .where(*_live_interactions_in(start, end))
        .group_by(col(Interaction.occurred_on))
    )
    counts: dict[tuple[int, int], int] = defaultdict(int)
    for day, n in rows:
        counts[day.year, day.month] += int(n)
    months: list[tuple[date, int]] = []
    first = date(start.year, start.month, 1)
    while first <= end:
        months.append((first, counts.get((first.year, first.month), 0)))
        first = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return months


async def engagement_by_country(
    session: AsyncSession, *, start: date, end: date, home_city: str
) -> list[tuple[str | None, int]]:
    """Live interactions of the period per country of the live cities they reach (the home
    city left out, as in ``most_engaged_cities``), as (country code, count), most first, ties
    by code (cities without a country last, as None). An interaction with two cities of one
    country counts once for it.

    The links carry their city's country and their interaction's date, so the period's links
    are one index-only range of (occurred_on, country_code, interaction_id, city_id) in which
    an interaction's links to one country are neighbours: grouping by those three columns
    follows the index (no sort, no join to city), and the few cities left out are a list."""
    links = (
        select(col(InteractionCity.country_code).label("country_code"))
        .where(
            *_engaged_links_in(start, end),
            col(InteractionCity.city_id).not_in(_cities_left_out(home_city)),
        )
        .group_by(
            col(InteractionCity.occurred_on),
            col(InteractionCity.country_code),
            col(InteractionCity.interaction_id),
        )
        .subquery()
    )
    interactions = func.count().label("n")
    rows = await session.execute(
        select(links.c.country_code, interactions)
        .group_by(links.c.country_code)
        .order_by(interactions.desc(), links.c.country_code.is_(None), links.c.country_code)
    )
    return [(code, int(n)) for code, n in rows]


def _measures(value: Any, name: str = "") -> Iterator[tuple[str, Any]]:
    """A nested report as (dotted name, value) pairs; list entries are numbered from 1."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _measures(item, f"{name}.{key}" if name else key)
    elif isinstance(value, list):
        for number, item in enumerate(value, start=1):
            yield from _measures(item, f"{name}.{number}")
    else:
        yield name, value


def engagement_csv(report: EngagementReport) -> str:
    """The report as a two-column ``measure,value`` CSV document."""
    return csv_document(
        ("measure", "value"), _measures(report.model_dump(mode="json", by_alias=True))
    )
