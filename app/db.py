"""Database plumbing: metadata naming convention, shared columns, engines and the session."""

import json
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Annotated, Any

import asyncpg
from fastapi import Depends, Request
from sqlalchemy import (
    JSON,
    DateTime,
    Integer,
    MetaData,
    Table,
    any_,
    bindparam,
    cast,
    event,
    exists,
    func,
    literal,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Mapped, declared_attr
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel, col

from app.config import Settings

# Deterministic constraint names, so migrations can name (and drop) what they create.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC timestamp on every database (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


# A list of strings: JSONB on PostgreSQL, JSON text on SQLite.
JSONList = JSON().with_variant(JSONB(), "postgresql")


class RecordMixin(SQLModel):
    """Columns every record has. ``version`` is SQLAlchemy's optimistic-lock counter: an
    UPDATE names the version it read, so two concurrent edits can never overwrite each other."""

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(default=1, nullable=False)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    archived_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)

    @declared_attr.directive
    def __mapper_args__(cls: type["RecordMixin"]) -> dict[str, Any]:  # noqa: N805
        return {"version_id_col": table_of(cls).c.version}


def id_column(model: type[RecordMixin]) -> Mapped[int]:
    """``model.id`` in a query over stored rows, where it is never None (the model says
    ``int | None`` for a record not inserted yet)."""
    column: Mapped[Any] = col(model.id)
    return column


def table_of(model: type[SQLModel]) -> Table:
    """The Table of a table model (SQLModel sets ``__table__`` but does not declare it)."""
    table: Table = model.__table__  # type: ignore[attr-defined]  # set by SQLModel, undeclared
    return table


def create_engine(settings: Settings, *, for_writes: bool = False) -> AsyncEngine:
    url = settings.database_url
    if settings.is_sqlite:
        path = settings.sqlite_path()
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, connect_args={"timeout": 30})
        _configure_sqlite(engine, immediate=for_writes)
        return engine
    return create_async_engine(
        url,
        # Connections stay open: a new one costs far more than the query it serves.
        pool_size=settings.database_pool_size,
        max_overflow=settings.database_max_overflow,
        pool_timeout=settings.database_pool_timeout,
        # pre-ping: after a database restart only the request that finds a dead connection
        # fails. A connection at rest is in autocommit, so the ping is one round trip.
        pool_pre_ping=True,
        pool_recycle=1800,
        # Reads run in autocommit (no BEGIN/COMMIT round trips; each statement still sees a
        # consistent snapshot); ``Database`` asks for transactions where it needs them.
        isolation_level="AUTOCOMMIT",
    )


def _configure_sqlite(engine: AsyncEngine, *, immediate: bool) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take over transaction control from the driver so BEGIN is explicit (see "begin").
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        # IMMEDIATE takes the write lock up front: a request that reads then writes cannot be
        # overtaken between the two, and waits (busy_timeout) instead of failing mid-way.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


class Database:
    """The engines of one database.

    - ``engine``: requests that only read. On PostgreSQL in autocommit: no BEGIN/COMMIT round
      trips for a GET.
    - ``write_engine``: requests that write, one transaction each. On SQLite it takes the
      write lock when the transaction begins.
    - ``snapshot_engine``: long reads from a server-side cursor (exports), which need a
      transaction of their own; on PostgreSQL a repeatable-read one, so an export is one
      snapshot however long it streams.

    On PostgreSQL all three share one pool. ``pools`` lists the engines that own a pool:
    statement listeners attached to them see every statement."""

    def __init__(self, settings: Settings) -> None:
        if settings.is_sqlite:
            self.engine = self.snapshot_engine = create_engine(settings)
            self.write_engine = create_engine(settings, for_writes=True)
            self.pools = [self.engine, self.write_engine]
        else:
            self.engine = create_engine(settings)
            self.write_engine = self.engine.execution_options(isolation_level="READ COMMITTED")
            self.snapshot_engine = self.engine.execution_options(isolation_level="REPEATABLE READ")
            self.pools = [self.engine]
        self.sessionmaker = create_sessionmaker(self.engine)
        self.write_sessionmaker = create_sessionmaker(self.write_engine)

    async def dispose(self) -> None:
        for engine in self.pools:
            await engine.dispose()


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class _RequestSession:
    """The request's session: one transaction, committed once when the route has returned,
    rolled back when it raised. The audit entries a service writes ride in the same
    transaction. GET requests read on the read engine, unless ``writes`` (a GET that also
    records something, e.g. an export in the audit trail)."""

    def __init__(self, *, writes: bool = False) -> None:
        self.writes = writes

    async def __call__(self, request: Request) -> AsyncIterator[AsyncSession]:
        database: Database = request.app.state.database
        reads = not self.writes and request.method in SAFE_METHODS
        session = (database.sessionmaker if reads else database.write_sessionmaker)()
        try:
            yield session
            if session.in_transaction():
                await session.commit()
        except BaseException:
            await session.rollback()
            raise
        finally:
            await session.close()


