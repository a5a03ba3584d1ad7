from typing import Annotated, Any

from fastapi import APIRouter, Query

from app.audit.schemas import AuditEntity
from app.contacts import service as contacts_service
from app.contacts.models import Contact
from app.contacts.schemas import ContactCreate, ContactRead, ContactUpdate
from app.db import SessionDep
from app.fields import CountryCode, IdQuery, Tag
from app.pagination import Page, PageDep
from app.routing import add_record_routes

router = APIRouter(prefix="/contacts", tags=["contacts"])


@router.get("", response_model=Page[ContactRead])
async def list_contacts(
    session: SessionDep,
    page: PageDep,
    city_id: IdQuery = None,
    organization_id: IdQuery = None,
    tag: Annotated[Tag | None, Query()] = None,
    is_active: bool | None = None,
    country_code: Annotated[CountryCode | None, Query()] = None,
) -> dict[str, Any]:
    items, total = await contacts_service.list_contacts(
        session,
        page,
        city_id=city_id,
        organization_id=organization_id,
        tag=tag,
        is_active=is_active,
        country_code=country_code,
    )
    return Page.build(items, total, page)


add_record_routes(
    router,
    model=Contact,
    read_schema=ContactRead,
    create_schema=ContactCreate,
    update_schema=ContactUpdate,
    create=lambda session, data, actor, _settings: contacts_service.create_contact(
        session, data, actor=actor
    ),
    update=lambda session, contact, data, actor, _settings: contacts_service.update_contact(
        session, contact, data, actor=actor
    ),
    entity=AuditEntity.contact,
    noun="contact",
    check_restorable=contacts_service.check_restorable,
    archive=lambda session, contact, actor, _options: contacts_service.archive_contact(
        session, contact, actor=actor
    ),
)
