"""Users, passwords and tokens."""

import asyncio
import math
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from pwdlib import PasswordHash
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.audit.schemas import AuditEntity
from app.auth.cache import Principal, Principals, VerifiedTokens
from app.auth.models import LoginAttempt, Role, User
from app.auth.schemas import (
    USERNAME_MAX_LENGTH,
    PasswordChange,
    UserCreate,
    UserFilters,
    UserUpdate,
)
from app.config import Settings
from app.db import utcnow
from app.errors import Conflict, InvalidInput, NotFound, TooManyRequests, Unauthorized
from app.pagination import ListQuery, paginate
from app.records import changed_fields, conflict_with, create_record, update_record

ALGORITHM = "HS256"
password_hash = PasswordHash.recommended()
# Verified against when the username is unknown, so both failures cost the same time.
_DUMMY_HASH = password_hash.hash(secrets.token_urlsafe(16))


class LoginThrottle:
    """Login attempts in a sliding minute, counted in the database so that every worker and
    host shares one count: at most ``per_pair`` for one username from one address (a
    username locked out from one address can still log in from another), and ``per_address``
    for any usernames from one address.

    An attempt is recorded before its password is checked and deleted when it succeeds, so
    parallel guesses count too; an attempt refused outright stores nothing, and rows older
    than the window are deleted as new ones come, so the table holds at most a minute."""

    def __init__(self, settings: Settings, window_seconds: float = 60.0) -> None:
        self.per_pair = settings.login_attempts_per_minute
        self.per_address = settings.login_attempts_per_address_per_minute
        self.window = timedelta(seconds=window_seconds)

    async def attempt(self, session: AsyncSession, username: str, address: str) -> None:
        """Records the attempt, or refuses it (429) when its username or address is over
        the limit. Commits at once: a failed attempt must count although its request fails."""
        now = utcnow()
        await self._refuse_if_over(session, username, address, now, pending=0)
        await session.execute(
            delete(LoginAttempt).where(col(LoginAttempt.attempted_at) <= now - self.window)
        )
        session.add(LoginAttempt(username=username, address=address, attempted_at=now))
        await session.commit()
        await self._refuse_if_over(session, username, address, now, pending=1)

    async def succeeded(self, session: AsyncSession, username: str, address: str) -> None:
        await session.execute(
            delete(LoginAttempt).where(
                col(LoginAttempt.address) == address, col(LoginAttempt.username) == username
            )
        )

    async def _refuse_if_over(
        self, session: AsyncSession, username: str, address: str, now: datetime, *, pending: int
    ) -> None:
        rows = (
            await session.execute(
                select(col(LoginAttempt.attempted_at), col(LoginAttempt.username))
                .where(
                    col(LoginAttempt.address) == address,
                    col(LoginAttempt.attempted_at) > now - self.window,
                )
                .order_by(col(LoginAttempt.attempted_at))
            )
        ).all()
        by_address = [attempted_at for attempted_at, _ in rows]
        by_pair = [attempted_at for attempted_at, name in rows if name == username]
        waits = [
            # The next attempt may go once enough of these have left the window.
            (times[len(times) - limit] + self.window - now).total_seconds()
            for times, limit in ((by_pair, self.per_pair), (by_address, self.per_address))
            if len(times) - pending >= limit
        ]
        if waits:
            retry_after = max(1, math.ceil(max(waits)))
            raise TooManyRequests(
                f"Too many login attempts; try again in {retry_after} s",
                headers={"Retry-After": str(retry_after)},
            )


async def authenticate(
    session: AsyncSession,
    *,
    username: str,
    password: str,
    address: str,
    throttle: LoginThrottle,
) -> User:
    username = normalize_username(username)
    await throttle.attempt(session, username, address)
    user = await session.scalar(select(User).where(col(User.username) == username))
    hashed = user.password_hash if user is not None else _DUMMY_HASH
    if not await _verify(password, hashed) or user is None or not user.is_active:
        raise Unauthorized("Incorrect username or password")
    await throttle.succeeded(session, username, address)
    return user


def normalize_username(username: str) -> str:
    """The stored form of a username; 422 for one longer than any stored username can be."""
    username = username.strip().lower()
    if len(username) > USERNAME_MAX_LENGTH:
        raise InvalidInput.field(
            "username", f"A username has at most {USERNAME_MAX_LENGTH} characters"
        )
    return username


async def _verify(password: str, hashed: str) -> bool:
    # Argon2 is deliberately slow: keep it off the event loop.
    return await asyncio.to_thread(password_hash.verify, password, hashed)


def issue_token(user: User, settings: Settings) -> tuple[str, int]:
    expires_in = settings.access_token_expire_minutes * 60
    now = datetime.now(UTC)
    claims: dict[str, Any] = {
        "sub": str(user.id),
        "gen": user.token_generation,
        "iat": now,
        "exp": now + timedelta(seconds=expires_in),
    }
    return jwt.encode(claims, settings.secret_key, algorithm=ALGORITHM), expires_in


def token_claims(token: str, settings: Settings, verified: VerifiedTokens) -> tuple[int, int]:
    """The user id and token generation a bearer token was issued with; 401 if it is forged
    or has expired. (Tokens from before generations existed are generation 0.)"""
    known = verified.claims(token)
    if known is not None:
        return known
    try:
        claims = jwt.decode(
            token, settings.secret_key, algorithms=[ALGORITHM], options={"require": ["exp", "sub"]}
        )
        user_id, generation = int(claims["sub"]), int(claims.get("gen", 0))
    except (jwt.PyJWTError, ValueError, TypeError) as exc:
        raise Unauthorized("The token is invalid or has expired") from exc
    verified.remember(token, user_id, generation, float(claims["exp"]))
    return user_id, generation


