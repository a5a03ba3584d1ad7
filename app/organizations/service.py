from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.audit import service as audit_service
from app.audit.schemas import AuditAction, AuditEntity
from app.cities.models import City
from app.errors import Conflict, NotFound
from app.organizations.models import Organization, OrganizationMember
from app.organizations.schemas import (
    MemberCreate,
    OrganizationCreate,
    OrganizationFilters,
    OrganizationUpdate,
)
from app.pagination import ListQuery, filter_records, paginate
from app.records import (
    changed_fields,
    conflict_with,
    create_record,
    get_reference,
    update_record,
)
from app.text import fold, like_pattern, search_text

SORTABLE = {
    "name": col(Organization.name_key),
    "acronym": col(Organization.acronym),
    "kind": col(Organization.kind),
    "member_since": col(Organization.member_since),
    "created_at": col(Organization.created_at),
    "id": col(Organization.id),
}


def _refresh_search(organization: Organization) -> None:
    organization.name_key = fold(organization.name)[:200]
    organization.search_text = search_text(organization.name, organization.acronym, pairs=True)


def _plain_values(values: dict[str, Any]) -> dict[str, Any]:
    if values.get("website") is not None:
        values["website"] = str(values["website"])
    return values


async def list_organizations(
    session: AsyncSession, page: ListQuery, filters: OrganizationFilters
) -> tuple[list[Organization], int]:
    stmt = filter_records(select(Organization), Organization, filters, "kind", "home_membership")
    if filters.q:
        stmt = stmt.where(
            col(Organization.search_text).like(like_pattern(filters.q, pairs=True), escape="\\")
        )
    return await paginate(
        session,
        stmt,
        page,
        sortable=SORTABLE,
        default_order=[col(Organization.name_key)],
        tiebreak=col(Organization.id),
    )


async def _check_not_duplicate(
    session: AsyncSession, name: str, acronym: str | None, *, exclude_id: int | None = None
) -> None:
    """No two live organizations share a name or an acronym (folded: case, accents and
    Chinese script do not count)."""
    key, acronym_key = fold(name), fold(acronym)
    candidates = [col(Organization.name_key) == key[:200]]
    if acronym_key:
        # The index narrows it down; the exact comparison is below.
        candidates.append(
            col(Organization.search_text).like(like_pattern(acronym_key), escape="\\")
        )
    stmt = select(Organization).where(col(Organization.archived_at).is_(None), or_(*candidates))
    if exclude_id is not None:
        stmt = stmt.where(col(Organization.id) != exclude_id)
    for other in await session.scalars(stmt.order_by(col(Organization.id))):
        assert other.id is not None
        if other.name_key == key[:200]:
            what = f"the name {other.name}"
        elif acronym_key and fold(other.acronym) == acronym_key:
            what = f"the acronym {other.acronym}"
        else:
            continue
        raise conflict_with(
            "organization",
            other.id,
            f"Organization {other.id} already has {what}",
        )


async def check_restorable(session: AsyncSession, organization: Organization) -> None:
    """An organization comes back only if no live one took its name or acronym meanwhile."""
    await _check_not_duplicate(
        session, organization.name, organization.acronym, exclude_id=organization.id
    )


async def create_organization(
    session: AsyncSession, data: OrganizationCreate, *, actor: str
) -> Organization:
    await _check_not_duplicate(session, data.name, data.acronym)
    if data.headquarters_city_id is not None:
        await get_reference(
            session, City, data.headquarters_city_id, field="headquarters_city_id", noun="city"
        )
    organization = Organization(**_plain_values(data.model_dump()))
    _refresh_search(organization)
    return await create_record(
        session, organization, actor=actor, entity=AuditEntity.organization, extra={}
    )


