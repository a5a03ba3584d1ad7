"""Users, passwords and tokens."""

import asyncio
import secrets
import time
from collections import defaultdict, deque
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from pwdlib import PasswordHash
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.schemas import AuditEntity
from app.auth.cache import Principal, Principals, VerifiedTokens
from app.auth.models import Role, User
from app.auth.schemas import UserCreate, UserFilters, UserUpdate
from app.config import Settings
from app.errors import Conflict, TooManyRequests, Unauthorized
from app.pagination import ListQuery, paginate
from app.records import changed_fields, conflict_with, create_record, reject_null, update_record

ALGORITHM = "HS256"
password_hash = PasswordHash.recommended()
# Verified against when the username is unknown, so both failures cost the same time.
_DUMMY_HASH = password_hash.hash(secrets.token_urlsafe(16))


class LoginThrottle:
    """Failed logins per username in a sliding minute (per process)."""

    def __init__(self, limit: int, window_seconds: float = 60.0) -> None:
        self.limit = limit
        self.window = window_seconds
        self._failures: dict[str, deque[float]] = defaultdict(deque)

    def _recent(self, username: str) -> deque[float]:
        failures = self._failures[username]
        cutoff = time.monotonic() - self.window
        while failures and failures[0] < cutoff:
            failures.popleft()
        return failures

    def check(self, username: str) -> None:
        failures = self._recent(username)
        if len(failures) >= self.limit:
            retry_after = max(1, int(failures[0] + self.window - time.monotonic()) + 1)
            raise TooManyRequests(
                f"Too many failed logins for '{username}'; try again in {retry_after} s",
                headers={"Retry-After": str(retry_after)},
            )

    def failed(self, username: str) -> None:
        self._recent(username).append(time.monotonic())

    def succeeded(self, username: str) -> None:
        self._failures.pop(username, None)


async def authenticate(
    session: AsyncSession, *, username: str, password: str, throttle: LoginThrottle
) -> User:
    username = username.strip().lower()
    throttle.check(username)
    user = await session.scalar(select(User).where(User.username == username))
    hashed = user.password_hash if user is not None else _DUMMY_HASH
    # Argon2 is deliberately slow: keep it off the event loop.
    valid = await asyncio.to_thread(password_hash.verify, password, hashed)
    if user is None or not valid or not user.is_active:
        throttle.failed(username)
        raise Unauthorized("Incorrect username or password")
    throttle.succeeded(username)
    return user


def issue_token(user: User, settings: Settings) -> tuple[str, int]:
    expires_in = settings.access_token_expire_minutes * 60
    now = datetime.now(UTC)
    claims: dict[str, Any] = {
        "sub": str(user.id),
        "iat": now,
        "exp": now + timedelta(seconds=expires_in),
    }
    return jwt.encode(claims, settings.secret_key, algorithm=ALGORITHM), expires_in


def token_user_id(token: str, settings: Settings, verified: VerifiedTokens) -> int:
    """The user id a bearer token was issued for; 401 if it is forged or has expired."""
    user_id = verified.user_id(token)
    if user_id is not None:
        return user_id
    try:
        claims = jwt.decode(
            token, settings.secret_key, algorithms=[ALGORITHM], options={"require": ["exp", "sub"]}
        )
        user_id = int(claims["sub"])
    except (jwt.PyJWTError, ValueError) as exc:
        raise Unauthorized("The token is invalid or has expired") from exc
    verified.remember(token, user_id, float(claims["exp"]))
    return user_id


async def principal_for_token(
    session: AsyncSession,
    token: str,
    settings: Settings,
    *,
    verified: VerifiedTokens,
    principals: Principals,
) -> Principal:
    """Who the token acts for. Checked on every request, so deactivating a user locks them
    out at once: from memory while the user cache hears every change, else from the row."""
    user_id = token_user_id(token, settings, verified)
    principal = principals.get(user_id)
    if principal is not None:
        return principal
    generation = principals.generation
    user = await session.get(User, user_id)
    if user is None or not user.is_active or user.archived_at is not None:
        raise Unauthorized("The token's user no longer has access")
    principal = Principal(id=user.id, username=user.username, role=user.role)  # type: ignore[arg-type]
    principals.remember(principal, generation)
    return principal


USER_SORTABLE = {"username": User.username, "role": User.role, "created_at": User.created_at}


async def list_users(
    session: AsyncSession, page: ListQuery, filters: UserFilters
) -> tuple[list[User], int]:
    stmt = select(User)
    if not filters.include_archived:
        stmt = stmt.where(User.archived_at.is_(None))
    if filters.q:
        stmt = stmt.where(User.username.contains(filters.q.lower()))
    return await paginate(
        session,
        stmt,
        page,
        sortable=USER_SORTABLE,
        default_order=[User.username],
        tiebreak=User.id,
    )


async def create_user(session: AsyncSession, data: UserCreate, *, actor: str) -> User:
    existing = await session.scalar(select(User.id).where(User.username == data.username))
    if existing is not None:
        raise conflict_with("user", existing, f"The username '{data.username}' is taken")
    user = User(
        username=data.username,
        full_name=data.full_name,
        role=data.role,
        is_active=data.is_active,
        password_hash=await asyncio.to_thread(password_hash.hash, data.password),
    )
    return await create_record(
        session, user, actor=actor, entity=AuditEntity.user, extra={"password_hash": "(set)"}
    )


async def update_user(session: AsyncSession, user: User, data: UserUpdate, *, actor: str) -> User:
    values = changed_fields(data)
    reject_null(values, "role", "is_active", "password")
    before, after = {}, {}
    if "password" in values:
        # The hash itself never enters the audit trail; the entry only says it changed.
        user.password_hash = await asyncio.to_thread(password_hash.hash, values.pop("password"))
        before, after = {"password": None}, {"password": "(changed)"}
    if values.get("role", Role.admin) != Role.admin or values.get("is_active") is False:
        await _keep_one_admin(session, user)
    return await update_record(
        session, user, values, actor=actor, entity=AuditEntity.user, before=before, after=after
    )


async def _keep_one_admin(session: AsyncSession, user: User) -> None:
    if user.role != Role.admin or not user.is_active:
        return
    # Lock the active admins' rows, so two admins stepping down at once cannot both pass.
    admins = await session.scalars(
        select(User.id)
        .where(User.role == Role.admin, User.is_active.is_(True))
        .order_by(User.id)
        .with_for_update()
    )
    if not [admin_id for admin_id in admins if admin_id != user.id]:
        raise Conflict("This is the last active admin; make another admin first")


async def find_user(session: AsyncSession, username: str) -> User | None:
    return await session.scalar(select(User).where(User.username == username.strip().lower()))


async def count_users(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(User)) or 0)


async def ensure_bootstrap_admin(
    session: AsyncSession, *, username: str, password: str | None
) -> str | None:
    """Create the first admin when there is no user; returns the generated password, if any."""
    if await count_users(session):
        return None
    generated = None
    if not password:
        generated = password = secrets.token_urlsafe(12)
    await create_user(
        session,
        UserCreate(
            username=username, password=password, role=Role.admin, full_name="Administrator"
        ),
        actor="system",
    )
    return generated
