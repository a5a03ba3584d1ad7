from typing import Literal

from pydantic import BaseModel


class SearchHit(BaseModel):
    type: Literal["city", "contact", "organization"]
    id: int
    label: str


class SearchResults(BaseModel):
    items: list[SearchHit]