async def update_organization(
    session: AsyncSession, organization: Organization, data: OrganizationUpdate, *, actor: str
) -> Organization:
    values = _plain_values(changed_fields(data))
    name, acronym = (
        values.get("name", organization.name),
        values.get("acronym", organization.acronym),
    )
    if organization.archived_at is None and (
        name != organization.name or acronym != organization.acronym
    ):
        await _check_not_duplicate(session, name, acronym, exclude_id=organization.id)
    city_id = values.get("headquarters_city_id")
    if city_id is not None and city_id != organization.headquarters_city_id:
        await get_reference(session, City, city_id, field="headquarters_city_id", noun="city")
    return await update_record(
        session,
        organization,
        values,
        actor=actor,
        entity=AuditEntity.organization,
        refresh=_refresh_search,
    )


async def list_members(session: AsyncSession, organization: Organization) -> list[dict[str, Any]]:
    rows = await session.execute(
        select(OrganizationMember, col(City.name), col(City.country_code))
        .join(City, col(City.id) == col(OrganizationMember.city_id))
        .where(col(OrganizationMember.organization_id) == organization.id)
        .order_by(col(City.name_key), col(City.id))
    )
    return [
        {
            "organization_id": member.organization_id,
            "city_id": member.city_id,
            "city_name": name,
            "country_code": country_code,
            "since": member.since,
        }
        for member, name, country_code in rows.all()
    ]


async def _member_ids(session: AsyncSession, organization_id: int) -> list[int]:
    rows = await session.scalars(
        select(col(OrganizationMember.city_id))
        .where(col(OrganizationMember.organization_id) == organization_id)
        .order_by(col(OrganizationMember.city_id))
    )
    return list(rows.all())


async def add_member(
    session: AsyncSession, organization: Organization, data: MemberCreate, *, actor: str
) -> dict[str, Any]:
    assert organization.id is not None
    if organization.archived_at is not None:
        raise Conflict(f"Organization {organization.id} is archived; restore it first")
    city = await get_reference(session, City, data.city_id, field="city_id", noun="city")
    existing = await session.get(OrganizationMember, (organization.id, data.city_id))
    if existing is not None:
        raise Conflict(
            f"{city.name} is already a member of {organization.name}",
            existing_city_id=data.city_id,
        )
    before = await _member_ids(session, organization.id)
    session.add(
        OrganizationMember(organization_id=organization.id, city_id=data.city_id, since=data.since)
    )
    await session.flush()
    audit_service.record(
        session,
        actor=actor,
        action=AuditAction.update,
        entity=AuditEntity.organization,
        entity_id=organization.id,
        changes={"member_city_ids": {"old": before, "new": sorted([*before, data.city_id])}},
    )
    return {
        "organization_id": organization.id,
        "city_id": city.id,
        "city_name": city.name,
        "country_code": city.country_code,
        "since": data.since,
    }


async def remove_member(
    session: AsyncSession, organization: Organization, city_id: int, *, actor: str
) -> None:
    assert organization.id is not None
    member = await session.get(OrganizationMember, (organization.id, city_id))
    if member is None:
        raise NotFound(f"City {city_id} is not a member of organization {organization.id}")
    before = await _member_ids(session, organization.id)
    await session.delete(member)
    await session.flush()
    audit_service.record(
        session,
        actor=actor,
        action=AuditAction.update,
        entity=AuditEntity.organization,
        entity_id=organization.id,
        changes={"member_city_ids": {"old": before, "new": [c for c in before if c != city_id]}},
    )


async def memberships_of_city(session: AsyncSession, city_id: int) -> list[dict[str, Any]]:
    """The live organizations a city is a member of, in name order, with the date it joined."""
    rows = await session.execute(
        select(Organization, col(OrganizationMember.since))
        .join(OrganizationMember, col(OrganizationMember.organization_id) == col(Organization.id))
        .where(col(OrganizationMember.city_id) == city_id, col(Organization.archived_at).is_(None))
        .order_by(col(Organization.name_key), col(Organization.id))
    )
    return [{"organization": organization, "since": since} for organization, since in rows.all()]
