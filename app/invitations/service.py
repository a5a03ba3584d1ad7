"""Invitations: who is invited to which event, and where each invitation stands."""

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, and_, insert, literal, null, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.audit import service as audit_service
from app.audit.models import AuditEntry
from app.audit.schemas import AuditAction, AuditEntity
from app.cities.models import City
from app.contacts.models import Contact
from app.db import (
    id_column,
    id_values,
    in_list,
    json_list_contains,
    json_object,
    table_of,
    utcnow,
)
from app.errors import Conflict, InvalidInput, NotFound
from app.events.models import Event
from app.invitations.models import Invitation, InvitationStatus
from app.invitations.schemas import (
    BulkInvite,
    EventInvitationFilters,
    InvitationCreate,
    InvitationUpdate,
    MarkSent,
)
from app.organizations.models import Organization, OrganizationMember
from app.pagination import ListQuery, paginate
from app.partnerships.models import Partnership, PartnershipStatus
from app.records import (
    archive_record,
    changed_fields,
    conflict_with,
    create_record,
    get_record,
    get_reference,
    restore_record,
    update_record,
)
from app.reports import service as reports_service
from app.text import like_pattern

S = InvitationStatus
# Where an invitation may go from each status; anything may be cancelled.
ALLOWED_MOVES: dict[InvitationStatus, frozenset[InvitationStatus]] = {
    S.planned: frozenset({S.sent, S.cancelled}),
    S.sent: frozenset({S.accepted, S.declined, S.cancelled}),
    S.accepted: frozenset({S.attended, S.no_show, S.cancelled}),
    S.declined: frozenset({S.cancelled}),
    S.attended: frozenset({S.cancelled}),
    S.no_show: frozenset({S.cancelled}),
    S.cancelled: frozenset(),
}
# Statuses an invitation can only have once it went out, and once it was answered.
_SENT = frozenset({S.sent, S.accepted, S.declined, S.attended, S.no_show})
_ANSWERED = frozenset({S.accepted, S.declined, S.attended, S.no_show})

_COLUMNS = tuple(table_of(Invitation).columns.keys())

SORTABLE = {
    "send_on": col(Invitation.send_on),
    "status": col(Invitation.status),
    "full_name": col(Contact.name_key),
    "event_id": col(Invitation.event_id),
    "contact_id": col(Invitation.contact_id),
    "sent_at": col(Invitation.sent_at),
    "created_at": col(Invitation.created_at),
    "updated_at": col(Invitation.updated_at),
    "id": col(Invitation.id),
}


def _in_order(statuses: frozenset[InvitationStatus]) -> list[str]:
    return [s.value for s in InvitationStatus if s in statuses]


def _stamps(
    status: InvitationStatus, *, sent_at: datetime | None, responded_at: datetime | None
) -> dict[str, datetime]:
    """The server's timestamps for reaching ``status``: when it went out, when it was
    answered (each set once, by the first status that implies it)."""
    now = utcnow()
    stamps = {}
    if status in _SENT and sent_at is None:
        stamps["sent_at"] = now
    if status in _ANSWERED and responded_at is None:
        stamps["responded_at"] = now
    return stamps


def _check_moments(
    values: dict[str, Any], status: InvitationStatus, invitation: Invitation
) -> None:
    """Dates given after the fact must fit the status the invitation ends up in."""
    if "sent_at" in values and status not in _SENT:
        raise InvalidInput.field(
            "sent_at", f"sent_at is for an invitation that went out; this one is {status}"
        )
    if "responded_at" in values and status not in _ANSWERED:
        raise InvalidInput.field(
            "responded_at",
            f"responded_at is for an invitation that was answered; this one is {status}",
        )
    sent_at = values.get("sent_at", invitation.sent_at)
    responded_at = values.get("responded_at", invitation.responded_at)
    if sent_at is not None and responded_at is not None and responded_at < sent_at:
        field = "responded_at" if "responded_at" in values else "sent_at"
        raise InvalidInput.field(
            field, f"responded_at ({responded_at}) is before sent_at ({sent_at})"
        )