async def principal_for_token(
    session: AsyncSession,
    token: str,
    settings: Settings,
    *,
    verified: VerifiedTokens,
    principals: Principals,
) -> Principal:
    """Who the token acts for. Checked on every request, so deactivating a user or revoking
    their tokens locks them out at once: from memory while the user cache hears every
    change, else from the row."""
    user_id, token_generation = token_claims(token, settings, verified)
    principal = principals.get(user_id)
    if principal is None:
        generation = principals.generation
        user = await session.get(User, user_id)
        if user is None or not user.is_active or user.archived_at is not None:
            raise Unauthorized("The token's user no longer has access")
        principal = Principal(
            id=user_id,
            username=user.username,
            role=user.role,
            token_generation=user.token_generation,
        )
        principals.remember(principal, generation)
    if principal.token_generation != token_generation:
        raise Unauthorized("The token was revoked (signed out or password changed); log in again")
    return principal


USER_SORTABLE = {
    "username": col(User.username),
    "role": col(User.role),
    "created_at": col(User.created_at),
}


async def list_users(
    session: AsyncSession, page: ListQuery, filters: UserFilters
) -> tuple[list[User], int]:
    stmt = select(User)
    if not filters.include_archived:
        stmt = stmt.where(col(User.archived_at).is_(None))
    if filters.q:
        stmt = stmt.where(col(User.username).contains(filters.q.lower()))
    return await paginate(
        session,
        stmt,
        page,
        sortable=USER_SORTABLE,
        default_order=[col(User.username)],
        tiebreak=col(User.id),
    )


async def create_user(session: AsyncSession, data: UserCreate, *, actor: str) -> User:
    existing = await session.scalar(select(col(User.id)).where(col(User.username) == data.username))
    if existing is not None:
        raise conflict_with("user", existing, f"The username '{data.username}' is taken")
    user = User(
        username=data.username,
        full_name=data.full_name,
        role=data.role,
        is_active=data.is_active,
        password_hash=await _hash(data.password),
    )
    return await create_record(
        session, user, actor=actor, entity=AuditEntity.user, extra={"password_hash": "(set)"}
    )


async def update_user(session: AsyncSession, user: User, data: UserUpdate, *, actor: str) -> User:
    """A new password or deactivation also ends the user's tokens."""
    values = changed_fields(data)
    before, after = {}, {}
    revoke = values.get("is_active") is False and user.is_active
    if "password" in values:
        # The hash itself never enters the audit trail; the entry only says it changed.
        user.password_hash = await _hash(values.pop("password"))
        before, after = {"password": None}, {"password": "(changed)"}
        revoke = True
    if values.get("role", Role.admin) != Role.admin or values.get("is_active") is False:
        await _keep_one_admin(session, user)
    if revoke:
        values["token_generation"] = user.token_generation + 1
    return await update_record(
        session, user, values, actor=actor, entity=AuditEntity.user, before=before, after=after
    )


async def change_own_password(
    session: AsyncSession,
    user: User,
    data: PasswordChange,
    *,
    address: str,
    throttle: LoginThrottle,
) -> User:
    """The user's new password, once they have shown the current one (throttled like a
    login: a stolen token must not become a way to guess the password). Ends every token
    of theirs, the one used here included."""
    await throttle.attempt(session, user.username, address)
    if not await _verify(data.old_password, user.password_hash):
        raise InvalidInput.field("old_password", "This is not your current password")
    await throttle.succeeded(session, user.username, address)
    if data.new_password == data.old_password:
        raise InvalidInput.field(
            "new_password", "The new password must differ from the current one"
        )
    return await update_user(
        session,
        user,
        UserUpdate.model_validate({"password": data.new_password}),
        actor=user.username,
    )


async def set_password(session: AsyncSession, username: str, password: str, *, actor: str) -> User:
    """An administrator's reset (e.g. from the command line, for an admin who lost theirs)."""
    user = await find_user(session, username)
    if user is None:
        raise NotFound(f"There is no user '{username}'")
    new_password = UserUpdate.model_validate({"password": password})
    return await update_user(session, user, new_password, actor=actor)


async def end_sessions(session: AsyncSession, user: User, *, actor: str) -> User:
    """Ends every token the user holds (logout, or an admin's sign-out everywhere)."""
    return await update_record(
        session,
        user,
        {"token_generation": user.token_generation + 1},
        actor=actor,
        entity=AuditEntity.user,
    )


async def _hash(password: str) -> str:
    return await asyncio.to_thread(password_hash.hash, password)


async def _keep_one_admin(session: AsyncSession, user: User) -> None:
    if user.role != Role.admin or not user.is_active:
        return
    # Lock the active admins' rows, so two admins stepping down at once cannot both pass.
    admins = await session.scalars(
        select(col(User.id))
        .where(col(User.role) == Role.admin, col(User.is_active).is_(True))
        .order_by(col(User.id))
        .with_for_update()
    )
    if not [admin_id for admin_id in admins if admin_id != user.id]:
        raise Conflict("This is the last active admin; make another admin first")


async def find_user(session: AsyncSession, username: str) -> User | None:
    return await session.scalar(select(User).where(col(User.username) == username.strip().lower()))


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
