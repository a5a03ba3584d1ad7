from typing import Any

from fastapi import APIRouter, Request, Response, status

from app.audit.schemas import AuditEntity
from app.auth.deps import Editor
from app.db import SessionDep
from app.fields import IdPath
from app.organizations import service as organizations_service
from app.organizations.models import HomeMembership, Organization, OrganizationKind
from app.organizations.schemas import (
    MemberCreate,
    MemberRead,
    OrganizationCreate,
    OrganizationRead,
    OrganizationUpdate,
)
from app.pagination import Page, PageDep
from app.records import IfMatch, check_if_match, get_record, set_etag
from app.routing import add_record_routes, created

router = APIRouter(prefix="/organizations", tags=["organizations"])


@router.get("", response_model=Page[OrganizationRead])
async def list_organizations(
    session: SessionDep,
    page: PageDep,
    kind: OrganizationKind | None = None,
    home_membership: HomeMembership | None = None,
) -> dict[str, Any]:
    items, total = await organizations_service.list_organizations(
        session, page, kind=kind, home_membership=home_membership
    )
    return Page.build(items, total, page)


@router.post("", response_model=OrganizationRead, status_code=status.HTTP_201_CREATED)
async def create_organization(
    data: OrganizationCreate,
    session: SessionDep,
    user: Editor,
    request: Request,
    response: Response,
) -> Organization:
    organization = await organizations_service.create_organization(
        session, data, actor=user.username
    )
    return created(request, response, organization, AuditEntity.organization)


@router.patch("/{record_id}", response_model=OrganizationRead)
async def update_organization(
    record_id: IdPath,
    data: OrganizationUpdate,
    session: SessionDep,
    user: Editor,
    response: Response,
    if_match: IfMatch = None,
) -> Organization:
    organization = await get_record(session, Organization, record_id, "organization")
    check_if_match(organization, if_match)
    organization = await organizations_service.update_organization(
        session, organization, data, actor=user.username
    )
    return set_etag(response, organization)


@router.get("/{record_id}/members", response_model=list[MemberRead])
async def list_members(record_id: IdPath, session: SessionDep) -> list[dict[str, Any]]:
    organization = await get_record(session, Organization, record_id, "organization")
    return await organizations_service.list_members(session, organization)


@router.post("/{record_id}/members", response_model=MemberRead, status_code=status.HTTP_201_CREATED)
async def add_member(
    record_id: IdPath, data: MemberCreate, session: SessionDep, user: Editor
) -> dict[str, Any]:
    organization = await get_record(session, Organization, record_id, "organization")
    return await organizations_service.add_member(session, organization, data, actor=user.username)


@router.delete("/{record_id}/members/{city_id}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_member(
    record_id: IdPath, city_id: IdPath, session: SessionDep, user: Editor
) -> None:
    organization = await get_record(session, Organization, record_id, "organization")
    await organizations_service.remove_member(session, organization, city_id, actor=user.username)


add_record_routes(
    router,
    model=Organization,
    read_schema=OrganizationRead,
    entity=AuditEntity.organization,
    noun="organization",
)
