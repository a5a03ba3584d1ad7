from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response, status

from app.audit.schemas import AuditEntity
from app.auth.deps import Editor
from app.contacts import service as contacts_service
from app.contacts.models import Contact
from app.contacts.schemas import ContactCreate, ContactRead, ContactUpdate
from app.db import SessionDep
from app.fields import CountryCode, IdPath, IdQuery, Tag
from app.pagination import Page, PageDep
from app.records import IfMatch, check_if_match, get_record, set_etag
from app.routing import add_record_routes, created

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


@router.post("", response_model=ContactRead, status_code=status.HTTP_201_CREATED)
async def create_contact(
    data: ContactCreate, session: SessionDep, user: Editor, request: Request, response: Response
) -> Contact:
    contact = await contacts_service.create_contact(session, data, actor=user.username)
    return created(request, response, contact, AuditEntity.contact)


@router.patch("/{record_id}", response_model=ContactRead)
async def update_contact(
    record_id: IdPath,
    data: ContactUpdate,
    session: SessionDep,
    user: Editor,
    response: Response,
    if_match: IfMatch = None,
) -> Contact:
    contact = await get_record(session, Contact, record_id, "contact")
    check_if_match(contact, if_match)
    contact = await contacts_service.update_contact(session, contact, data, actor=user.username)
    return set_etag(response, contact)


add_record_routes(
    router,
    model=Contact,
    read_schema=ContactRead,
    entity=AuditEntity.contact,
    noun="contact",
    check_restorable=contacts_service.check_restorable,
)
