"""List pages: typed paging parameters, sorting by a whitelisted field, and the page shape."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from app.errors import InvalidInput

T = TypeVar("T")

MAX_LIMIT = 200


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int

    @staticmethod
    def build(items: Sequence[Any], total: int, params: "PageParams") -> dict[str, Any]:
        """A page as the route returns it: items stay as loaded (ORM records) and the route's
        ``response_model`` reads them, properties included."""
        return {
            "items": list(items),
            "total": total,
            "limit": params.limit,
            "offset": params.offset,
        }


@dataclass(frozen=True)
class PageParams:
    limit: int = 50
    offset: int = 0
    sort: str | None = None
    q: str | None = None
    include_archived: bool = False


# Dependencies are async so FastAPI runs them on the event loop, not in a worker thread.
async def page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size")] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    sort: Annotated[
        str | None,
        Query(max_length=64, description="A field name; prefix with - for descending"),
    ] = None,
    q: Annotated[str | None, Query(max_length=200, description="Text filter")] = None,
    include_archived: bool = False,
) -> PageParams:
    return PageParams(
        limit=limit, offset=offset, sort=sort, q=q or None, include_archived=include_archived
    )


PageDep = Annotated[PageParams, Depends(page_params)]


def order_by_clause(
    sort: str | None,
    sortable: Mapping[str, ColumnElement[Any]],
    default: Sequence[ColumnElement[Any]],
    tiebreak: ColumnElement[Any],
) -> list[Any]:
    if not sort:
        return [*default, tiebreak]
    descending = sort.startswith("-")
    name = sort.lstrip("-+")
    column = sortable.get(name)
    if column is None:
        detail = f"cannot sort by '{name}'; choose one of: {', '.join(sorted(sortable))}"
        raise InvalidInput(detail, errors=[{"parameter": "sort", "in": "query", "detail": detail}])
    return [column.desc() if descending else column.asc(), tiebreak]


async def paginate(
    session: AsyncSession,
    stmt: Select[Any],
    params: PageParams,
    *,
    sortable: Mapping[str, ColumnElement[Any]],
    default_order: Sequence[ColumnElement[Any]],
    tiebreak: ColumnElement[Any],
) -> tuple[list[Any], int]:
    """Run ``stmt`` for one page (ORM entities) and count all rows it matches."""
    total = await session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    ordered = stmt.order_by(*order_by_clause(params.sort, sortable, default_order, tiebreak))
    rows = await session.scalars(ordered.limit(params.limit).offset(params.offset))
    return list(rows.all()), int(total or 0)