get_session = _RequestSession()
get_write_session = _RequestSession(writes=True)

SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
WriteSessionDep = Annotated[AsyncSession, Depends(get_write_session, scope="function")]


def dialect_name(session: AsyncSession) -> str:
    bind = session.get_bind()
    return bind.dialect.name


def json_list_contains(session: AsyncSession, column: Any, value: str) -> Any:
    """A WHERE clause: the JSON list in ``column`` contains ``value``."""
    if dialect_name(session) == "postgresql":
        return cast(column, JSONB).contains(cast(literal(json.dumps([value])), JSONB))
    items = func.json_each(column).table_valued("value")
    return exists(select(1).select_from(items).where(items.c.value == value))


def in_list(session: AsyncSession, column: Any, values: Sequence[int]) -> Any:
    """A WHERE clause: ``column`` is one of ``values``, however many, bound as ONE parameter
    (an array on PostgreSQL, a JSON list on SQLite) instead of one parameter per value."""
    if dialect_name(session) == "postgresql":
        return column == any_(bindparam(None, list(values), type_=ARRAY(Integer)))
    return column.in_(select(id_values(session, values).c.value))


def id_values(session: AsyncSession, values: Sequence[int]) -> Any:
    """``values`` as a table of one column, ``value``, bound as ONE parameter."""
    if dialect_name(session) == "postgresql":
        array = bindparam(None, list(values), type_=ARRAY(Integer))
        return func.unnest(array).table_valued("value").render_derived()
    return func.json_each(bindparam(None, json.dumps(list(values)))).table_valued("value")


def json_object(session: AsyncSession, *pairs: tuple[str, Any]) -> Any:
    """A SQL expression building the JSON object ``{key: value, ...}`` from columns or other
    expressions (values may themselves be ``json_object``s)."""
    name = "jsonb_build_object" if dialect_name(session) == "postgresql" else "json_object"
    build = getattr(func, name)
    return build(*(part for key, value in pairs for part in (literal(key), value)))


@asynccontextmanager
async def custom_plans(session: AsyncSession) -> AsyncIterator[None]:
    """Plan the statements run inside with their actual parameters (PostgreSQL; nothing to do
    elsewhere). asyncpg prepares every statement, and after a few executions PostgreSQL may
    switch to a generic plan made without the values, e.g. for ``LIKE '%term%'`` one that
    scans the whole trigram index, whatever the term. Only for the statements that need it:
    planning every statement again (bulk writes, foreign-key checks) costs the others."""
    if dialect_name(session) != "postgresql":
        yield
        return
    # Reads run in autocommit, so SET LOCAL would not hold: set it, then put it back.
    await session.execute(text("SET plan_cache_mode = force_custom_plan"))
    try:
        yield
    finally:
        await session.execute(text("RESET plan_cache_mode"))


_DRIVER_SQL: dict[Any, tuple[str, tuple[str, ...]]] = {}


async def fetch_one_row(
    session: AsyncSession, statement: Any, parameters: dict[str, Any]
) -> dict[str, Any] | None:
    """The one row a SELECT finds (or None), as a plain dict, on the session's connection.

    With asyncpg the statement is compiled once and runs straight on the driver connection:
    for a read this small, SQLAlchemy's per-statement work (execution context, result
    objects) costs more than the query itself. Only for statements whose parameters and
    columns need no type conversion (ids in, plain columns out). Elsewhere a Core execute."""
    connection = await session.connection()
    if connection.dialect.driver != "asyncpg":
        row = (await connection.execute(statement, parameters)).mappings().first()
        return dict(row) if row is not None else None
    compiled = _DRIVER_SQL.get(statement)
    if compiled is None:
        sql = statement.compile(dialect=connection.dialect)
        compiled = _DRIVER_SQL[statement] = (str(sql), tuple(sql.positiontup or ()))
    sql_text, names = compiled
    driver = (await connection.get_raw_connection()).driver_connection
    record = await driver.fetchrow(sql_text, *(parameters[n] for n in names))  # type: ignore[union-attr]  # a live connection has a driver
    return dict(record) if record is not None else None


# The driver's errors for a lost connection, or a server shutting down or starting up. A
# statement sent straight to the driver on a connection the server has just dropped can also
# fail with InternalClientError ("another operation is in progress").
_CONNECTION_LOST = (
    asyncpg.PostgresConnectionError
    | asyncpg.AdminShutdownError
    | asyncpg.CrashShutdownError
    | asyncpg.CannotConnectNowError
    | asyncpg.InternalClientError
)


def is_connection_lost(exc: BaseException) -> bool:
    """The database went away under a statement (the request may be retried later): the
    driver's own errors, from the reads that run straight on its connection, or SQLAlchemy's
    invalidated connection."""
    return isinstance(exc, _CONNECTION_LOST) or bool(getattr(exc, "connection_invalidated", False))
