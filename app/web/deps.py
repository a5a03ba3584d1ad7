"""Typed dependencies of the web pages: the signed-in user, their role, the CSRF check."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request

from app.auth import service as auth_service
from app.auth.cache import Principal
from app.auth.models import Role
from app.config import Settings
from app.db import SAFE_METHODS, SessionDep
from app.errors import Forbidden, Unauthorized
from app.web import session
from app.web.i18n import _


class SignInRequired(Exception):
    """No valid session: the browser is sent to the sign-in page (see app/web/errors.py)."""


class CsrfFailed(Forbidden):
    """A state-changing request without this browser's CSRF token."""


async def web_user(request: Request, db: SessionDep) -> Principal:
    """The signed-in user. No session, an expired one (idle timeout) or a revoked one (signed
    out, password changed, deactivated): to the sign-in page. Renews the session's expiry
    as the user works."""
    settings: Settings = request.app.state.settings
    state = request.app.state
    token = session.read_session_cookie(request, settings)
    if token is None:
        raise SignInRequired()
    try:
        principal = await auth_service.principal_for_token(
            db, token.token, settings, verified=state.verified_tokens, principals=state.principals
        )
    except Unauthorized as exc:
        raise SignInRequired() from exc
    if datetime.now(UTC) - token.issued_at >= session.RENEW_AFTER:
        renewed = session.issue_session_token(
            principal.id,
            principal.token_generation,
            settings,
            session_id=token.session_id,
            signed_in_at=token.signed_in_at,
        )
        request.state.renewed_session = renewed  # set on the response by app/web/__init__.py
    request.state.user = principal
    return principal


WebUser = Annotated[Principal, Depends(web_user)]


def _require(*roles: Role):  # noqa: ANN202
    async def dependency(user: WebUser) -> Principal:
        if user.role not in roles:
            raise Forbidden(_("Your role does not allow this."))
        return user

    return dependency


WebEditor = Annotated[Principal, Depends(_require(Role.admin, Role.editor))]
WebAdmin = Annotated[Principal, Depends(_require(Role.admin))]


async def check_csrf(request: Request) -> None:
    """On the whole web router: a POST, PUT, PATCH or DELETE must carry this browser's
    CSRF token (form field ``csrf_token`` or header ``X-CSRF-Token``)."""
    if request.method in SAFE_METHODS:
        return
    supplied = request.headers.get(session.CSRF_HEADER)
    if supplied is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        value = (await request.form()).get(session.CSRF_FIELD)
        supplied = value if isinstance(value, str) else None
    if not session.csrf_token_matches(supplied, request, request.app.state.settings):
        raise CsrfFailed(
            _(
                "This form has expired or did not come from this site. "
                "Reload the page and try again."
            )
        )
