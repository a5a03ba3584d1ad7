"""Signing in and out, the language switch, and the site's icon."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import FileResponse, Response

from app.auth import service as auth_service
from app.auth.deps import ClientAddress
from app.auth.models import User
from app.db import SessionDep
from app.errors import AppError, TooManyRequests
from app.records import get_record
from app.web import i18n, session
from app.web.deps import WebUser
from app.web.i18n import _
from app.web.templating import STATIC, redirect, render, safe_next

router = APIRouter()

LANGUAGE_COOKIE_SECONDS = 400 * 24 * 3600  # the longest a browser keeps a cookie


def after_sign_in(target: str | None) -> str:
    """Where signing in leads: back to the page asked for, on this site, but never to the
    sign-in page again (round in circles)."""
    target = safe_next(target)
    return "/" if target.split("?")[0] in ("/sign-in", "/sign-out") else target


@router.get("/sign-in")
async def sign_in_page(request: Request, next: str | None = None) -> Response:
    return render(request, "auth/sign_in.html", {"next": after_sign_in(next), "username": ""})


@router.post("/sign-in")
async def sign_in(
    request: Request,
    db: SessionDep,
    address: ClientAddress,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    target = after_sign_in(next)
    try:
        user = await auth_service.authenticate(
            db,
            username=username,
            password=password,
            address=address,
            throttle=request.app.state.throttle,
        )
    except AppError as exc:
        headers = None
        if isinstance(exc, TooManyRequests):
            error, status = _("Too many sign-in attempts. Wait a minute, then try again."), 429
            headers = exc.headers
        else:  # a wrong password, an unknown or inactive user, a name too long to exist
            error, status = _("The username or password is not correct."), 400
        return render(
            request,
            "auth/sign_in.html",
            {"next": target, "username": username, "error": error},
            status_code=status,
            headers=headers,
        )
    assert user.id is not None  # a stored user
    token = session.issue_session_token(user.id, user.token_generation, request.app.state.settings)
    response = redirect(request, target)
    session.set_session_cookie(response, request, token)
    return response


@router.post("/sign-out")
async def sign_out(request: Request, user: WebUser, db: SessionDep) -> Response:
    """Ends every session of the user, on every device, as the API's logout does (the
    server keeps no list of sessions, so one cannot be ended alone)."""
    record = await get_record(db, User, user.id, "user")
    await auth_service.end_sessions(db, record, actor=user.username)
    request.app.state.principals.forget(user.id)
    response = redirect(request, "/sign-in", flash=_("You are signed out."), level="info")
    session.clear_session_cookie(response, request)
    return response


@router.post("/language")
async def choose_language(
    request: Request,
    language: Annotated[str, Form(max_length=20)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    """Remembers the language (a long-lived cookie) and goes back to the page."""
    locale = language if language in i18n.LOCALES else i18n.DEFAULT_LOCALE
    response = redirect(request, safe_next(next))
    response.set_cookie(
        i18n.LANGUAGE_COOKIE,
        locale,
        max_age=LANGUAGE_COOKIE_SECONDS,
        httponly=True,
        samesite="lax",
        secure=session.is_https(request),
        path="/",
    )
    return response


@router.get("/favicon.ico")
async def favicon() -> Response:
    """Browsers ask for /favicon.ico whatever the page links: the same icon (an SVG)."""
    return FileResponse(
        STATIC / "favicon.svg",
        media_type="image/svg+xml",
        headers={"Cache-Control": "public, max-age=86400"},
    )
