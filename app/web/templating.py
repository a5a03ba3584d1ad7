"""Rendering pages: the Jinja2 environment, ``render``, ``redirect`` and flash messages."""

import base64
import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import phonenumbers
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from starlette.requests import HTTPConnection, Request
from starlette.responses import HTMLResponse, Response

from app.auth.cache import Principal
from app.auth.models import Role
from app.config import Settings
from app.web import i18n, labels, session

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
STATIC_URL = "/static/web"
FLASH_COOKIE = "crm_flash"
FLASH_LEVELS = ("success", "info", "warning", "error")


ROLE_LABELS = {
    Role.admin: i18n.N_("Administrator"),
    Role.editor: i18n.N_("Editor"),
    Role.viewer: i18n.N_("Viewer"),
}


def role_label(role: Role) -> str:
    return i18n.gettext(ROLE_LABELS[role])


def _template_gettext(message: str) -> str:
    return i18n.translations(i18n.current_locale()).gettext(message)


def _template_ngettext(singular: str, plural: str, n: int) -> str:
    return i18n.translations(i18n.current_locale()).ngettext(singular, plural, n)


@cache
def static_url(name: str) -> str:
    """A static file's address, with a digest of its content so browsers may cache it."""
    digest = hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:10]
    return f"{STATIC_URL}/{name}?v={digest}"


@pass_context
def _format_datetime(context: Any, value: Any, format: str = "medium") -> str:
    settings: Settings = context["request"].app.state.settings
    return i18n.format_datetime(value, settings.time_zone, format)


def format_phone(value: str | None) -> str:
    """A stored phone number (E.164, ``;ext=`` for an extension) as people write it:
    ``+82 51-888-1234 ext. 56`` (分機 56 in Chinese). Anything unreadable is shown as stored."""
    if not value:
        return ""
    number_text, _sep, extension = value.partition(";ext=")
    try:
        number = phonenumbers.parse(number_text, None)
    except phonenumbers.NumberParseException:
        return value
    shown = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    if not extension:
        return shown
    return shown + " " + i18n._("ext. %(number)s", number=extension)


def url_with(path: str, **params: Any) -> str:
    """``path`` with a query string of the params that are not None."""
    query = urlencode({k: v for k, v in params.items() if v is not None}, doseq=True)
    return f"{path}?{query}" if query else path


def _build_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]  # added by the i18n extension
        _template_gettext, _template_ngettext, newstyle=True
    )
    env.filters.update(
        format_date=i18n.format_date,
        format_datetime=_format_datetime,
        format_number=i18n.format_number,
        country_name=i18n.country_name,
        language_name=i18n.language_name,
        format_phone=format_phone,
    )
    env.globals.update(
        static_url=static_url,
        url_with=url_with,
        language_names=i18n.LANGUAGE_NAMES,
        role_label=role_label,
        label=labels.label,
        choices=labels.choices,
    )
    return env


templates = _build_environment()


def current_user(connection: HTTPConnection) -> Principal | None:
    """The signed-in user, once a ``WebUser`` dependency has checked the session."""
    return getattr(connection.state, "user", None)


def csrf_token(request: HTTPConnection) -> str:
    """This browser's CSRF token; before sign-in it makes a pre-session value, which
    ``render`` then sets as a cookie."""
    settings: Settings = request.app.state.settings
    seed = session.csrf_seed(request, settings)
    if seed is None:
        presession = getattr(request.state, "new_presession", None)
        if presession is None:
            presession = request.state.new_presession = session.new_presession()
        seed = "pre|" + presession
    return session.csrf_token_for(seed, settings)


def is_htmx(request: HTTPConnection) -> bool:
    return request.headers.get("hx-request") == "true"


def base_context(request: Request) -> dict[str, Any]:
    user = current_user(request)
    locale = i18n.current_locale()
    return {
        "request": request,
        "user": user,
        "can_edit": user is not None and user.role in (Role.admin, Role.editor),
        "is_admin": user is not None and user.role == Role.admin,
        "csrf_token": csrf_token(request),
        "csrf_field": session.CSRF_FIELD,
        "locale": locale,
        "html_lang": i18n.HTML_LANG[locale],
        "htmx": is_htmx(request),
        "current_url": _current_url(request),
        "flashes": read_flashes(request),
    }


def _current_url(request: HTTPConnection) -> str:
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """The page ``template`` with ``context`` and what every page needs (user, roles, CSRF
    token, language, flash messages)."""
    values = base_context(request)
    values.update(context or {})
    html = templates.get_template(template).render(values)
    response = HTMLResponse(html, status_code=status_code, headers=headers)
    # Pages show people's names and addresses: never kept by a cache.
    response.headers["Cache-Control"] = "no-store"
    presession = getattr(request.state, "new_presession", None)
    if presession is not None:
        session.set_presession_cookie(response, request, presession)
    if values["flashes"]:
        response.delete_cookie(FLASH_COOKIE, path="/")
    return response


def safe_next(target: str | None, default: str = "/") -> str:
    """A place on this site to go back to (never another site: ``//evil``, ``https://``)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


def redirect(
    request: HTTPConnection,
    url: str,
    *,
    flash: str | None = None,
    level: str = "success",
) -> Response:
    """After a POST: go to ``url`` (303), with an optional message shown on the next page.
    An htmx request is told to go there with ``HX-Redirect``."""
    response: Response
    if is_htmx(request):
        response = Response(status_code=204, headers={"HX-Redirect": url})
    else:
        response = Response(status_code=303, headers={"Location": url})
    if flash:
        add_flash(response, flash, level)
    return response


def add_flash(response: Response, message: str, level: str = "success") -> None:
    payload = json.dumps([[level if level in FLASH_LEVELS else "info", message]])
    response.set_cookie(
        FLASH_COOKIE,
        base64.urlsafe_b64encode(payload.encode()).decode(),
        httponly=True,
        samesite="lax",
        path="/",
    )


def read_flashes(request: HTTPConnection) -> list[tuple[str, str]]:
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw:
        return []
    try:
        items = json.loads(base64.urlsafe_b64decode(raw.encode()))
        return [(str(level), str(text)) for level, text in items if level in FLASH_LEVELS]
    except (ValueError, TypeError):
        return []


def sign_in_url(request: HTTPConnection) -> str:
    return "/sign-in?next=" + quote(_current_url(request), safe="/")
