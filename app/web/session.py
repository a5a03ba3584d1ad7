"""The web session: a signed token in an HttpOnly cookie, and the CSRF token bound to it.

The cookie holds an access token of the API's kind (``app.auth.service``: user id and token
generation, signed with the secret key), checked on every request by
``principal_for_token``: a password change, a deactivation, a sign-out (here or through the
API) or an admin's "sign out everywhere" bumps the user's token generation and so ends web
sessions at once. It expires after ``CRM_WEB_IDLE_MINUTES`` without a request and is renewed
as the user works (sliding), at most once a minute, but never past ``CRM_WEB_MAX_SESSION_HOURS``
after signing in (the ``auth`` claim, kept across renewals): then sign-in is asked again.

CSRF: every state-changing request outside the API carries a token, in the form field
``csrf_token`` or the ``X-CSRF-Token`` header (htmx sends it from ``hx-headers`` on <body>).
The token is an HMAC, with the secret key, of the session's id (``sid`` claim, kept across
renewals); before sign-in, of a random value in a ``crm_presession`` cookie (so the sign-in
and language forms are protected too). A page from another site can neither read the cookie
nor compute the HMAC."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from starlette.requests import HTTPConnection
from starlette.responses import Response

from app.auth.service import ALGORITHM
from app.config import Settings

SESSION_COOKIE = "crm_session"
PRESESSION_COOKIE = "crm_presession"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
RENEW_AFTER = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class SessionToken:
    token: str
    session_id: str
    issued_at: datetime
    signed_in_at: datetime


def issue_session_token(
    user_id: int,
    token_generation: int,
    settings: Settings,
    *,
    session_id: str | None = None,
    signed_in_at: datetime | None = None,
    now: datetime | None = None,
) -> str:
    """A token for ``principal_for_token`` (the API's claims) lasting the idle timeout but
    not past the session's absolute lifetime, with the session id the CSRF token is derived
    from and the time of signing in."""
    now = now or datetime.now(UTC)
    signed_in_at = signed_in_at or now
    expires = min(
        now + timedelta(minutes=settings.web_idle_minutes),
        signed_in_at + timedelta(hours=settings.web_max_session_hours),
    )
    claims: dict[str, Any] = {
        "sub": str(user_id),
        "gen": token_generation,
        "sid": session_id or secrets.token_urlsafe(16),
        "iat": now,
        "auth": int(signed_in_at.timestamp()),
        "exp": expires,
    }
    return jwt.encode(claims, settings.secret_key, algorithm=ALGORITHM)


def read_session_cookie(connection: HTTPConnection, settings: Settings) -> SessionToken | None:
    """The session token the browser sent, if its signature holds (expiry and revocation are
    checked by ``principal_for_token``)."""
    token = connection.cookies.get(SESSION_COOKIE)
    return read_session_cookie_value(token, settings) if token else None


def read_session_cookie_value(token: str, settings: Settings) -> SessionToken | None:
    try:
        claims = jwt.decode(
            token,
            settings.secret_key,
            algorithms=[ALGORITHM],
            options={"verify_exp": False, "require": ["sid", "iat", "auth"]},
        )
        return SessionToken(
            token=token,
            session_id=str(claims["sid"]),
            issued_at=datetime.fromtimestamp(float(claims["iat"]), UTC),
            signed_in_at=datetime.fromtimestamp(float(claims["auth"]), UTC),
        )
    except (jwt.PyJWTError, ValueError, TypeError):
        return None


def is_https(connection: HTTPConnection) -> bool:
    return connection.url.scheme == "https"


def set_session_cookie(response: Response, connection: HTTPConnection, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=is_https(connection),
        path="/",
    )


def clear_session_cookie(response: Response, connection: HTTPConnection) -> None:
    response.delete_cookie(
        SESSION_COOKIE, httponly=True, samesite="lax", secure=is_https(connection), path="/"
    )


def csrf_token_for(seed: str, settings: Settings) -> str:
    return hmac.new(
        settings.secret_key.encode(), f"csrf|{seed}".encode(), hashlib.sha256
    ).hexdigest()


def csrf_seed(connection: HTTPConnection, settings: Settings) -> str | None:
    """What this browser's CSRF token derives from: its session, else its pre-session value."""
    session = read_session_cookie(connection, settings)
    if session is not None:
        return "session|" + session.session_id
    presession = connection.cookies.get(PRESESSION_COOKIE)
    return "pre|" + presession if presession else None


def csrf_token_matches(
    supplied: str | None, connection: HTTPConnection, settings: Settings
) -> bool:
    seed = csrf_seed(connection, settings)
    if not supplied or seed is None:
        return False
    return hmac.compare_digest(supplied, csrf_token_for(seed, settings))


def new_presession() -> str:
    return secrets.token_urlsafe(24)


def set_presession_cookie(response: Response, connection: HTTPConnection, value: str) -> None:
    response.set_cookie(
        PRESESSION_COOKIE,
        value,
        httponly=True,
        samesite="lax",
        secure=is_https(connection),
        path="/",
    )
