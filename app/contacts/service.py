from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.audit.schemas import AuditEntity
from app.cities.models import City
from app.contacts.models import Contact
from app.contacts.schemas import ContactCreate, ContactFilters, ContactUpdate
from app.db import json_list_contains
from app.errors import InvalidInput
from app.fields import phone_number
from app.invitations import service as invitations_service
from app.organizations.models import Organization
from app.pagination import ListQuery, filter_records, paginate
from app.records import (
    archive_many,
    archive_record,
    changed_fields,
    conflict_with,
    create_record,
    get_reference,
    update_record,
)
from app.text import fold, like_pattern, search_text

SORTABLE = {
    "full_name": col(Contact.name_key),
    "email": col(Contact.email_key),
    "city_id": col(Contact.city_id),
    "organization_id": col(Contact.organization_id),
    "created_at": col(Contact.created_at),
    "updated_at": col(Contact.updated_at),
    "id": col(Contact.id),
}


def _refresh_derived(contact: Contact) -> None:
    contact.name_key = fold(contact.full_name)[:200]
    contact.email_key = contact.email.lower() if contact.email else None
    contact.search_text = search_text(
        contact.full_name, contact.local_name, contact.email, pairs=True
    )


def filtered_contacts(session: AsyncSession, filters: ContactFilters) -> Select[Contact]:
    """The contacts a list (or an export) with these filters shows, unordered."""
    stmt = filter_records(select(Contact), Contact, filters, "city_id", "organization_id")
    if filters.tag:
        stmt = stmt.where(json_list_contains(session, col(Contact.tags), filters.tag))
    if filters.is_active is not None:
        stmt = stmt.where(col(Contact.is_active).is_(filters.is_active))
    if filters.country_code:
        stmt = stmt.where(col(Contact.country_code) == filters.country_code)
    if filters.q:
        stmt = stmt.where(
            col(Contact.search_text).like(like_pattern(filters.q, pairs=True), escape="\\")
        )
    return stmt


async def list_contacts(
    session: AsyncSession, page: ListQuery, filters: ContactFilters
) -> tuple[list[Contact], int]:
    return await paginate(
        session,
        filtered_contacts(session, filters),
        page,
        sortable=SORTABLE,
        default_order=[col(Contact.name_key)],
        tiebreak=col(Contact.id),
    )


async def _check_email_free(
    session: AsyncSession, email: str | None, *, exclude_id: int | None = None
) -> None:
    if not email:
        return
    stmt = select(col(Contact.id)).where(
        col(Contact.email_key) == email.lower(), col(Contact.archived_at).is_(None)
    )
    if exclude_id is not None:
        stmt = stmt.where(col(Contact.id) != exclude_id)
    existing = await session.scalar(stmt.limit(1))
    if existing is not None:
        raise conflict_with(
            "contact", existing, f"Contact {existing} already has the e-mail address {email}"
        )


async def _country_of(session: AsyncSession, city_id: int | None) -> str | None:
    city = await session.get(City, city_id) if city_id is not None else None
    return city.country_code if city else None


def _resolve_phone(values: dict[str, Any], country_code: str | None) -> None:
    """A phone number written without its country code is read as a number of the country
    of the contact's city."""
    phone = values.get("phone")
    if not phone or phone.startswith("+"):
        return
    try:
        values["phone"] = phone_number(phone, country_code)
    except ValueError as exc:
        raise InvalidInput.field("phone", str(exc)) from exc


async def _check_references(session: AsyncSession, values: dict[str, Any]) -> None:
    """The city and organization a contact is given must exist and be live."""
    if values.get("city_id") is not None:
        await get_reference(session, City, values["city_id"], field="city_id", noun="city")
    if values.get("organization_id") is not None:
        await get_reference(
            session,
            Organization,
            values["organization_id"],
            field="organization_id",
            noun="organization",
        )


async def _load_names(session: AsyncSession, contact: Contact) -> Contact:
    await session.refresh(contact, ["city_name", "organization_name"])
    return contact


async def create_contact(session: AsyncSession, data: ContactCreate, *, actor: str) -> Contact:
    values = data.model_dump()
    await _check_email_free(session, data.email)
    await _check_references(session, values)
    country_code = await _country_of(session, values.get("city_id"))
    _resolve_phone(values, country_code)
    contact = Contact(**values, country_code=country_code)
    _refresh_derived(contact)
    await create_record(session, contact, actor=actor, entity=AuditEntity.contact, extra={})
    return await _load_names(session, contact)


async def update_contact(
    session: AsyncSession, contact: Contact, data: ContactUpdate, *, actor: str
) -> Contact:
    values = changed_fields(data)
    if values.get("email") and (values["email"].lower() != (contact.email_key or "")):
        await _check_email_free(session, values["email"], exclude_id=contact.id)
    changed_refs = {
        k: v
        for k, v in values.items()
        if k in ("city_id", "organization_id") and v != getattr(contact, k)
    }
    await _check_references(session, changed_refs)
    country_code = await _country_of(session, values.get("city_id", contact.city_id))
    _resolve_phone(values, country_code)
    contact.country_code = country_code  # derived from the city: not audited
    await update_record(
        session, contact, values, actor=actor, entity=AuditEntity.contact, refresh=_refresh_derived
    )
    return await _load_names(session, contact) if changed_refs else contact


async def archive_contact(session: AsyncSession, contact: Contact, *, actor: str) -> Contact:
    """Archive a contact and cancel the invitations still planned for them."""
    if contact.archived_at is None:
        assert contact.id is not None
        await invitations_service.cancel_planned(session, [contact.id], actor=actor)
    return await archive_record(session, contact, actor=actor, entity=AuditEntity.contact)


async def archive_contacts(session: AsyncSession, contact_ids: list[int], *, actor: str) -> None:
    """Archive several contacts at once (a cascade), cancelling their planned invitations."""
    await invitations_service.cancel_planned(session, contact_ids, actor=actor)
    await archive_many(session, Contact, contact_ids, actor=actor, entity=AuditEntity.contact)


async def check_restorable(session: AsyncSession, contact: Contact) -> None:
    """A contact comes back only if no live contact took its e-mail address meanwhile."""
    await _check_email_free(session, contact.email, exclude_id=contact.id)
