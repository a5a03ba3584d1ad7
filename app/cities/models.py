from sqlalchemy import Column, Index
from sqlmodel import Field

from app.db import JSONList, RecordMixin


class City(RecordMixin, table=True):
    __tablename__ = "city"
    __table_args__ = (
        Index(
            "ix_city_search_text",
            "search_text",
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        ),
    )

    name: str = Field(max_length=200)
    alternate_names: list[str] = Field(
        default_factory=list, sa_column=Column(JSONList, nullable=False)
    )
    country_code: str | None = Field(default=None, max_length=2, index=True)
    region: str | None = Field(default=None, max_length=200)
    population: int | None = Field(default=None)
    notes: str | None = Field(default=None)
    # Folded (case- and accent-free) copies for sorting and search, kept by the service.
    name_key: str = Field(default="", max_length=200, index=True)
    search_text: str = Field(default="")
