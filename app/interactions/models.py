from datetime import date
from enum import StrEnum

from sqlalchemy import Column, Index, String, text
from sqlmodel import Field, SQLModel

from app.db import JSONList, RecordMixin


class InteractionKind(StrEnum):
    meeting = "meeting"
    visit_inbound = "visit_inbound"
    visit_outbound = "visit_outbound"
    conference = "conference"
    call = "call"
    video_call = "video_call"
    email = "email"
    letter = "letter"
    other = "other"


class Interaction(RecordMixin, table=True):
    __tablename__ = "interaction"
    __table_args__ = (
        # The few archived interactions, so timelines and reports can leave them out without
        # touching the interaction table for every link.
        Index(
            "ix_interaction_archived",
            "id",
            sqlite_where=text("archived_at IS NOT NULL"),
            postgresql_where=text("archived_at IS NOT NULL"),
        ),
        # The live interactions by date: the engagement report's counts per kind, per month and
        # of organization meetings, index-only (archived_at, always null here, makes the index
        # covering in SQLite's eyes, which otherwise reads the table through the plain one).
        Index(
            "ix_interaction_occurred_on_live",
            "occurred_on",
            "kind",
            "id",
            "archived_at",
            sqlite_where=text("archived_at IS NULL"),
            postgresql_where=text("archived_at IS NULL"),
        ),
    )

    kind: InteractionKind = Field(sa_type=String(20), index=True)
    occurred_on: date = Field(index=True)
    title: str = Field(max_length=300)
    summary: str | None = None
    location: str | None = Field(default=None, max_length=200)
    tags: list[str] = Field(default_factory=list, sa_column=Column(JSONList, nullable=False))
    # The id lists as clients read them; the link tables below answer the queries.
    contact_ids: list[int] = Field(default_factory=list, sa_column=Column(JSONList, nullable=False))
    city_ids: list[int] = Field(default_factory=list, sa_column=Column(JSONList, nullable=False))
    organization_ids: list[int] = Field(
        default_factory=list, sa_column=Column(JSONList, nullable=False)
    )
    search_text: str = Field(default="")


# Each link carries the interaction's date, so "a city's (or contact's) latest interactions"
# is one backward index range scan on (city_id, occurred_on, interaction_id).


class InteractionContact(SQLModel, table=True):
    __tablename__ = "interaction_contact"
    __table_args__ = (
        Index("ix_interaction_contact_timeline", "contact_id", "occurred_on", "interaction_id"),
    )

    interaction_id: int = Field(foreign_key="interaction.id", primary_key=True)
    contact_id: int = Field(foreign_key="contact.id", primary_key=True)
    occurred_on: date


class InteractionCity(SQLModel, table=True):
    __tablename__ = "interaction_city"
    __table_args__ = (
        Index("ix_interaction_city_timeline", "city_id", "occurred_on", "interaction_id"),
        # A period's links (the engagement report), one index-only range. An interaction's
        # links share its date, so in this order the links of one interaction to one country
        # are neighbours: interactions per country are counted in one pass, without a sort.
        Index(
            "ix_interaction_city_period",
            "occurred_on",
            "country_code",
            "interaction_id",
            "city_id",
        ),
    )

    interaction_id: int = Field(foreign_key="interaction.id", primary_key=True)
    city_id: int = Field(foreign_key="city.id", primary_key=True)
    occurred_on: date
    # The city's country (kept in step by the cities service, as contact.country_code is).
    country_code: str | None = Field(default=None, max_length=2)
    # True when the interaction names the city itself, false when it came from a contact.
    direct: bool = Field(default=True)


class InteractionOrganization(SQLModel, table=True):
    __tablename__ = "interaction_organization"
    __table_args__ = (
        Index(
            "ix_interaction_organization_organization_id_occurred_on",
            "organization_id",
            "occurred_on",
        ),
        # A period's links (the engagement report's organization meetings), index-only.
        Index(
            "ix_interaction_organization_period", "occurred_on", "organization_id", "interaction_id"
        ),
    )

    interaction_id: int = Field(foreign_key="interaction.id", primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", primary_key=True)
    occurred_on: date