def _check_event_open(event: Event) -> None:
    if event.archived_at is not None:
        raise Conflict(
            f"Event {event.id} is archived; restore it before inviting anyone to it "
            "or sending its invitations",
            event_id=event.id,
        )


def _id_list(ids: Sequence[int], limit: int = 20) -> str:
    shown = ", ".join(map(str, ids[:limit]))
    return shown if len(ids) <= limit else f"{shown} and {len(ids) - limit} more"


# Reading


async def get_event(session: AsyncSession, event_id: int) -> Event:
    return await get_record(session, Event, event_id, "event")


async def get_invitation(session: AsyncSession, event: Event, invitation_id: int) -> Invitation:
    """An invitation of this event: one of another event is not found here."""
    invitation = await session.get(Invitation, invitation_id)
    if invitation is None or invitation.event_id != event.id:
        raise NotFound(f"Invitation {invitation_id} does not exist in event {event.id}")
    return invitation


async def present(session: AsyncSession, invitations: Sequence[Invitation]) -> list[dict[str, Any]]:
    """The read model: each invitation with its event's name and its contact's name and
    e-mail address (one query for all of them)."""
    if not invitations:
        return []
    rows = await session.execute(
        select(col(Invitation.id), col(Event.name), col(Contact.full_name), col(Contact.email))
        .join(Event, col(Event.id) == col(Invitation.event_id))
        .join(Contact, col(Contact.id) == col(Invitation.contact_id))
        .where(col(Invitation.id).in_([i.id for i in invitations]))
    )
    names = {row[0]: row[1:] for row in rows.all()}
    result = []
    for invitation in invitations:
        event_name, full_name, email = names[invitation.id]
        result.append(
            {
                **{column: getattr(invitation, column) for column in _COLUMNS},
                "event_name": event_name,
                "full_name": full_name,
                "email": email,
            }
        )
    return result


async def present_one(session: AsyncSession, invitation: Invitation) -> dict[str, Any]:
    return (await present(session, [invitation]))[0]


def filter_invitations(stmt: Select[Any], filters: EventInvitationFilters) -> Select[Any]:
    """``stmt`` (invitations joined to their contacts) narrowed to ``filters``: what the list
    of an event's invitations and its export share."""
    if not filters.include_archived:  # an archived contact's invitations are archived with it
        stmt = stmt.where(col(Invitation.archived_at).is_(None), col(Contact.archived_at).is_(None))
    if filters.status is not None:
        stmt = stmt.where(col(Invitation.status) == filters.status)
    if filters.send_on_before is not None:
        stmt = stmt.where(col(Invitation.send_on) < filters.send_on_before)
    if filters.send_on_after is not None:
        stmt = stmt.where(col(Invitation.send_on) > filters.send_on_after)
    if filters.q:
        stmt = stmt.where(col(Contact.search_text).like(like_pattern(filters.q), escape="\\"))
    return stmt


async def list_invitations(
    session: AsyncSession,
    page: ListQuery,
    filters: EventInvitationFilters,
    *,
    event_id: int | None = None,
    contact_id: int | None = None,
    live_events_only: bool = False,
) -> tuple[list[dict[str, Any]], int]:
    """Invitations, the soonest to go out first, then by the contact's name. ``q`` matches
    the contact's name (or e-mail address)."""
    stmt = select(Invitation).join(Contact, col(Contact.id) == col(Invitation.contact_id))
    stmt = filter_invitations(stmt, filters)
    if live_events_only and not filters.include_archived:
        stmt = stmt.join(Event, col(Event.id) == col(Invitation.event_id)).where(
            col(Event.archived_at).is_(None)
        )
    if event_id is not None:
        stmt = stmt.where(col(Invitation.event_id) == event_id)
    if contact_id is not None:
        stmt = stmt.where(col(Invitation.contact_id) == contact_id)
    invitations, total = await paginate(
        session,
        stmt,
        page,
        sortable=SORTABLE,
        default_order=[
            col(Invitation.send_on).is_(None),
            col(Invitation.send_on),
            col(Contact.name_key),
        ],
        tiebreak=col(Invitation.id),
    )
    return await present(session, invitations), total


