from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response, status
from fastapi.security import OAuth2PasswordRequestForm

from app.auth import service as auth_service
from app.auth.deps import Admin, ClientAddress, CurrentUserRecord
from app.auth.models import User
from app.auth.schemas import PasswordChange, Token, UserCreate, UserFilters, UserRead, UserUpdate
from app.db import SessionDep
from app.fields import IdPath
from app.pagination import ListQuery, Page, SortBy
from app.records import IfMatch, check_if_match, get_record, set_etag

router = APIRouter(tags=["auth"])


@router.post("/auth/token", response_model=Token)
async def login(
    request: Request,
    session: SessionDep,
    address: ClientAddress,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
) -> Token:
    user = await auth_service.authenticate(
        session,
        username=form.username,
        password=form.password,
        address=address,
        throttle=request.app.state.throttle,
    )
    return _token(request, user)


def _token(request: Request, user: User) -> Token:
    token, expires_in = auth_service.issue_token(user, request.app.state.settings)
    return Token(access_token=token, expires_in=expires_in)


@router.post("/auth/logout", status_code=status.HTTP_204_NO_CONTENT)
async def logout(user: CurrentUserRecord, session: SessionDep, request: Request) -> None:
    """Ends every token you hold, on every device (tokens are not kept by the server, so
    one cannot be ended alone)."""
    await auth_service.end_sessions(session, user, actor=user.username)
    request.app.state.principals.forget(user.id)


@router.post("/users/me/password", response_model=Token)
async def change_password(
    user: CurrentUserRecord,
    session: SessionDep,
    request: Request,
    address: ClientAddress,
    data: PasswordChange,
) -> Token:
    """Change your password (the current one is required). Every token you held stops
    working, this one too: the answer carries a new one."""
    user = await auth_service.change_own_password(
        session, user, data, address=address, throttle=request.app.state.throttle
    )
    request.app.state.principals.forget(user.id)
    return _token(request, user)


@router.get("/users/me", response_model=UserRead)
async def read_me(user: CurrentUserRecord, response: Response) -> User:
    return set_etag(response, user)


class UserListQuery(UserFilters, ListQuery):
    sort: Annotated[str, SortBy(auth_service.USER_SORTABLE)] | None = None


@router.get("/users", response_model=Page[UserRead])
async def list_users(
    _: Admin, session: SessionDep, query: Annotated[UserListQuery, Query()]
) -> dict[str, Any]:
    items, total = await auth_service.list_users(session, query, query)
    return Page.build(items, total, query)


@router.post("/users", response_model=UserRead, status_code=status.HTTP_201_CREATED)
async def create_user(
    admin: Admin, session: SessionDep, data: UserCreate, response: Response
) -> User:
    user = await auth_service.create_user(session, data, actor=admin.username)
    response.headers["Location"] = f"/api/v1/users/{user.id}"
    return set_etag(response, user)


@router.get("/users/{user_id:int}", response_model=UserRead)  # /users/me is no id
async def read_user(_: Admin, session: SessionDep, user_id: IdPath, response: Response) -> User:
    return set_etag(response, await get_record(session, User, user_id, "user"))


@router.patch("/users/{user_id:int}", response_model=UserRead)
async def update_user(
    admin: Admin,
    session: SessionDep,
    request: Request,
    user_id: IdPath,
    data: UserUpdate,
    response: Response,
    if_match: IfMatch = None,
) -> User:
    user = await get_record(session, User, user_id, "user")
    check_if_match(user, if_match)
    user = await auth_service.update_user(session, user, data, actor=admin.username)
    # Other workers hear of it from the database; this one need not wait for that.
    request.app.state.principals.forget(user.id)
    return set_etag(response, user)


@router.post("/users/{user_id}/sign-out", status_code=status.HTTP_204_NO_CONTENT)
async def sign_out_user(
    admin: Admin, session: SessionDep, request: Request, user_id: IdPath
) -> None:
    """Ends every token the user holds, on every device (e.g. a lost laptop); they can log
    in again with their password."""
    user = await get_record(session, User, user_id, "user")
    await auth_service.end_sessions(session, user, actor=admin.username)
    request.app.state.principals.forget(user.id)
