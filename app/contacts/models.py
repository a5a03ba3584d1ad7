from sqlalchemy import Column, Index, inspect, select, text
from sqlalchemy.orm import column_property
from sqlmodel import Field, col

from app.cities.models import City
from app.db import JSONList, RecordMixin
from app.organizations.models import Organization


class Contact(RecordMixin, table=True):
    __tablename__ = "contact"
    __table_args__ = (
        # One live contact per e-mail address, whatever its case; archived ones may repeat.
        Index(
            "uq_contact_email_key_live",
            "email_key",
            unique=True,
            sqlite_where=text("archived_at IS NULL"),
            postgresql_where=text("archived_at IS NULL"),
        ),
        # Lists filter live contacts by city (and count them): an index of just those.
        Index(
            "ix_contact_city_id_live",
            "city_id",
            sqlite_where=text("archived_at IS NULL"),
            postgresql_where=text("archived_at IS NULL"),
        ),
        # Lists by country, in name order: read from this index in order, never sorted.
        Index(
            "ix_contact_country_code_name_key_live",
            "country_code",
            "name_key",
            "id",
            sqlite_where=text("archived_at IS NULL"),
            postgresql_where=text("archived_at IS NULL"),
        ),
        Index(
            "ix_contact_search_text",
            "search_text",
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        ),
    )

    full_name: str = Field(max_length=200)
    local_name: str | None = Field(default=None, max_length=200)
    honorific: str | None = Field(default=None, max_length=40)
    position: str | None = Field(default=None, max_length=200)
    department: str | None = Field(default=None, max_length=200)
    organization_id: int | None = Field(default=None, foreign_key="organization.id", index=True)
    city_id: int | None = Field(default=None, foreign_key="city.id", index=True)
    # The city's country, kept with the contact (the services keep it in step): a country's
    # contacts in name order are then one index range, where a subquery on the city made
    # PostgreSQL walk the whole name index when a country's names sort late (Hangul, kanji).
    country_code: str | None = Field(default=None, max_length=2)
    email: str | None = Field(default=None, max_length=320)
    email_key: str | None = Field(default=None, max_length=320)
    phone: str | None = Field(default=None, max_length=40)
    languages: list[str] = Field(default_factory=list, sa_column=Column(JSONList, nullable=False))
    tags: list[str] = Field(default_factory=list, sa_column=Column(JSONList, nullable=False))
    source: str | None = Field(default=None, max_length=200)
    notes: str | None = None
    is_active: bool = Field(default=True, index=True)
    name_key: str = Field(default="", max_length=200, index=True)
    search_text: str = Field(default="")


# The names a contact read shows, selected with the contact itself (correlated subqueries on
# primary keys): no City or Organization objects are built just to show two strings.
inspect(Contact).add_property(
    "city_name",
    column_property(
        select(col(City.name))
        .where(col(City.id) == col(Contact.city_id))
        .correlate_except(City)
        .scalar_subquery(),
        expire_on_flush=False,  # the service reloads them when the links change
    ),
)
inspect(Contact).add_property(
    "organization_name",
    column_property(
        select(col(Organization.name))
        .where(col(Organization.id) == col(Contact.organization_id))
        .correlate_except(Organization)
        .scalar_subquery(),
        expire_on_flush=False,
    ),
)
