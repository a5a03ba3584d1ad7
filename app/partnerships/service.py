from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.audit.schemas import AuditEntity
from app.cities.models import City
from app.errors import InvalidInput
from app.pagination import ListQuery, filter_records, paginate
from app.partnerships.models import Partnership, PartnershipKind, PartnershipStatus
from app.partnerships.schemas import PartnershipCreate, PartnershipFilters, PartnershipUpdate
from app.records import (
    changed_fields,
    conflict_with,
    create_record,
    get_reference,
    update_record,
)
from app.text import fold, like_pattern

SORTABLE = {
    "signed_on": col(Partnership.signed_on),
    "kind": col(Partnership.kind),
    "status": col(Partnership.status),
    "city_id": col(Partnership.city_id),
    "created_at": col(Partnership.created_at),
    "id": col(Partnership.id),
}


async def list_partnerships(
    session: AsyncSession, page: ListQuery, filters: PartnershipFilters
) -> tuple[list[Partnership], int]:
    stmt = filter_records(select(Partnership), Partnership, filters, "city_id", "kind", "status")
    if filters.q:
        stmt = stmt.join(City, col(City.id) == col(Partnership.city_id)).where(
            col(City.search_text).like(like_pattern(filters.q, pairs=True), escape="\\")
        )
    return await paginate(
        session,
        stmt,
        page,
        sortable=SORTABLE,
        default_order=[col(Partnership.signed_on).desc()],
        tiebreak=col(Partnership.id),
    )


async def _check_city(session: AsyncSession, city_id: int, home_city: str) -> None:
    city = await get_reference(session, City, city_id, field="city_id", noun="city")
    if fold(city.name) == fold(home_city):
        raise InvalidInput.field(
            "city_id", f"{city.name} is the home city; a partnership is with another city"
        )


async def _check_one_active(
    session: AsyncSession,
    city_id: int,
    kind: PartnershipKind,
    status: PartnershipStatus,
    *,
    exclude_id: int | None = None,
) -> None:
    """A city has at most one live, active partnership of each kind."""
    if status != PartnershipStatus.active:
        return
    stmt = select(col(Partnership.id)).where(
        col(Partnership.city_id) == city_id,
        col(Partnership.kind) == kind,
        col(Partnership.status) == PartnershipStatus.active,
        col(Partnership.archived_at).is_(None),
    )
    if exclude_id is not None:
        stmt = stmt.where(col(Partnership.id) != exclude_id)
    existing = await session.scalar(stmt.order_by(col(Partnership.id)).limit(1))
    if existing is not None:
        raise conflict_with(
            "partnership",
            existing,
            f"City {city_id} already has an active {PartnershipKind(kind).value} partnership "
            f"(partnership {existing}); end or suspend it first",
        )


async def check_restorable(session: AsyncSession, partnership: Partnership) -> None:
    await _check_one_active(
        session,
        partnership.city_id,
        partnership.kind,
        partnership.status,
        exclude_id=partnership.id,
    )


async def create_partnership(
    session: AsyncSession, data: PartnershipCreate, *, actor: str, home_city: str
) -> Partnership:
    await _check_city(session, data.city_id, home_city)
    await _check_one_active(session, data.city_id, data.kind, data.status)
    partnership = Partnership(**data.model_dump())
    return await create_record(
        session, partnership, actor=actor, entity=AuditEntity.partnership, extra={}
    )


async def update_partnership(
    session: AsyncSession,
    partnership: Partnership,
    data: PartnershipUpdate,
    *,
    actor: str,
    home_city: str,
) -> Partnership:
    values = changed_fields(data)
    if "city_id" in values and values["city_id"] != partnership.city_id:
        await _check_city(session, values["city_id"], home_city)
    identity = {k: values.get(k, getattr(partnership, k)) for k in ("city_id", "kind", "status")}
    if partnership.archived_at is None and identity != {
        k: getattr(partnership, k) for k in identity
    }:
        await _check_one_active(session, **identity, exclude_id=partnership.id)
    return await update_record(
        session, partnership, values, actor=actor, entity=AuditEntity.partnership
    )
