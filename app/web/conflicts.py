"""A save on a stale version (the API's 412), made humane for every edit form: where the saved
record and the form differ, who saved it last, and the values that re-apply the user's own
changes (the fields they edited since opening the form) on top of the saved version.

An edit form carries ``version`` and ``_original`` (``shape.original(values)``: the record's
values when the form was opened). On a save whose version is stale the page calls
``stale_edit`` and renders its conflict template with ``macros/conflict.html``::

    if str(values.get("version")) != str(record.version):
        conflict = await stale_edit(request, db, SHAPE, record_values(record), values, ...)
"""

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import service as audit_service
from app.audit.schemas import AuditAction, AuditEntity, AuditFilters
from app.pagination import ListQuery
from app.web import i18n
from app.web.i18n import _


@dataclass(frozen=True)
class FormShape:
    """An edit form's fields, in its order: ``lists`` hold lists, ``ids`` a record's id."""

    fields: tuple[str, ...]
    lists: tuple[str, ...] = ()
    ids: tuple[str, ...] = ()

    def comparable(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """Form or record values in one shape: ids as numbers, blanks as None, lists as lists."""
        plain: dict[str, Any] = {}
        for name in self.fields:
            value = values.get(name)
            if name in self.lists:
                plain[name] = list(value or [])
            elif name in self.ids:
                text = str(value or "")
                plain[name] = int(text) if text.isdigit() else None
            else:
                text = str(value).replace("\r\n", "\n") if value is not None else ""
                plain[name] = text or None
        return plain

    def original(self, values: Mapping[str, Any]) -> str:
        """The ``_original`` hidden field of an edit form opened on ``values``."""
        return json.dumps(self.comparable(values))


@dataclass
class StaleEdit:
    differences: list[dict[str, Any]]  # label, theirs, yours, mine (a field the user changed)
    merged: dict[str, Any]  # the saved values with the user's changes on top
    original: str  # the re-apply form's ``_original``: the saved version's values
    changed_by: str | None


async def last_change(
    request: Any, db: AsyncSession, entity: AuditEntity, entity_id: int | None
) -> str | None:
    """Who saved the record last, and when (desk time): from its audit trail."""
    entries, _total = await audit_service.list_entries(
        db, ListQuery(limit=20), AuditFilters(entity=entity, entity_id=entity_id)
    )
    for entry in entries:
        if entry.action not in (AuditAction.read, AuditAction.export):
            when = i18n.format_datetime(entry.occurred_at, request.app.state.settings.time_zone)
            return _("%(user)s changed it at %(time)s.", user=entry.actor, time=when)
    return None


async def stale_edit(
    request: Any,
    db: AsyncSession,
    shape: FormShape,
    saved: Mapping[str, Any],
    typed: Mapping[str, Any],
    *,
    entity: AuditEntity,
    entity_id: int | None,
    labels: Mapping[str, str],
    shown: Callable[[str, Any], str],
) -> StaleEdit:
    """Compare the saved record (``saved``) with the form (``typed``, with its
    ``_original``). ``labels`` names each field (msgids); ``shown(name, value)`` writes a
    comparable value for a person ("—" is written here for a blank)."""
    current = shape.comparable(saved)
    mine = shape.comparable(typed)
    try:
        original = shape.comparable(json.loads(typed.get("_original") or ""))
    except (ValueError, TypeError, AttributeError):
        original = current  # no starting point: every field of the form counts as a change
    my_changes = {name for name in shape.fields if mine[name] != original[name]}

    def write(name: str, value: Any) -> str:
        return "—" if value in (None, "", []) else shown(name, value)

    differences = [
        {
            "label": _(labels[name]),
            "theirs": write(name, current[name]),
            "yours": write(name, mine[name]),
            "mine": name in my_changes,
        }
        for name in shape.fields
        if current[name] != mine[name]
    ]
    return StaleEdit(
        differences=differences,
        merged={**current, **{name: mine[name] for name in my_changes}},
        original=json.dumps(current),
        changed_by=await last_change(request, db, entity, entity_id),
    )
