"""Each user's calendar feed (RFC 5545): their open follow-ups, the desk's events and the days
invitations are due to go out, at a secret address a calendar app subscribes to.

The secret in the address is the only credential (calendar apps send no bearer token), so it
is long and random, only its SHA-256 is stored (looked up through its unique index: a copy of
the database opens no feed), and rotating it retires the old URL."""

import hashlib
import re
import secrets
from datetime import date, datetime, timedelta
from typing import Any

from icalendar import Calendar
from icalendar import Event as CalendarEntry
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.audit.schemas import AuditEntity
from app.auth.models import User
from app.cities.models import City
from app.errors import NotFound
from app.events.models import Event
from app.exports.formats import plain_text
from app.follow_ups.models import FollowUp, FollowUpStatus
from app.invitations.models import Invitation, InvitationStatus
from app.records import update_record

UID_DOMAIN = "diplomacy-crm"
PRODID = "-//diplomacy-crm//calendar feed//EN"
TOKEN_BYTES = 32  # 43 URL-safe characters
# What secrets.token_urlsafe makes; anything else cannot be a token and is not looked up.
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{20,64}")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def rotate_token(session: AsyncSession, user: User, *, actor: str) -> str:
    """Give the user a new feed secret (the old address stops working at once) and return
    it: it cannot be shown again. The audit entry says that it changed, never what it is."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    await _set_token_hash(session, user, token_hash(token), actor=actor)
    return token


async def remove_token(session: AsyncSession, user: User, *, actor: str) -> None:
    """Turn the user's feed off: its address stops working."""
    if user.calendar_token_hash is not None:
        await _set_token_hash(session, user, None, actor=actor)


async def _set_token_hash(
    session: AsyncSession, user: User, new_hash: str | None, *, actor: str
) -> None:
    had_one = user.calendar_token_hash is not None
    user.calendar_token_hash = new_hash  # not through ``values``: no hash in the audit trail
    await update_record(
        session,
        user,
        {},
        actor=actor,
        entity=AuditEntity.user,
        before={"calendar_token": "(secret)" if had_one else None},
        after={"calendar_token": "(new secret)" if new_hash else None},
    )


async def feed_owner(session: AsyncSession, token: str) -> User:
    """The active user whose feed the token opens; 404 for anything else, so an address
    that was rotated, or whose user left, looks the same as one that never existed."""
    user = None
    if _TOKEN_SHAPE.fullmatch(token):
        user = await session.scalar(
            select(User).where(col(User.calendar_token_hash) == token_hash(token))
        )
    if user is None or not user.is_active or user.archived_at is not None:
        raise NotFound("There is no calendar feed at this address (it may have been replaced)")
    return user


def _uid(kind: str, *parts: Any) -> str:
    return f"{kind}-{'-'.join(str(part) for part in parts)}@{UID_DOMAIN}"


def _all_day(
    uid: str,
    summary: str,
    first_day: date,
    last_day: date,
    *,
    stamp: datetime,
    version: int | None = None,
    category: str,
    transparent: bool,
    description: str | None = None,
    location: str | None = None,
    url: str | None = None,
) -> CalendarEntry:
    """An all-day entry from ``first_day`` to ``last_day`` (DTEND is the day after: RFC 5545's
    end is exclusive). DTSTAMP and LAST-MODIFIED are when the record last changed, so an
    unchanged feed is byte-for-byte the same; SEQUENCE counts the record's revisions from 0."""
    entry = CalendarEntry()
    entry.add("uid", uid)
    entry.add("dtstamp", stamp)
    entry.add("last-modified", stamp)
    if version is not None:
        entry.add("sequence", max(version - 1, 0))
    entry.add("summary", plain_text(summary))
    entry.add("dtstart", first_day)
    entry.add("dtend", max(last_day, first_day) + timedelta(days=1))
    entry.add("categories", [category])
    entry.add("transp", "TRANSPARENT" if transparent else "OPAQUE")
    if description:
        entry.add("description", plain_text(description))
    if location:
        entry.add("location", plain_text(location))
    if url:
        entry.add("url", url)
    return entry


async def _follow_up_entries(session: AsyncSession, user: User) -> list[CalendarEntry]:
    follow_ups = await session.scalars(
        select(FollowUp)
        .where(
            col(FollowUp.assignee_id) == user.id,
            col(FollowUp.status) == FollowUpStatus.open,
            col(FollowUp.archived_at).is_(None),
        )
        .order_by(col(FollowUp.due_on), col(FollowUp.id))
    )
    return [
        _all_day(
            _uid("follow-up", follow_up.id),
            follow_up.title,
            follow_up.due_on,
            follow_up.due_on,
            stamp=follow_up.updated_at,
            version=follow_up.version,
            category="Follow-up",
            transparent=True,
            description=follow_up.notes,
        )
        for follow_up in follow_ups
    ]


async def _event_entries(session: AsyncSession) -> list[CalendarEntry]:
    rows = await session.execute(
        select(Event, col(City.name))
        .outerjoin(City, col(Event.city_id) == col(City.id))
        .where(col(Event.archived_at).is_(None), col(Event.starts_on).is_not(None))
        .order_by(col(Event.starts_on), col(Event.id))
    )
    entries = []
    for event, city_name in rows:
        assert event.starts_on is not None
        location = ", ".join(part for part in (event.venue, city_name) if part)
        entries.append(
            _all_day(
                _uid("event", event.id),
                event.name,
                event.starts_on,
                event.ends_on or event.starts_on,
                stamp=event.updated_at,
                version=event.version,
                category="Event",
                transparent=False,
                description=event.description,
                location=location or None,
                url=event.url,
            )
        )
    return entries


async def _sending_entries(session: AsyncSession) -> list[CalendarEntry]:
    """One entry per event and day on which planned invitations are due to go out."""
    rows = await session.execute(
        select(
            col(Event.id),
            col(Event.name),
            col(Invitation.send_on),
            func.count(col(Invitation.id)),
            func.max(col(Invitation.updated_at)),
        )
        .join(Event, col(Invitation.event_id) == col(Event.id))
        .where(
            col(Invitation.status) == InvitationStatus.planned,
            col(Invitation.archived_at).is_(None),
            col(Invitation.send_on).is_not(None),
            col(Event.archived_at).is_(None),
        )
        .group_by(col(Event.id), col(Event.name), col(Invitation.send_on))
        .order_by(col(Invitation.send_on), col(Event.id))
    )
    return [
        _all_day(
            _uid("invitations", event_id, send_on.isoformat()),
            f"Send {count} invitation{'' if count == 1 else 's'}: {event_name}",
            send_on,
            send_on,
            stamp=last_changed,
            category="Invitations",
            transparent=True,
        )
        for event_id, event_name, send_on, count, last_changed in rows
        if send_on is not None  # (the query asks for these only)
    ]


async def calendar_feed(session: AsyncSession, user: User) -> bytes:
    """The user's feed as an iCalendar document."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"diplomacy-crm: {user.full_name or user.username}")
    for entries in (
        await _follow_up_entries(session, user),
        await _event_entries(session),
        await _sending_entries(session),
    ):
        for entry in entries:
            calendar.add_component(entry)
    return calendar.to_ical()