# Writing one


async def _check_not_invited(
    session: AsyncSession, event_id: int, contact_id: int, *, exclude_id: int | None = None
) -> None:
    stmt = select(col(Invitation.id)).where(
        col(Invitation.event_id) == event_id,
        col(Invitation.contact_id) == contact_id,
        col(Invitation.archived_at).is_(None),
    )
    if exclude_id is not None:
        stmt = stmt.where(col(Invitation.id) != exclude_id)
    existing = await session.scalar(stmt.limit(1))
    if existing is not None:
        raise conflict_with(
            "invitation",
            existing,
            f"Contact {contact_id} is already invited to event {event_id} (invitation {existing})",
        )


async def create_invitation(
    session: AsyncSession, event: Event, data: InvitationCreate, *, actor: str
) -> Invitation:
    assert event.id is not None
    _check_event_open(event)
    await get_reference(session, Contact, data.contact_id, field="contact_id", noun="contact")
    await _check_not_invited(session, event.id, data.contact_id)
    values = data.model_dump()
    values.update(_stamps(data.status, sent_at=data.sent_at, responded_at=None))
    invitation = Invitation(event_id=event.id, **values)
    return await create_record(
        session, invitation, actor=actor, entity=AuditEntity.invitation, extra={}
    )


async def update_invitation(
    session: AsyncSession, invitation: Invitation, data: InvitationUpdate, *, actor: str
) -> Invitation:
    values = changed_fields(data)
    current = InvitationStatus(invitation.status)
    new = values.get("status")
    _check_moments(values, new or current, invitation)
    if new is not None and new != current:
        allowed = ALLOWED_MOVES[current]
        if new not in allowed:
            raise Conflict(
                f"An invitation cannot go from {current} to {new}; "
                f"from {current} it can go to: {', '.join(_in_order(allowed)) or 'nothing'}",
                current_status=current.value,
                allowed=_in_order(allowed),
            )
        values.update(
            _stamps(
                new,
                sent_at=values.get("sent_at", invitation.sent_at),
                responded_at=values.get("responded_at", invitation.responded_at),
            )
        )
    return await update_record(
        session, invitation, values, actor=actor, entity=AuditEntity.invitation
    )


async def archive_invitation(
    session: AsyncSession, invitation: Invitation, *, actor: str
) -> Invitation:
    return await archive_record(session, invitation, actor=actor, entity=AuditEntity.invitation)


async def restore_invitation(
    session: AsyncSession, event: Event, invitation: Invitation, *, actor: str
) -> Invitation:
    """Back only to a live event, and only if the contact was not invited again meanwhile."""
    if invitation.archived_at is not None:
        _check_event_open(event)
        await _check_not_invited(
            session, invitation.event_id, invitation.contact_id, exclude_id=invitation.id
        )
    return await restore_record(session, invitation, actor=actor, entity=AuditEntity.invitation)


# Writing many


async def cancel_planned(session: AsyncSession, contact_ids: Sequence[int], *, actor: str) -> int:
    """Cancel the live planned invitations of these contacts (they are being archived): one
    UPDATE, one audit entry per invitation. Returns how many were cancelled."""
    if not contact_ids:
        return 0
    ids = list(
        await session.scalars(
            select(id_column(Invitation)).where(
                col(Invitation.contact_id).in_(contact_ids),
                col(Invitation.status) == InvitationStatus.planned,
                col(Invitation.archived_at).is_(None),
            )
        )
    )
    if not ids:
        return 0
    now = utcnow()
    await session.execute(
        update(Invitation)
        .where(col(Invitation.id).in_(ids))
        .values(
            status=InvitationStatus.cancelled.value,
            updated_at=now,
            version=col(Invitation.version) + 1,
        )
        .execution_options(synchronize_session=False)
    )
    changes = audit_service.diff(
        {"status": InvitationStatus.planned}, {"status": InvitationStatus.cancelled}
    )
    await _audit_each(
        session, dict.fromkeys(ids, changes), actor=actor, action=AuditAction.update, at=now
    )
    return len(ids)


