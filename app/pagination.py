"""List pages: the query models lists are built from, sorting by a whitelisted field, and the
page shape.

A list takes its whole query string as one model, so FastAPI checks every parameter against
it (a model that forbids extra fields sees all the parameters the route has no other use for):
``class ContactListQuery(ContactFilters, ListQuery)`` with ``sort`` narrowed to the list's
sortable fields by ``SortBy``. The filter part alone (``ContactFilters``) is what the service,
the export and the CLI take."""

from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Generic, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema
from sqlalchemy import Select, SQLColumnExpression, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.errors import InvalidInput
from app.fields import QueryBool

T = TypeVar("T")

MAX_LIMIT = 200


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int

    @staticmethod
    def build(items: Sequence[Any], total: int, params: "PageQuery") -> dict[str, Any]:
        """A page as the route returns it: items stay as loaded (ORM records) and the route's
        ``response_model`` reads them, properties included."""
        return {
            "items": list(items),
            "total": total,
            "limit": params.limit,
            "offset": params.offset,
        }


class QueryModel(BaseModel):
    """A query string, or a part of one: an unknown field is an error, never ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _blank_is_none(value: Any) -> Any:
    return value or None


TextFilter = Annotated[
    Annotated[str, Field(max_length=200)] | None,
    BeforeValidator(_blank_is_none),
    Field(description="Text filter"),
]


class RecordFilters(QueryModel):
    """The filters every list of records has: a text filter and the archived ones too."""

    q: TextFilter = None
    include_archived: QueryBool = Field(False, description="Archived records too")


def filter_records(
    stmt: Select[Any], model: Any, filters: RecordFilters, *equal: str
) -> Select[Any]:
    """``stmt`` narrowed to live records (unless ``include_archived``) and, for each name in
    ``equal``, to the records whose column of that name equals the filter, when it was given."""
    if not filters.include_archived:
        stmt = stmt.where(col(model.archived_at).is_(None))
    for field in equal:
        value = getattr(filters, field)
        if value is not None:
            stmt = stmt.where(col(getattr(model, field)) == value)
    return stmt


class PageQuery(QueryModel):
    limit: Annotated[int, Field(ge=1, le=MAX_LIMIT, description="Page size")] = 50
    offset: Annotated[int, Field(ge=0, le=10_000_000)] = 0


class ListQuery(PageQuery):
    """Paging and sorting; a list narrows ``sort`` with ``SortBy(SORTABLE)``."""

    sort: Annotated[str, Field(max_length=64)] | None = None


class SortBy:
    """``sort: Annotated[str, SortBy(SORTABLE)] | None = None``: one of the names of a list's
    sortable fields, ascending, or with ``-`` before it for descending. The OpenAPI document
    lists them as the parameter's enum; any other value is a 422 naming the choices."""

    def __init__(self, sortable: Mapping[str, Any]) -> None:
        self.fields = sorted(sortable)
        self.choices = [form for name in self.fields for form in (name, f"-{name}")]
        self._allowed = frozenset(self.choices)

    def check(self, value: str) -> str:
        if value not in self._allowed:
            raise PydanticCustomError(
                "sort_field",
                "cannot sort by '{name}'; choose one of: {fields} (prefix with - for descending)",
                {"name": value.lstrip("-"), "fields": ", ".join(self.fields)},
            )
        return value

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self.check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema.pop("maxLength", None)
        json_schema["enum"] = self.choices
        json_schema["description"] = "A field name; prefix with - for descending"
        return json_schema


def order_by_clause(
    sort: str | None,
    sortable: Mapping[str, SQLColumnExpression[Any]],
    default: Sequence[SQLColumnExpression[Any]],
    tiebreak: SQLColumnExpression[Any],
) -> list[Any]:
    if not sort:
        return [*default, tiebreak]
    descending = sort.startswith("-")
    name = sort.removeprefix("-")
    column = sortable.get(name)
    if column is None:  # the query model checks this first; a caller in Python may not
        detail = f"cannot sort by '{name}'; choose one of: {', '.join(sorted(sortable))}"
        raise InvalidInput(detail, errors=[{"parameter": "sort", "in": "query", "detail": detail}])
    return [column.desc() if descending else column.asc(), tiebreak]


async def paginate(
    session: AsyncSession,
    stmt: Select[Any],
    params: ListQuery,
    *,
    sortable: Mapping[str, SQLColumnExpression[Any]],
    default_order: Sequence[SQLColumnExpression[Any]],
    tiebreak: SQLColumnExpression[Any],
) -> tuple[list[Any], int]:
    """Run ``stmt`` for one page (ORM entities) and count all rows it matches."""
    total = await session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    ordered = stmt.order_by(*order_by_clause(params.sort, sortable, default_order, tiebreak))
    rows = await session.scalars(ordered.limit(params.limit).offset(params.offset))
    return list(rows.all()), int(total or 0)
