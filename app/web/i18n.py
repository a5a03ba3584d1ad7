"""Languages of the web app: Traditional Chinese (Taiwan) and English.

Messages are written in English in the code and templates (``_("Contacts")``); their
Traditional Chinese lives in ``translations/zh_Hant_TW/LC_MESSAGES/<area>.po``, one file per
page area, all read and merged when the app starts (no compiled ``.mo`` file is kept). The
request's language is held in a context variable, so ``_()`` anywhere in a request (route,
template, form helper) answers in it."""

import io
import re
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from starlette.requests import HTTPConnection

TRANSLATIONS = Path(__file__).parent / "translations"
ZH = "zh_Hant_TW"
EN = "en"
LOCALES = (ZH, EN)
DEFAULT_LOCALE = EN
LANGUAGE_COOKIE = "crm_lang"
# How each language is named in its own script, for the language switch.
LANGUAGE_NAMES = {ZH: "繁體中文", EN: "English"}
# The value of <html lang>.
HTML_LANG = {ZH: "zh-Hant-TW", EN: "en"}

_locale: ContextVar[str] = ContextVar("web_locale", default=DEFAULT_LOCALE)


@cache
def translations(locale: str) -> NullTranslations:
    """Every area's catalog of ``locale``, merged (English needs none: it is the source)."""
    if locale == EN:
        return NullTranslations()
    # The first catalog's header gives the merged one its plural rule (Chinese: one form).
    merged: Translations | None = None
    for po_path in sorted((TRANSLATIONS / locale / "LC_MESSAGES").glob("*.po")):
        with po_path.open("rb") as file:
            catalog = read_po(file, locale=locale)
        buffer = io.BytesIO()
        write_mo(buffer, catalog, use_fuzzy=False)
        buffer.seek(0)
        catalog_translations = Translations(buffer)
        if merged is None:
            merged = catalog_translations
        else:
            merged.merge(catalog_translations)
    return merged or NullTranslations()


def activate(locale: str) -> None:
    _locale.set(locale if locale in LOCALES else DEFAULT_LOCALE)


def current_locale() -> str:
    return _locale.get()


def gettext(message: str, **variables: object) -> str:
    """``message`` in the request's language; ``%(name)s`` placeholders filled from
    ``variables`` (the same call in Python and in templates)."""
    text = translations(_locale.get()).gettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, n: int, **variables: object) -> str:
    text = translations(_locale.get()).ngettext(singular, plural, n)
    return text % {"num": n, **variables}


_ = gettext


def N_(message: str) -> str:  # noqa: N802  # the name Babel's extractor knows
    """Marks a message for translation where it is defined (a module constant); translate
    it with ``_()`` where it is shown."""
    return message


_LANGUAGE_RANGE = re.compile(r"\s*([A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*|\*)\s*(?:;\s*q=([0-9.]+))?")


def locale_from_accept_language(header: str | None) -> str:
    """Chinese in any form (zh, zh-TW, zh-Hant, ...) asks for Traditional Chinese; anything
    else for English. The most wanted language that we have wins."""
    choices: list[tuple[float, int, str]] = []
    for position, part in enumerate((header or "").split(",")):
        match = _LANGUAGE_RANGE.fullmatch(part)
        if not match:
            continue
        try:
            quality = float(match.group(2)) if match.group(2) else 1.0
        except ValueError:
            continue
        if quality > 0:
            choices.append((-quality, position, match.group(1).lower()))
    for _quality, _position, tag in sorted(choices):
        if tag == "zh" or tag.startswith("zh-"):
            return ZH
        if tag == "en" or tag.startswith("en-"):
            return EN
    return DEFAULT_LOCALE


def request_locale(connection: HTTPConnection) -> str:
    """The language the user chose (a cookie), else the one their browser asks for."""
    chosen = connection.cookies.get(LANGUAGE_COOKIE)
    if chosen in LOCALES:
        return chosen
    return locale_from_accept_language(connection.headers.get("accept-language"))


@cache
def _babel_locale(locale: str) -> Locale:
    return Locale.parse(locale)


def format_date(value: date | datetime | None, format: str = "medium") -> str:
    """A date as the reader's language writes it: "2026年12月2日" / "Dec 2, 2026"."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    return babel_dates.format_date(value, format=format, locale=_babel_locale(current_locale()))


def format_datetime(value: datetime | None, time_zone: str, format: str = "medium") -> str:
    """An instant in the desk's time zone, as the reader's language writes it."""
    if value is None:
        return ""
    return babel_dates.format_datetime(
        value, format=format, tzinfo=ZoneInfo(time_zone), locale=_babel_locale(current_locale())
    )


def format_number(value: int | float | Decimal | None) -> str:
    if value is None:
        return ""
    return babel_numbers.format_decimal(value, locale=_babel_locale(current_locale()))


def country_name(code: str | None) -> str:
    """A country (ISO 3166 alpha-2 code) named in the reader's language: KR → 南韓 / South
    Korea. An unknown code is shown as it is."""
    if not code:
        return ""
    return _babel_locale(current_locale()).territories.get(code.upper(), code)


def language_name(code: str | None) -> str:
    """A language (ISO 639 code, e.g. "ko") named in the reader's language."""
    if not code:
        return ""
    names = _babel_locale(current_locale()).languages
    return names.get(code) or names.get(code.split("-")[0].lower()) or code
