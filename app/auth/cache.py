"""Who a bearer token belongs to, without paying for it on every request.

Every request checks its token's signature and its user (a deactivated user is locked out at
once). Both are kept in memory, per worker process:

- ``VerifiedTokens``: tokens whose signature was checked, with their user id, token
  generation and expiry. Keyed by the whole token, signature included, so only a token that
  was verified can hit.
- ``Principals``: the active users' id, name, role and token generation (a token of an
  older generation was revoked). On PostgreSQL a trigger on
  ``user_account`` sends NOTIFY when a row changes, on commit, whoever changes it (this
  worker, another one, the CLI, psql), and each worker listens on a connection of its own and
  drops that user at once. A worker caches only once it has seen the triggers enabled and a
  notification come back, and only while that connection answers (checked every 2 s);
  otherwise every request reads its user from the database. Entries also expire after a
  minute. SQLite has no NOTIFY, so there every request reads its user.
"""

import asyncio
import logging
import secrets
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from app.auth.models import Role

logger = logging.getLogger(__name__)

# The channel the user_account trigger notifies (see the migration that creates it).
CHANNEL = "user_account_changed"
MAX_ENTRIES = 10_000
PROBE = "probe "  # the payload a worker notifies itself with to check that notifications arrive
# How the listening connection shows in pg_stat_activity.
LISTENER_NAME = "diplomacy-crm user listener"


@dataclass(frozen=True, slots=True)
class Principal:
    """The user a request acts for: enough to check roles and to sign audit entries."""

    id: int
    username: str
    role: Role
    token_generation: int


class VerifiedTokens:
    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self._entries: dict[str, tuple[int, int, float]] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def claims(self, token: str) -> tuple[int, int] | None:
        """The token's user id and generation if its signature was verified and it has not
        expired."""
        entry = self._entries.get(token)
        if entry is None:
            return None
        user_id, generation, expires_at = entry
        if time.time() >= expires_at:
            del self._entries[token]
            return None
        return user_id, generation

    def remember(self, token: str, user_id: int, generation: int, expires_at: float) -> None:
        if len(self._entries) >= self.max_entries:
            self._entries.clear()
        self._entries[token] = (user_id, generation, expires_at)


class Principals:
    """Active users by id, trusted only while the NOTIFY listener is connected and has shown
    that notifications arrive.

    A lookup that goes to the database takes ``generation`` first and hands it back to
    ``remember``; any change heard in between bumps it, so a row read before a change can
    never be cached after it. An entry also expires after ``MAX_AGE`` seconds, a backstop for
    a change that sends no notification (a trigger disabled by hand, say)."""

    MAX_AGE = 60.0
    CHECK_EVERY = 2.0  # seconds between checks that the listening connection still answers
    RETRY_MIN, RETRY_MAX = 0.5, 30.0
    TRIGGERS = ("user_account_changed", "user_account_truncated")

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self.generation = 0
        self._entries: dict[int, tuple[Principal, float]] = {}
        self._listening = False
        self._probe: tuple[str, asyncio.Event] | None = None
        self._task: asyncio.Task[None] | None = None
        self._engine: AsyncEngine | None = None

    @property
    def listening(self) -> bool:
        return self._listening

    def get(self, user_id: int) -> Principal | None:
        entry = self._entries.get(user_id)
        if entry is None:
            return None
        principal, cached_at = entry
        if time.monotonic() - cached_at > self.MAX_AGE:
            del self._entries[user_id]
            return None
        return principal

    def remember(self, principal: Principal, generation: int) -> None:
        if not self._listening or generation != self.generation:
            return
        if len(self._entries) >= self.max_entries:
            self._entries.clear()
        self._entries[principal.id] = (principal, time.monotonic())

    def forget(self, user_id: int) -> None:
        self.generation += 1
        self._entries.pop(user_id, None)

    def clear(self) -> None:
        self.generation += 1
        self._entries.clear()

    async def start(self, url: str) -> None:
        """Listen for user changes on PostgreSQL with asyncpg (a no-op otherwise)."""
        if make_url(url).get_driver_name() != "asyncpg":
            return
        self._engine = create_async_engine(
            url,
            poolclass=NullPool,
            isolation_level="AUTOCOMMIT",
            connect_args={"server_settings": {"application_name": LISTENER_NAME}},
        )
        self._task = asyncio.create_task(self._listen(self._engine), name="principals-listener")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        if self._engine is not None:
            await self._engine.dispose()
            self._engine = None

    def _stop_caching(self) -> None:
        self._listening = False
        self.clear()

    def _notified(self, _connection: Any, _pid: int, _channel: str, payload: str) -> None:
        if payload.isdigit():
            self.forget(int(payload))
        elif payload.startswith(PROBE):  # a worker checking its line: only ours matters
            if self._probe is not None and payload == self._probe[0]:
                self._probe[1].set()
        else:  # the table was truncated, or a payload we do not know: drop everything
            self.clear()

    async def _listen(self, engine: AsyncEngine) -> None:
        delay = self.RETRY_MIN
        while True:
            try:  # _listen_once stops caching however it ends
                await self._listen_once(engine)
                logger.warning("lost the connection that listens for user changes; reconnecting")
                delay = self.RETRY_MIN
            except Exception as exc:
                logger.warning(
                    "not caching users: cannot listen for their changes (%s); retrying", exc
                )
            await asyncio.sleep(delay)
            delay = min(delay * 2, self.RETRY_MAX)

    async def _listen_once(self, engine: AsyncEngine) -> None:
        """Caches while one connection listens; returns when that connection is lost."""
        lost = asyncio.Event()

        def on_lost(_connection: Any) -> None:
            self._stop_caching()
            lost.set()

        async with engine.connect() as connection:
            driver = (await connection.get_raw_connection()).driver_connection
            assert driver is not None
            try:
                driver.add_termination_listener(on_lost)
                await driver.add_listener(CHANNEL, self._notified)
                await self._check_notifications_arrive(driver)
                # Whatever changed while nobody listened is unknown: start empty.
                self.clear()
                self._listening = True
                while not lost.is_set():
                    try:
                        await asyncio.wait_for(lost.wait(), timeout=self.CHECK_EVERY)
                    except TimeoutError:
                        await self._check_alive(driver)
            finally:
                self._stop_caching()  # before anything else that could wait

    async def _check_notifications_arrive(self, driver: Any) -> None:
        """The triggers that notify are there and enabled, and a notification comes back
        (it would not through a pooler that does not keep LISTEN)."""
        enabled = await driver.fetchval(
            "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'user_account'::regclass "
            "AND tgname = ANY($1::text[]) AND tgenabled IN ('O', 'A')",
            list(self.TRIGGERS),
        )
        if enabled != len(self.TRIGGERS):
            raise RuntimeError(
                "the user_account triggers that notify changes are missing or disabled "
                "(run `crm db upgrade`)"
            )
        self._probe = (f"{PROBE}{secrets.token_hex(8)}", asyncio.Event())
        try:
            await driver.execute(f"SELECT pg_notify('{CHANNEL}', '{self._probe[0]}')")
            await asyncio.wait_for(self._probe[1].wait(), timeout=self.CHECK_EVERY)
        finally:
            self._probe = None

    async def _check_alive(self, driver: Any) -> None:
        """A connection that went silent without closing is lost too; drop it at once rather
        than wait for a polite close that may never be answered."""
        try:
            await asyncio.wait_for(driver.execute("SELECT 1"), self.CHECK_EVERY)
        except (TimeoutError, OSError):
            driver.terminate()
            raise
