from typing import Annotated, Any

from fastapi import APIRouter, Query

from app.audit.schemas import AuditEntity
from app.contacts import service as contacts_service
from app.contacts.models import Contact
from app.contacts.schemas import ContactCreate, ContactFilters, ContactRead, ContactUpdate
from app.db import SessionDep
from app.harvesting import ContactReadsDep
from app.pagination import ListQuery, Page, SortBy
from app.routing import add_record_routes

router = APIRouter(prefix="/contacts", tags=["contacts"])


class ContactListQuery(ContactFilters, ListQuery):
    sort: Annotated[str, SortBy(contacts_service.SORTABLE)] | None = None


@router.get("", response_model=Page[ContactRead])
async def list_contacts(
    session: SessionDep, query: Annotated[ContactListQuery, Query()], reads: ContactReadsDep
) -> dict[str, Any]:
    items, total = await contacts_service.list_contacts(session, query, query)
    await reads.sent(len(items), entity=AuditEntity.contact, query=query)
    return Page.build(items, total, query)


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
