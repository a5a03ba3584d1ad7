"""Log an interaction: one form (kind, date, title, summary, the contacts, cities and
organizations picked by typing, an optional follow-up), and the interaction's page."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy import select
from sqlmodel import col

from app.auth import service as auth_service
from app.auth.models import User
from app.auth.schemas import UserFilters
from app.clock import TodayDep
from app.db import SessionDep
from app.errors import AppError
from app.fields import IdPath
from app.follow_ups.models import FollowUp, FollowUpStatus
from app.interactions import service as interactions_service
from app.interactions.models import Interaction, InteractionCity, InteractionKind
from app.interactions.schemas import InteractionCreate
from app.pagination import ListQuery
from app.records import get_record
from app.web import pick
from app.web.deps import WebEditor, WebUser
from app.web.forms import form_errors, form_values
from app.web.i18n import N_, _
from app.web.labels import choices, label
from app.web.templating import redirect, render

router = APIRouter()

FOLLOW_UP_STATUS_LABELS = {
    FollowUpStatus.open: N_("Open"),
    FollowUpStatus.done: N_("Done"),
    FollowUpStatus.cancelled: N_("Cancelled"),
}
LINKS = (("contact_ids", "contact"), ("city_ids", "city"), ("organization_ids", "organization"))
FOLLOW_UP_FIELDS = ("title", "due_on", "assignee_id", "notes")
# A picker's text box is submitted (as ``pick.contact_ids`` …) only without JavaScript: the
# page then answers with the matches to tick, and saves nothing.
QUERY_PREFIX = "pick."
UNKNOWN_LINK = {
    "contact_ids": N_("A chosen contact does not exist any more: it was taken off the list."),
    "city_ids": N_("A chosen city does not exist any more: it was taken off the list."),
    "organization_ids": N_(
        "A chosen organization does not exist any more: it was taken off the list."
    ),
}
ARCHIVED_LINK = N_("Archived, so not linked to new interactions: %(names)s. Remove it.")
BAD_ASSIGNEE = N_("This user cannot be given follow-ups: choose another.")


def kind_label(kind: str) -> str:
    return label(InteractionKind(kind))


def _ids(values: dict[str, Any], name: str) -> list[int]:
    return [int(i) for i in values.get(name, []) if str(i).isdigit() and len(str(i)) <= 10]


async def _form_page(
    request: Request,
    db: SessionDep,
    values: dict[str, Any],
    errors: dict[str, str],
    *,
    found: dict[str, dict[str, Any]] | None = None,
    status_code: int = 200,
) -> Response:
    chosen = {name: await pick.chosen(db, kind, _ids(values, name)) for name, kind in LINKS}
    users, _total = await auth_service.list_users(db, ListQuery(limit=200), UserFilters())
    context = {
        "values": values,
        "errors": errors,
        "chosen": chosen,
        "found": found or {},
        "from_contacts": await pick.contact_cities(db, [i for i, _n in chosen["contact_ids"]]),
        "kinds": choices(InteractionKind),
        "users": [(u.id, u.full_name or u.username) for u in users if u.is_active],
    }
    return render(request, "interactions/new.html", context, status_code=status_code)


@router.get("/interactions/new")
async def new_interaction(
    request: Request, user: WebEditor, db: SessionDep, today: TodayDep
) -> Response:
    values = {"kind": InteractionKind.meeting.value, "occurred_on": today.isoformat()}
    return await _form_page(request, db, values, {})


def split_list(text: str) -> list[str]:
    """``"mobility, Metropolis"`` (commas, ideographic ones too) as a list."""
    return [item.strip() for item in text.replace("，", ",").split(",") if item.strip()]


def as_int(value: Any) -> Any:
    """A form's id (text) as the number a schema takes; anything else as it is, for the
    schema to refuse by name."""
    if isinstance(value, str) and value.isdigit() and len(value) <= 10:
        return int(value)
    return value


def _follow_up(values: dict[str, Any], wanted: bool) -> dict[str, Any] | None:
    """The follow-up's fields (``follow_up.title`` …) taken out of the form's values; the
    draft if the box is ticked."""
    draft = {
        key: values.pop(f"follow_up.{key}")
        for key in FOLLOW_UP_FIELDS
        if f"follow_up.{key}" in values
    }
    if "assignee_id" in draft:
        draft["assignee_id"] = as_int(draft["assignee_id"])
    return draft if wanted else None


@router.post("/interactions/new")
async def create_interaction(request: Request, user: WebEditor, db: SessionDep) -> Response:
    values = form_values(await request.form(), lists=tuple(name for name, _kind in LINKS))
    queries = {name: str(values.pop(QUERY_PREFIX + name, "")) for name, _kind in LINKS}
    searched = values.pop("search", None)
    if searched is not None or any(queries.values()):
        return await _search_page(request, db, values, queries, searched)
    data = dict(values)
    follow_up = _follow_up(data, wanted=bool(data.pop("with_follow_up", None)))
    for name, _kind in LINKS:
        data[name] = [as_int(v) for v in data.get(name, [])]
    if "tags" in data:
        data["tags"] = split_list(data["tags"])
    if follow_up is not None:
        data["follow_up"] = follow_up
    try:
        interaction = await interactions_service.create_interaction(
            db, InteractionCreate.model_validate(data), actor=user.username
        )
    except (ValidationError, AppError) as exc:
        errors = form_errors(exc)
        if isinstance(exc, AppError):
            errors = await _reference_errors(db, values, errors)
        return await _form_page(request, db, values, errors, status_code=422)
    return redirect(
        request,
        f"/interactions/{interaction.id}",
        flash=_("Interaction logged: %(title)s", title=interaction.title),
    )


async def _search_page(
    request: Request,
    db: SessionDep,
    values: dict[str, Any],
    queries: dict[str, str],
    searched: Any,
) -> Response:
    """The form again, every value kept, with the matches of each query typed in a picker's
    box (without JavaScript) to tick; nothing is saved."""
    found = {
        name: await pick.found(db, kind, queries[name], _ids(values, name))
        for name, kind in LINKS
        if queries[name]
    }
    errors: dict[str, str] = {}
    if searched in queries and not queries[searched]:
        errors[searched] = _("Type what to look for, then press Search.")
    return await _form_page(
        request, db, values, errors, found=found, status_code=422 if errors else 200
    )


async def _reference_errors(
    db: SessionDep, values: dict[str, Any], errors: dict[str, str]
) -> dict[str, str]:
    """The service's refusals of a linked record (in English, with ids) in the reader's
    words: the record gone (its chip is dropped) or archived (named)."""
    errors = dict(errors)
    for name, kind in LINKS:
        if name not in errors:
            continue
        ids = _ids(values, name)
        known = {i for i, _label in await pick.chosen(db, kind, ids)}
        archived = await pick.archived_names(db, kind, ids)
        if any(i not in known for i in ids) or not archived:
            errors[name] = _(UNKNOWN_LINK[name])
        else:
            errors[name] = _(ARCHIVED_LINK, names=", ".join(archived))
    if "follow_up" in errors:  # follow_up/assignee_id, the form's one reference there
        errors.pop("follow_up")
        errors["follow_up.assignee_id"] = _(BAD_ASSIGNEE)
    return errors


@router.get("/interactions/{interaction_id}")
async def interaction_page(
    request: Request, user: WebUser, db: SessionDep, interaction_id: IdPath
) -> Response:
    interaction = await get_record(db, Interaction, interaction_id, "interaction")
    links = {
        name: await pick.chosen(db, kind, list(getattr(interaction, name))) for name, kind in LINKS
    }
    follow_ups = list(
        await db.scalars(
            select(FollowUp)
            .where(col(FollowUp.interaction_id) == interaction.id)
            .order_by(col(FollowUp.due_on), col(FollowUp.id))
        )
    )
    assignees = await _user_names(db, {f.assignee_id for f in follow_ups if f.assignee_id})
    from_contacts = await _cities_from_contacts(db, interaction)
    return render(
        request,
        "interactions/detail.html",
        {
            "interaction": interaction,
            "kind_label": kind_label(interaction.kind),
            "links": links,
            "from_contacts": from_contacts,
            "follow_ups": follow_ups,
            "assignees": assignees,
            "status_labels": {k.value: _(v) for k, v in FOLLOW_UP_STATUS_LABELS.items()},
        },
    )


async def _cities_from_contacts(db: SessionDep, interaction: Interaction) -> dict[int, list[str]]:
    """``{city id: names of its contacts}`` of the cities the interaction links only because
    of its contacts (``interaction_city.direct`` false); a contact moved since is not named."""
    derived = set(
        await db.scalars(
            select(col(InteractionCity.city_id)).where(
                col(InteractionCity.interaction_id) == interaction.id,
                col(InteractionCity.direct).is_(False),
            )
        )
    )
    names: dict[int, list[str]] = {city_id: [] for city_id in derived}
    for row in await pick.contact_cities(db, list(interaction.contact_ids)):
        if row["city_id"] in names:
            names[row["city_id"]].append(row["contact_name"])
    return names


async def _user_names(db: SessionDep, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = await db.execute(
        select(col(User.id), col(User.full_name), col(User.username)).where(col(User.id).in_(ids))
    )
    return {row[0]: row[1] or row[2] for row in rows.all() if row[0] is not None}
