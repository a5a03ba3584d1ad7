"""Typed auth dependencies: who is calling, and may they do this."""

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from app.auth import service as auth_service
from app.auth.cache import Principal
from app.auth.models import Role, User
from app.db import SessionDep
from app.errors import Forbidden, Unauthorized
from app.records import get_record

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


async def current_user(
    request: Request, session: SessionDep, token: Annotated[str | None, Depends(oauth2_scheme)]
) -> Principal:
    if not token:
        raise Unauthorized()
    state = request.app.state
    return await auth_service.principal_for_token(
        session, token, state.settings, verified=state.verified_tokens, principals=state.principals
    )


CurrentUser = Annotated[Principal, Depends(current_user)]


def client_address(request: Request) -> str:
    """The caller's address as the server sees it (behind a trusted proxy: the forwarded one)."""
    host = request.client.host if request.client else ""
    return (host or "unknown")[:64]


ClientAddress = Annotated[str, Depends(client_address)]


async def current_user_record(user: CurrentUser, session: SessionDep) -> User:
    """The request's user as its database row, for the routes that show or change it."""
    return await get_record(session, User, user.id, "user")


CurrentUserRecord = Annotated[User, Depends(current_user_record)]


def _require(*roles: Role):  # noqa: ANN202
    async def dependency(user: CurrentUser) -> Principal:
        if user.role not in roles:
            raise Forbidden(f"Your role '{user.role}' cannot do this; it needs: {', '.join(roles)}")
        return user

    return dependency


Editor = Annotated[Principal, Depends(_require(Role.admin, Role.editor))]
Admin = Annotated[Principal, Depends(_require(Role.admin))]
