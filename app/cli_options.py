"""``crm`` options made from a filter model, so a command takes the same filters, with the same
checks, as the API's query string (``--country-code KR`` is ``?country_code=KR``): each filter
is declared once, in the domain's schemas.py."""

import functools
import inspect
import types
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from enum import Enum
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

import typer
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

R = TypeVar("R")


def _option_type(field: FieldInfo) -> Any:
    """The type click parses the option as; pydantic checks the value after (dates and
    constrained values are read as text and validated by the model)."""
    annotation = field.annotation
    if get_origin(annotation) in (Union, types.UnionType):
        (annotation,) = [arg for arg in get_args(annotation) if arg is not type(None)]
    if get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    if get_origin(annotation) is list:
        (item,) = get_args(annotation)
        return list[_option_type(FieldInfo(annotation=item))]  # type: ignore[misc]  # made at run time, for click
    plain = annotation in (bool, int, str) or (
        isinstance(annotation, type) and issubclass(annotation, Enum)
    )
    return annotation if plain else str


def _metavar(field: FieldInfo) -> str | None:
    members = [
        get_args(m)[0] if get_origin(m) is Annotated else m for m in _members(field.annotation)
    ]
    return "YYYY-MM-DD" if date in members else None


def _members(annotation: Any) -> tuple[Any, ...]:
    if get_origin(annotation) in (Union, types.UnionType):
        return get_args(annotation)
    return (annotation,)


def filter_options(
    model: type[BaseModel], *, names: Mapping[str, Sequence[str]] | None = None
) -> Callable[[Callable[..., R]], Callable[..., R]]:
    """Give a typer command one option per field of ``model`` (``--city-id``; ``names``
    overrides a field's option names) and call it with the validated model as ``filters``.
    An invalid value ends the command with status 2, naming the option."""

    def option_name(field: str) -> str:
        declared = (names or {}).get(field)
        return declared[0].split("/")[0] if declared else f"--{field.replace('_', '-')}"

    def decorate(command: Callable[..., R]) -> Callable[..., R]:
        signature = inspect.signature(command)
        kept = [p for p in signature.parameters.values() if p.name != "filters"]
        options = [
            inspect.Parameter(
                name,
                inspect.Parameter.KEYWORD_ONLY,
                default=None if field.default is None else field.default,
                annotation=Annotated[
                    _option_type(field) | None if field.default is None else _option_type(field),
                    typer.Option(
                        *(names or {}).get(name, ()),
                        help=field.description,
                        metavar=_metavar(field),
                    ),
                ],
            )
            for name, field in model.model_fields.items()
        ]

        @functools.wraps(command)
        def run(**values: Any) -> R:
            given = {name: values.pop(name) for name in model.model_fields}
            try:
                filters = model(**given)
            except ValidationError as exc:
                problems = "; ".join(
                    f"{option_name(str(error['loc'][0]) if error['loc'] else '')}: "
                    f"{error['msg'].removeprefix('Value error, ')}"
                    for error in exc.errors()
                )
                typer.echo(f"Invalid filter: {problems}", err=True)
                raise typer.Exit(2) from exc
            return command(filters=filters, **values)

        # inspect.signature (and so typer) reads __signature__.
        run.__signature__ = signature.replace(  # type: ignore[attr-defined]  # not in typeshed
            parameters=[*kept, *options]
        )
        run.__annotations__ = {}  # the signature above is the whole truth for typer
        return run

    return decorate