async def _audit_each(
    session: AsyncSession,
    changes: dict[int, dict[str, Any]],
    *,
    actor: str,
    action: AuditAction,
    at: datetime,
) -> None:
    """One audit entry per invitation (``{invitation_id: changes}``), in one executemany."""
    await session.execute(
        insert(AuditEntry),
        [
            {
                "occurred_at": at,
                "actor": actor,
                "action": action.value,
                "entity": AuditEntity.invitation.value,
                "entity_id": invitation_id,
                "changes": entry_changes,
            }
            for invitation_id, entry_changes in changes.items()
        ],
    )


async def _bulk_criteria(
    session: AsyncSession, data: BulkInvite, *, dormant_after_days: int, today: date
) -> list[Any]:
    """The WHERE clauses for the contacts a bulk invitation names (all must hold)."""
    where: list[Any] = []
    if data.contact_ids is not None:  # each must exist: see _check_contact_ids
        where.append(in_list(session, col(Contact.id), data.contact_ids))
    if data.partnership_kinds is not None:
        partner_cities = select(col(Partnership.city_id)).where(
            col(Partnership.kind).in_(data.partnership_kinds),
            col(Partnership.status) == PartnershipStatus.active,
            col(Partnership.archived_at).is_(None),
        )
        where.append(col(Contact.city_id).in_(partner_cities))
    if data.organization_id is not None:
        await get_reference(
            session,
            Organization,
            data.organization_id,
            field="organization_id",
            noun="organization",
        )
        member_cities = select(col(OrganizationMember.city_id)).where(
            col(OrganizationMember.organization_id) == data.organization_id
        )
        where.append(
            or_(
                col(Contact.organization_id) == data.organization_id,
                col(Contact.city_id).in_(member_cities),
            )
        )
    if data.tags is not None:
        where.append(
            or_(*(json_list_contains(session, col(Contact.tags), tag) for tag in data.tags))
        )
    if data.country_codes is not None:
        where.append(
            col(Contact.city_id).in_(
                select(col(City.id)).where(col(City.country_code).in_(data.country_codes))
            )
        )
    if data.dormant_only:
        dormant = await reports_service.dormant_city_ids(
            session, as_of=today, inactive_days=dormant_after_days
        )
        where.append(col(Contact.city_id).in_(dormant))
    return where


async def _check_contact_ids(
    session: AsyncSession, contact_ids: list[int], matched: set[int]
) -> None:
    """422 unless every contact id named exists; those the criteria matched obviously do,
    so only the others (usually none) are looked up."""
    rest = [i for i in contact_ids if i not in matched]
    if not rest:
        return
    ids = id_values(session, rest)
    exists = select(col(Contact.id)).where(col(Contact.id) == ids.c.value).exists()
    unknown = set(await session.scalars(select(ids.c.value).where(~exists)))
    if unknown:
        missing = [i for i in rest if i in unknown]
        raise InvalidInput.field("contact_ids", f"contact {_id_list(missing)} does not exist")


def _skip_reason(
    archived_at: datetime | None, is_active: bool, email: str | None, invitation_id: int | None
) -> str | None:
    """Why a matching contact is not invited (the first reason that applies), if at all.
    ``_invitable`` says the same in SQL."""
    if archived_at is not None:
        return "archived"
    if not is_active:
        return "inactive"
    if not email:
        return "no_email"
    if invitation_id is not None:
        return "already_invited"
    return None


def _invitable(event_id: int) -> list[Any]:
    """``_skip_reason`` is None, in SQL: live, active, with an e-mail address, not invited."""
    return [
        col(Contact.archived_at).is_(None),
        col(Contact.is_active).is_(True),
        col(Contact.email).is_not(None),
        col(Contact.email) != "",
        ~select(col(Invitation.id))
        .where(
            col(Invitation.contact_id) == col(Contact.id),
            col(Invitation.event_id) == event_id,
            col(Invitation.archived_at).is_(None),
        )
        .exists(),
    ]


