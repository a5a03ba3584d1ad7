from typing import Annotated, Any

from fastapi import APIRouter, Query, status

from app.audit.schemas import AuditEntity
from app.auth.deps import Editor
from app.db import SessionDep
from app.fields import IdPath
from app.organizations import service as organizations_service
from app.organizations.models import Organization
from app.organizations.schemas import (
    MemberCreate,
    MemberRead,
    OrganizationCreate,
    OrganizationFilters,
    OrganizationRead,
    OrganizationUpdate,
)
from app.pagination import ListQuery, Page, SortBy
from app.records import get_record
from app.routing import add_record_routes

router = APIRouter(prefix="/organizations", tags=["organizations"])


class OrganizationListQuery(OrganizationFilters, ListQuery):
    sort: Annotated[str, SortBy(organizations_service.SORTABLE)] | None = None


@router.get("", response_model=Page[OrganizationRead])
async def list_organizations(
    session: SessionDep, query: Annotated[OrganizationListQuery, Query()]
) -> dict[str, Any]:
    items, total = await organizations_service.list_organizations(session, query, query)
    return Page.build(items, total, query)


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
    create_schema=OrganizationCreate,
    update_schema=OrganizationUpdate,
    create=lambda session, data, actor, _settings: organizations_service.create_organization(
        session, data, actor=actor
    ),
    update=lambda session, record, data, actor, _settings: (
        organizations_service.update_organization(session, record, data, actor=actor)
    ),
    entity=AuditEntity.organization,
    noun="organization",
    check_restorable=organizations_service.check_restorable,
)
