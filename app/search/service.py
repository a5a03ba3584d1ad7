"""One search box across cities, contacts and organizations: case-, accent- and
script-insensitive substring matching on every name a record has."""

from typing import Any

from sqlalchemy import case, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.cities.models import City
from app.contacts.models import Contact
from app.db import custom_plans
from app.organizations.models import Organization
from app.search.schemas import SearchHit
from app.text import fold, like_pattern

# Exact name, then names that start with the term, then any other match.
_EXACT, _PREFIX, _WORD, _ANYWHERE = 0, 1, 2, 3


def _escape(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _matches(kind: str, model: Any, label: Any, term: str) -> Any:
    search = model.search_text
    escaped = _escape(term)
    rank = case(
        (model.name_key == term, _EXACT),
        (search.like(f"{escaped}%", escape="\\"), _PREFIX),
        (search.like(f"%\n{escaped}%", escape="\\"), _PREFIX),
        (search.like(f"% {escaped}%", escape="\\"), _WORD),
        else_=_ANYWHERE,
    )
    return select(
        literal(kind).label("type"),
        model.id.label("id"),
        label.label("label"),
        rank.label("rank"),
        model.name_key.label("sort_key"),
    ).where(search.like(like_pattern(term, pairs=True), escape="\\"), model.archived_at.is_(None))


async def search(session: AsyncSession, q: str, *, limit: int) -> list[SearchHit]:
    term = fold(q)
    if not term:
        return []
    hits = union_all(
        _matches("city", City, col(City.name), term),
        _matches("organization", Organization, col(Organization.name), term),
        _matches("contact", Contact, col(Contact.full_name), term),
    ).subquery()
    statement = (
        select(hits.c.type, hits.c.id, hits.c.label)
        .order_by(hits.c.rank, hits.c.sort_key, hits.c.type, hits.c.id)
        .limit(limit)
    )
    # A generic plan, made without the term, cannot tell a rare term from a common one.
    async with custom_plans(session):
        rows = (await session.execute(statement)).all()
    return [SearchHit(type=r.type, id=r.id, label=r.label) for r in rows]
