"""Every message of the web app (templates and Python) has a Traditional Chinese translation.

A failure lists the missing messages with where they are; add each to the .po of its area
(app/web/translations/zh_Hant_TW/LC_MESSAGES/<area>.po), as README "Translations" says."""

import re
from datetime import UTC, date, datetime
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from app.interactions.models import InteractionKind
from app.web import i18n, labels

WEB = Path(i18n.__file__).parent
METHOD_MAP = [("**.py", "python"), ("templates/**.html", "jinja2")]
OPTIONS_MAP = {
    "templates/**.html": {
        "extensions": "jinja2.ext.i18n",
        "trim_blocks": "true",
        "lstrip_blocks": "true",
    }
}
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None}


def _messages() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        WEB, METHOD_MAP, OPTIONS_MAP, KEYWORDS, strip_comment_tags=True
    ):
        for msgid in message if isinstance(message, tuple) else (message,):
            if msgid:
                found.setdefault(msgid, []).append(f"{filename}:{lineno}")
    return found


def _translated() -> dict[str, str]:
    translated: dict[str, str] = {}
    for path in sorted((i18n.TRANSLATIONS / i18n.ZH / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as file:
            catalog = read_po(file, locale=i18n.ZH)
        for message in catalog:
            if not message.id or message.fuzzy:
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if all(strings):
                for msgid in ids:
                    translated[msgid] = strings[0]
    return translated


def test_every_web_message_has_a_chinese_translation() -> None:
    messages = _messages()
    assert len(messages) > 20, "the extractor found (almost) nothing; is the method map right?"
    translated = _translated()
    missing = {msgid: where for msgid, where in messages.items() if msgid not in translated}
    assert not missing, "Messages without a zh_Hant_TW translation:\n" + "\n".join(
        f"  {msgid!r}  ({', '.join(where[:3])})" for msgid, where in sorted(missing.items())
    )


def test_placeholders_survive_translation() -> None:
    placeholder = re.compile(r"%\((\w+)\)s")
    wrong = [
        (msgid, text)
        for msgid, text in _translated().items()
        if sorted(placeholder.findall(msgid)) != sorted(placeholder.findall(text))
    ]
    assert not wrong, wrong


def test_the_catalogs_load() -> None:
    i18n.translations.cache_clear()
    i18n.activate(i18n.ZH)
    try:
        assert i18n.gettext("Contacts") == "聯絡人"
        assert i18n.country_name("KR") == "南韓"
        assert i18n.ngettext("%(num)s year", "%(num)s years", 30) == "30 年"
    finally:
        i18n.activate(i18n.EN)


def test_dates_numbers_and_names_follow_the_language() -> None:
    instant = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)  # already 2 December in Taipei
    try:
        i18n.activate(i18n.ZH)
        assert i18n.format_date(date(2026, 12, 2)) == "2026年12月2日"
        assert i18n.format_datetime(instant, "Asia/Taipei").startswith("2026年12月2日")
        assert i18n.format_number(1234567) == "1,234,567"
        assert i18n.country_name("be") == "比利時"
        assert i18n.language_name("ko") == "韓文"
        i18n.activate(i18n.EN)
        assert i18n.format_date(date(2026, 12, 2)) == "Dec 2, 2026"
        assert i18n.country_name("KR") == "South Korea"
        assert i18n.language_name("zh-Hant") == "Chinese"
        assert i18n.country_name("XX") == "XX"
    finally:
        i18n.activate(i18n.EN)


def test_a_message_has_one_translation_in_every_area() -> None:
    """The areas' catalogs are merged into one, so a message translated two ways in two
    .po files would show whichever loads last, everywhere: the same English, the same Chinese."""
    seen: dict[str, dict[str, list[str]]] = {}
    for path in sorted((i18n.TRANSLATIONS / i18n.ZH / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as file:
            for message in read_po(file, locale=i18n.ZH):
                if not message.id or message.fuzzy:
                    continue
                msgid = message.id if isinstance(message.id, str) else message.id[0]
                string = message.string if isinstance(message.string, str) else message.string[0]
                seen.setdefault(msgid, {}).setdefault(string, []).append(path.name)
    clashes = {msgid: found for msgid, found in seen.items() if len(found) > 1}
    assert not clashes, clashes


def test_each_interaction_kind_has_one_word_in_every_catalog() -> None:
    """The log form, the badges and the reports name a kind alike (app/web/labels.py), and no
    area's catalog translates that word differently (the last catalog read would win)."""
    words = [labels.LABELS[(InteractionKind, kind.value)] for kind in InteractionKind]
    chinese: dict[str, set[str]] = {word: set() for word in words}
    for path in sorted((i18n.TRANSLATIONS / i18n.ZH / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as file:
            for message in read_po(file, locale=i18n.ZH):
                if message.id in chinese:
                    chinese[str(message.id)].add(str(message.string))
    assert all(len(found) == 1 for found in chinese.values()), chinese
    translations = [next(iter(chinese[word])) for word in words]
    assert len(set(translations)) == len(translations), translations
    # A meeting and a conference do not look alike.
    meeting = next(iter(chinese["Meeting"]))
    conference = next(iter(chinese["Conference or course"]))
    assert "會議" not in (meeting, conference) and meeting[0] != conference[0]
    i18n.activate(i18n.ZH)
    try:
        assert labels.label(InteractionKind.meeting) == meeting
    finally:
        i18n.activate("en")
