"""Admin: the users (create, role, deactivate, reset a password, sign out everywhere), and
each user's own calendar-feed link (copy, rotate)."""

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from pydantic import ValidationError

from app.auth import service as auth_service
from app.auth.models import Role, User
from app.auth.schemas import UserCreate, UserFilters, UserUpdate
from app.calendar import service as calendar_service
from app.db import SessionDep
from app.errors import AppError, Conflict
from app.fields import IdPath
from app.pagination import MAX_LIMIT, ListQuery
from app.records import get_record
from app.web.deps import WebAdmin, WebUser
from app.web.forms import form_errors, form_values
from app.web.i18n import _
from app.web.templating import redirect, render, role_label

router = APIRouter()

ROLES = (Role.admin, Role.editor, Role.viewer)
Field = Annotated[str, Form(max_length=300)]


def _role_options() -> list[tuple[str, str]]:
    return [(role.value, role_label(role)) for role in ROLES]


def _errors(exc: ValidationError | AppError) -> dict[str, str]:
    """The form's messages; a password too short says how long it must be."""
    errors = form_errors(exc)
    if isinstance(exc, ValidationError) and any(
        e["loc"] == ("password",) and e["type"] == "string_too_short" for e in exc.errors()
    ):
        errors["password"] = _("The password needs at least 8 characters.")
    return errors


def _forget(request: Request, user: User) -> None:
    # Other workers hear of the change from the database; this one need not wait for that.
    request.app.state.principals.forget(user.id)


async def _users_page(
    request: Request,
    db: SessionDep,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    users, total = await auth_service.list_users(
        db, ListQuery(limit=MAX_LIMIT), UserFilters(include_archived=True)
    )
    context = {
        "users": users,
        "total": total,
        "role_options": _role_options(),
        "values": values or {"role": Role.viewer.value},
        "errors": errors or {},
    }
    return render(request, "admin/users.html", context, status_code=status_code)


@router.get("/admin/users")
async def users_page(request: Request, admin: WebAdmin, db: SessionDep) -> Response:
    return await _users_page(request, db)


@router.post("/admin/users")
async def create_user(request: Request, admin: WebAdmin, db: SessionDep) -> Response:
    values = form_values(await request.form())
    try:
        user = await auth_service.create_user(
            db, UserCreate.model_validate(values), actor=admin.username
        )
    except (ValidationError, AppError) as exc:
        values.pop("password", None)  # never sent back into the page
        errors = _errors(exc)
        if isinstance(exc, Conflict):
            errors = {"username": _("This username is taken.")}
        return await _users_page(request, db, values=values, errors=errors, status_code=422)
    return redirect(
        request, f"/admin/users/{user.id}", flash=_("User %(name)s created.", name=user.username)
    )


async def _user_page(
    request: Request,
    user: User,
    *,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    context = {
        "account": user,
        "role_options": _role_options(),
        "errors": errors or {},
        "current_url": f"/admin/users/{user.id}",  # also after a refused POST (language switch)
    }
    return render(request, "admin/user.html", context, status_code=status_code)


@router.get("/admin/users/{user_id}")
async def user_page(request: Request, admin: WebAdmin, db: SessionDep, user_id: IdPath) -> Response:
    return await _user_page(request, await get_record(db, User, user_id, "user"))


async def _update(
    request: Request, db: SessionDep, actor: str, user_id: int, values: dict[str, Any], done: str
) -> Response:
    """One change to a user through the service; a refusal (the last admin, a short password)
    is shown on the user's page beside its field."""
    user = await get_record(db, User, user_id, "user")
    try:
        user = await auth_service.update_user(
            db, user, UserUpdate.model_validate(values), actor=actor
        )
    except (ValidationError, AppError) as exc:
        status = exc.status if isinstance(exc, AppError) else 422
        return await _user_page(request, user, errors=_errors(exc), status_code=status)
    _forget(request, user)
    return redirect(request, f"/admin/users/{user.id}", flash=done)


@router.post("/admin/users/{user_id}/role")
async def change_role(
    request: Request, admin: WebAdmin, db: SessionDep, user_id: IdPath, role: Field = ""
) -> Response:
    return await _update(
        request, db, admin.username, user_id, {"role": role}, _("The role is changed.")
    )


@router.post("/admin/users/{user_id}/active")
async def change_active(
    request: Request, admin: WebAdmin, db: SessionDep, user_id: IdPath, active: Field = ""
) -> Response:
    is_active = active == "true"
    done = _("The user can sign in again.") if is_active else _("The user is deactivated.")
    return await _update(request, db, admin.username, user_id, {"is_active": is_active}, done)


@router.post("/admin/users/{user_id}/password")
async def reset_password(
    request: Request, admin: WebAdmin, db: SessionDep, user_id: IdPath, password: Field = ""
) -> Response:
    done = _("The password is changed; the user's sessions have ended.")
    return await _update(request, db, admin.username, user_id, {"password": password}, done)


@router.post("/admin/users/{user_id}/sign-out")
async def sign_out_everywhere(
    request: Request, admin: WebAdmin, db: SessionDep, user_id: IdPath
) -> Response:
    user = await get_record(db, User, user_id, "user")
    await auth_service.end_sessions(db, user, actor=admin.username)
    _forget(request, user)
    done = _("%(name)s is signed out on every device.", name=user.username)
    return redirect(request, f"/admin/users/{user.id}", flash=done)


# -- the signed-in user's calendar feed -----------------------------------------------------


@router.get("/admin/calendar")
async def calendar_page(request: Request, user: WebUser, db: SessionDep) -> Response:
    """Every user's own feed (not only admins'): whether there is one; its address was shown
    once, when made (only a hash of its secret is kept)."""
    record = await get_record(db, User, user.id, "user")
    context = {"has_feed": record.calendar_token_hash is not None, "feed_url": None}
    return render(request, "admin/calendar.html", context)


@router.post("/admin/calendar/rotate")
async def rotate_calendar_link(request: Request, user: WebUser, db: SessionDep) -> Response:
    """A new feed address (the old one stops working), shown on this answer only."""
    record = await get_record(db, User, user.id, "user")
    token = await calendar_service.rotate_token(db, record, actor=user.username)
    context = {
        "has_feed": True,
        "feed_url": str(request.url_for("calendar_feed", token=token)),
        "current_url": "/admin/calendar",  # the language switch goes back to the page
    }
    return render(request, "admin/calendar.html", context)


@router.post("/admin/calendar/remove")
async def remove_calendar_link(request: Request, user: WebUser, db: SessionDep) -> Response:
    record = await get_record(db, User, user.id, "user")
    await calendar_service.remove_token(db, record, actor=user.username)
    return redirect(request, "/admin/calendar", flash=_("Your calendar feed is turned off."))
