from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response, status
from fastapi.security import OAuth2PasswordRequestForm

from app.auth import service as auth_service
from app.auth.deps import Admin, CurrentUserRecord
from app.auth.models import User
from app.auth.schemas import Token, UserCreate, UserRead, UserUpdate
from app.db import SessionDep
from app.fields import IdPath
from app.pagination import Page, PageDep
from app.records import IfMatch, check_if_match, get_record, set_etag

router = APIRouter(tags=["auth"])


@router.post("/auth/token", response_model=Token)
async def login(
    request: Request,
    session: SessionDep,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
) -> Token:
    user = await auth_service.authenticate(
        session, username=form.username, password=form.password, throttle=request.app.state.throttle
    )
    token, expires_in = auth_service.issue_token(user, request.app.state.settings)
    return Token(access_token=token, expires_in=expires_in)


@router.get("/users/me", response_model=UserRead)
async def read_me(user: CurrentUserRecord, response: Response) -> User:
    return set_etag(response, user)


@router.get("/users", response_model=Page[UserRead])
async def list_users(_: Admin, session: SessionDep, page: PageDep) -> dict[str, Any]:
    items, total = await auth_service.list_users(session, page)
    return Page.build(items, total, page)


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