async def bulk_invite(
    session: AsyncSession,
    event: Event,
    data: BulkInvite,
    *,
    actor: str,
    dormant_after_days: int,
    today: date,
) -> dict[str, Any]:
    """Plan invitations for every contact the criteria name, skipping (and reporting) those
    that are archived, inactive, without an e-mail address or already invited. The report
    comes from one SELECT; the writes are one INSERT … SELECT of the invitations and one of
    their audit entries, whatever their number. A dry run writes nothing."""
    assert event.id is not None
    _check_event_open(event)
    where = await _bulk_criteria(session, data, dormant_after_days=dormant_after_days, today=today)
    rows = await session.execute(
        select(
            col(Contact.id),
            col(Contact.full_name),
            col(Contact.email),
            col(Contact.is_active),
            col(Contact.archived_at),
            col(Invitation.id),
        )
        .outerjoin(
            Invitation,
            and_(
                col(Invitation.contact_id) == col(Contact.id),
                col(Invitation.event_id) == event.id,
                col(Invitation.archived_at).is_(None),
            ),
        )
        .where(*where)
        .order_by(col(Contact.name_key), col(Contact.id))
    )
    to_invite: list[dict[str, Any]] = []
    skipped: list[dict[str, Any]] = []
    for contact_id, full_name, email, is_active, archived_at, invitation_id in rows.all():
        reason = _skip_reason(archived_at, is_active, email, invitation_id)
        if reason is None:
            to_invite.append(
                {"id": None, "contact_id": contact_id, "full_name": full_name, "email": email}
            )
        else:
            skipped.append(
                {
                    "contact_id": contact_id,
                    "full_name": full_name,
                    "reason": reason,
                    "invitation_id": invitation_id,
                }
            )
    if data.contact_ids is not None:
        matched = {i["contact_id"] for i in to_invite} | {s["contact_id"] for s in skipped}
        await _check_contact_ids(session, data.contact_ids, matched)
    if to_invite and not data.dry_run:
        new_ids = await _insert_planned(
            session, event.id, data.send_on, [i["contact_id"] for i in to_invite], actor=actor
        )
        for item in to_invite:
            item["id"] = new_ids[item["contact_id"]]
    return {
        "created": len(to_invite),
        "skipped": len(skipped),
        "invitations": to_invite,
        "skipped_contacts": skipped,
        "dry_run": data.dry_run,
    }


async def _insert_planned(
    session: AsyncSession, event_id: int, send_on: date, contact_ids: list[int], *, actor: str
) -> dict[int, int]:
    """Plan an invitation for each of these contacts and audit each, in two statements; the
    new invitation ids by contact. The INSERT checks the skip rules again, so a contact
    archived (or invited) since the report was read is never invited: then nothing is."""
    now = utcnow()
    table = table_of(Invitation)
    columns = {
        "event_id": literal(event_id, table.c.event_id.type),
        "contact_id": col(Contact.id),
        "status": literal(InvitationStatus.planned.value, table.c.status.type),
        "send_on": literal(send_on, table.c.send_on.type),
        "version": literal(1, table.c.version.type),
        "created_at": literal(now, table.c.created_at.type),
        "updated_at": literal(now, table.c.updated_at.type),
    }
    inserted = await session.execute(
        insert(Invitation)
        .from_select(
            list(columns),
            select(*columns.values()).where(
                in_list(session, col(Contact.id), contact_ids), *_invitable(event_id)
            ),
        )
        .returning(id_column(Invitation), col(Invitation.contact_id))
    )
    new_ids = {contact_id: invitation_id for invitation_id, contact_id in inserted.all()}
    if len(new_ids) != len(contact_ids):
        raise Conflict(
            "Some of these contacts changed (archived, deactivated or invited) while the "
            "invitations were being made; nothing was written: try again"
        )
    # Each entry says what audit_service.diff({}, …) says of a new invitation.
    changes = json_object(
        session,
        *(
            (field, json_object(session, ("old", null()), ("new", table.c[field])))
            for field in ("event_id", "contact_id", "status", "send_on")
        ),
    )
    audit = table_of(AuditEntry)
    await session.execute(
        insert(AuditEntry).from_select(
            ["occurred_at", "actor", "action", "entity", "entity_id", "changes"],
            select(
                literal(now, audit.c.occurred_at.type),
                literal(actor, audit.c.actor.type),
                literal(AuditAction.create.value, audit.c.action.type),
                literal(AuditEntity.invitation.value, audit.c.entity.type),
                table.c.id,
                changes,
            ).where(in_list(session, table.c.id, list(new_ids.values()))),
        )
    )
    return new_ids


