"""Reports over the whole CRM. Each is a fixed number of queries, never one per city."""

from collections import defaultdict
from collections.abc import Collection
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.cities.models import City
from app.contacts.models import Contact
from app.follow_ups.models import FollowUp, FollowUpStatus
from app.interactions.models import Interaction, InteractionCity
from app.partnerships.models import Partnership, PartnershipKind, PartnershipStatus


def _active_partner_city_ids(kinds: Collection[PartnershipKind]) -> Any:
    stmt = select(Partnership.city_id).where(
        Partnership.status == PartnershipStatus.active, Partnership.archived_at.is_(None)
    )
    if kinds:
        stmt = stmt.where(Partnership.kind.in_(list(kinds)))
    return stmt


def _last_interaction_on(as_of: date) -> Any:
    """The city's latest live interaction on or before ``as_of``: one backwards probe of the
    (city_id, occurred_on) index per partner city, instead of a GROUP BY over all of them."""
    return (
        select(InteractionCity.occurred_on)
        .join(Interaction, Interaction.id == InteractionCity.interaction_id)
        .where(
            InteractionCity.city_id == City.id,
            InteractionCity.occurred_on <= as_of,
            Interaction.archived_at.is_(None),
        )
        .order_by(InteractionCity.occurred_on.desc())
        .limit(1)
        .correlate(City)
        .scalar_subquery()
    )


def _active_contacts() -> Any:
    return (
        select(func.count())
        .select_from(Contact)
        .where(
            Contact.city_id == City.id,
            Contact.is_active.is_(True),
            Contact.archived_at.is_(None),
        )
        .correlate(City)
        .scalar_subquery()
    )


def _open_follow_ups() -> Any:
    """Open follow-ups about the city itself or about one of its contacts."""
    contacts_of_city = select(Contact.id).where(Contact.city_id == City.id).correlate(City)
    return (
        select(func.count())
        .select_from(FollowUp)
        .where(
            FollowUp.status == FollowUpStatus.open,
            FollowUp.archived_at.is_(None),
            or_(FollowUp.city_id == City.id, FollowUp.contact_id.in_(contacts_of_city)),
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
    ``as_of`` (or none at all): never-contacted first, then the longest dormant."""
    cutoff = as_of - timedelta(days=inactive_days)
    partners = (
        select(
            City.id.label("city_id"),
            _last_interaction_on(as_of).label("last_on"),
            _active_contacts().label("active_contacts"),
            _open_follow_ups().label("open_follow_ups"),
        )
        .where(City.archived_at.is_(None), City.id.in_(_active_partner_city_ids(kinds)))
        .subquery()
    )
    rows = (
        await session.execute(
            select(City, partners.c.last_on, partners.c.active_contacts, partners.c.open_follow_ups)
            .join(partners, partners.c.city_id == City.id)
            .where(or_(partners.c.last_on.is_(None), partners.c.last_on < cutoff))
            .order_by(partners.c.last_on.is_not(None), partners.c.last_on, City.name_key, City.id)
        )
    ).all()
    partnerships = await _active_partnerships_of(session, [row[0].id for row in rows], kinds)
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
    session: AsyncSession, city_ids: list[int], kinds: Collection[PartnershipKind]
) -> dict[int, list[Partnership]]:
    by_city: dict[int, list[Partnership]] = defaultdict(list)
    if not city_ids:
        return by_city
    stmt = select(Partnership).where(
        Partnership.city_id.in_(city_ids),
        Partnership.status == PartnershipStatus.active,
        Partnership.archived_at.is_(None),
    )
    if kinds:
        stmt = stmt.where(Partnership.kind.in_(list(kinds)))
    for partnership in await session.scalars(stmt.order_by(Partnership.signed_on, Partnership.id)):
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
