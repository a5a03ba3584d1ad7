from sqlalchemy import Column, Index, text
from sqlmodel import Field, Relationship

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

    # Loaded with the contact in the same query: reads show the city's and organization's names.
    city: City | None = Relationship(sa_relationship_kwargs={"lazy": "joined"})
    organization: Organization | None = Relationship(sa_relationship_kwargs={"lazy": "joined"})

    @property
    def city_name(self) -> str | None:
        return self.city.name if self.city is not None else None

    @property
    def organization_name(self) -> str | None:
        return self.organization.name if self.organization is not None else None