async def mark_sent(
    session: AsyncSession, event: Event, data: MarkSent, *, actor: str
) -> dict[str, Any]:
    """Move invitations of this event from planned to sent, all of them or none."""
    assert event.id is not None
    _check_event_open(event)
    if data.invitation_ids is not None:
        ids = data.invitation_ids
        await _check_can_be_sent(session, event.id, ids)
    else:
        ids = list(
            await session.scalars(
                select(col(Invitation.id))
                .join(Contact, col(Contact.id) == col(Invitation.contact_id))
                .where(
                    col(Contact.archived_at).is_(None),
                    col(Invitation.event_id) == event.id,
                    col(Invitation.status) == InvitationStatus.planned,
                    col(Invitation.archived_at).is_(None),
                    col(Invitation.send_on) <= data.due_by,
                )
                .order_by(col(Invitation.id))
            )
        )
    now = utcnow()
    sent_at = data.sent_at or now
    if ids:
        result = await session.execute(
            update(Invitation)
            .where(
                col(Invitation.id).in_(ids),
                col(Invitation.status) == InvitationStatus.planned,
                col(Invitation.archived_at).is_(None),
            )
            .values(
                status=InvitationStatus.sent.value,
                sent_at=sent_at,
                updated_at=now,
                version=col(Invitation.version) + 1,
            )
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != len(ids):  # type: ignore[attr-defined]  # an UPDATE gives a CursorResult
            # Someone changed one of them between our check and the update: undo it all.
            raise Conflict("Some of the invitations changed meanwhile; reload them and try again")
        changes = audit_service.diff(
            {"status": InvitationStatus.planned, "sent_at": None},
            {"status": InvitationStatus.sent, "sent_at": sent_at},
        )
        await _audit_each(
            session,
            dict.fromkeys(ids, changes),
            actor=actor,
            action=AuditAction.update,
            at=now,
        )
    return {"marked": len(ids), "invitation_ids": ids, "sent_at": sent_at}


async def _check_can_be_sent(session: AsyncSession, event_id: int, ids: list[int]) -> None:
    rows = await session.execute(
        select(
            col(Invitation.id),
            col(Invitation.event_id),
            col(Invitation.status),
            col(Invitation.archived_at),
            col(Contact.archived_at),
        )
        .join(Contact, col(Contact.id) == col(Invitation.contact_id))
        .where(col(Invitation.id).in_(ids))
    )
    found = {row[0]: row[1:] for row in rows.all()}
    offending: list[dict[str, Any]] = []
    for invitation_id in ids:
        row = found.get(invitation_id)
        if row is None or row[0] != event_id:
            offending.append({"id": invitation_id, "reason": "not_in_event"})
        elif row[2] is not None:
            offending.append({"id": invitation_id, "reason": "archived"})
        elif row[3] is not None:
            offending.append({"id": invitation_id, "reason": "contact_archived"})
        elif InvitationStatus.sent not in ALLOWED_MOVES[InvitationStatus(row[1])]:
            offending.append({"id": invitation_id, "reason": "not_planned", "status": row[1]})
    if offending:
        offending_ids = [o["id"] for o in offending]
        raise Conflict(
            f"Nothing was marked: invitation {_id_list(offending_ids)} cannot be marked sent "
            "(only planned invitations of this event can)",
            offending_ids=offending_ids,
            offending=offending,
        )
