from datetime import date
from enum import StrEnum

from sqlalchemy import Index, String
from sqlmodel import Field, SQLModel

from app.db import RecordMixin


class OrganizationKind(StrEnum):
    city_network = "city_network"
    international_organization = "international_organization"
    ngo = "ngo"
    government = "government"
    company = "company"
    academic = "academic"
    other = "other"


class HomeMembership(StrEnum):
    member = "member"
    observer = "observer"
    former_member = "former_member"
    none = "none"


class Organization(RecordMixin, table=True):
    __tablename__ = "organization"
    __table_args__ = (
        Index(
            "ix_organization_search_text",
            "search_text",
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        ),
    )

    name: str = Field(max_length=200)
    acronym: str | None = Field(default=None, max_length=40)
    kind: OrganizationKind = Field(default=OrganizationKind.other, sa_type=String(40), index=True)
    website: str | None = Field(default=None, max_length=500)
    headquarters_city_id: int | None = Field(default=None, foreign_key="city.id", index=True)
    home_membership: HomeMembership = Field(
        default=HomeMembership.none, sa_type=String(20), index=True
    )
    member_since: date | None = None
    notes: str | None = None
    name_key: str = Field(default="", max_length=200, index=True)
    search_text: str = Field(default="")


class OrganizationMember(SQLModel, table=True):
    """A city that belongs to an organization (a network's member cities)."""

    __tablename__ = "organization_member"

    organization_id: int = Field(foreign_key="organization.id", primary_key=True)
    city_id: int = Field(foreign_key="city.id", primary_key=True, index=True)
    since: date | None = None
