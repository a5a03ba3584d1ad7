"""Strict query strings: a parameter an endpoint does not declare is a 422, never ignored.

An ignored parameter gives a silent wrong answer: ``/contacts/export?country=KR`` would export
every contact. Installed once, as an application-wide dependency; the parameters a route
declares are read from its dependency tree (query-parameter models included) once per route.
The dependencies an ``include_router`` adds are not in that tree; none of ours reads the query
string (a test compares every refusal with the OpenAPI document)."""

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import BaseModel

from app.errors import InvalidInput

# Kept on the route itself: routes compare by value, so they cannot key a dict.
_CACHE_ATTRIBUTE = "declared_query_parameters"


def declared_query_parameters(dependant: Dependant) -> frozenset[str]:
    """The names of the query parameters ``dependant`` and its dependencies read."""
    names: set[str] = set()
    pending = [dependant]
    while pending:
        current = pending.pop()
        for field in current.query_params:
            model = field.field_info.annotation
            if isinstance(model, type) and issubclass(model, BaseModel):
                names.update(info.alias or name for name, info in model.model_fields.items())
            else:
                names.add(field.alias)
        pending.extend(current.dependencies)
    return frozenset(names)


async def refuse_unknown_query_parameters(request: Request) -> None:
    if not request.scope.get("query_string"):
        return
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    accepted: frozenset[str] | None = getattr(route, _CACHE_ATTRIBUTE, None)
    if accepted is None:
        accepted = declared_query_parameters(route.dependant)
        setattr(route, _CACHE_ATTRIBUTE, accepted)
    unknown = [name for name in dict.fromkeys(request.query_params) if name not in accepted]
    if not unknown:
        return
    choices = (
        f"it accepts: {', '.join(sorted(accepted))}" if accepted else "it takes no query parameters"
    )
    errors = [
        {"parameter": name, "in": "query", "detail": f"unknown parameter; {choices}"}
        for name in unknown
    ]
    names = ", ".join(f"'{name}'" for name in unknown)
    plural = "s" if len(unknown) > 1 else ""
    raise InvalidInput(
        f"Unknown query parameter{plural} {names}: {request.method} {request.url.path} {choices}",
        errors=errors,
    )
