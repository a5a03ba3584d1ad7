"""Forms: a schema's or a service's validation errors, as messages beside their fields.

A page route builds the service's schema from the form and calls the service; when either
refuses, ``form_errors`` turns the refusal into ``{field name: message}`` for the template's
``field(..., errors=errors)`` macro (``templates/macros/forms.html``); messages are in the
reader's language.

    try:
        data = ContactCreate.model_validate(form_values)
        contact = await contacts_service.create_contact(db, data, actor=user.username)
    except (ValidationError, InvalidInput) as exc:
        return render(request, "contacts/form.html",
                      {"values": form_values, "errors": form_errors(exc)}, status_code=422)
"""

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData

from app.errors import AppError
from app.web.i18n import N_, _

# pydantic's error types, in words an officer understands.
MESSAGES = {
    "missing": N_("This field is required."),
    "string_too_short": N_("This field is required."),
    "string_too_long": N_("This is too long."),
    "too_long": N_("This list is too long."),
    "int_parsing": N_("Enter a whole number."),
    "int_type": N_("Enter a whole number."),
    "float_parsing": N_("Enter a number."),
    "greater_than_equal": N_("This number is too small."),
    "less_than_equal": N_("This number is too large."),
    "date_parsing": N_("Enter a date (YYYY-MM-DD)."),
    "date_from_datetime_parsing": N_("Enter a date (YYYY-MM-DD)."),
    "date_type": N_("Enter a date (YYYY-MM-DD)."),
    "datetime_parsing": N_("Enter a date and time."),
    "datetime_from_date_parsing": N_("Enter a date and time."),
    "enum": N_("Choose one of the options."),
    "literal_error": N_("Choose one of the options."),
    "bool_parsing": N_("Choose yes or no."),
    "extra_forbidden": N_("This field is not expected here."),
    "url_parsing": N_("Enter a web address (https://…)."),
}
INVALID = N_("This value is not valid.")


def form_errors(exc: ValidationError | AppError) -> dict[str, str]:
    """``{field: message}``; a message about the whole form is under ``""``. The messages of
    our own validators and services (English) go through the catalogs too, so an area can
    translate them by adding them to its .po file."""
    errors: dict[str, str] = {}
    if isinstance(exc, ValidationError):
        for error in exc.errors():
            name = ".".join(str(part) for part in error.get("loc", ()) if not isinstance(part, int))
            kind = str(error.get("type", ""))
            if kind == "value_error":
                message = _(str(error.get("msg", "")).removeprefix("Value error, "))
            else:
                message = _(MESSAGES.get(kind, INVALID))
            errors.setdefault(name, message)
        return errors
    for item in exc.extra.get("errors", []) or []:
        pointer = str(item.get("pointer") or item.get("parameter") or "").strip("/")
        name = pointer.split("/")[0] if pointer else ""
        errors.setdefault(name, _(str(item.get("detail", exc.detail))))
    if not errors:
        errors[""] = _(exc.detail)
    return errors


def form_values(
    form: FormData | Mapping[str, Any], *, lists: tuple[str, ...] = ()
) -> dict[str, Any]:
    """A submitted form as a dict for a schema: blank fields left out (so a schema's default
    or "required" applies), ``lists`` fields as lists of their non-blank values."""
    values: dict[str, Any] = {}
    for key in form:
        if key == "csrf_token":
            continue
        if key in lists:
            getlist = getattr(form, "getlist", None)
            items = getlist(key) if getlist else [form[key]]
            values[key] = [str(v).strip() for v in items if str(v).strip()]
            continue
        value = form[key]
        if isinstance(value, str):
            value = value.strip()
            if value == "":
                continue
        values[key] = value
    return values
