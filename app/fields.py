"""Validated field types shared by the API schemas."""

import re
import types
from collections.abc import Callable, Collection
from datetime import UTC, date, datetime
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

import phonenumbers
import pycountry
from fastapi import Path, Query, Request
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    StrictBool,
    StringConstraints,
    ValidationError,
    WithJsonSchema,
    create_model,
    model_validator,
)
from pydantic.fields import FieldInfo
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import InitErrorDetails, PydanticCustomError, core_schema

from app.errors import InvalidInput


class DocumentedPattern:
    """A pattern the document states for a text whose rule pydantic checks its own way."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema["pattern"] = self.pattern
        return json_schema


# The white space pydantic strips (Unicode White_Space, as Rust's str::trim sees it).
_WHITE_SPACE = r"\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# A text that must say something: more than white space (which is stripped), and no NUL.
SOME_TEXT = DocumentedPattern(rf"^[^\x00]*[^\x00{_WHITE_SPACE}][^\x00]*$")


# Text that may not be empty once stripped: StringConstraints(strip_whitespace=True,
# min_length=1, ...) with SOME_TEXT, so the document says so too.
Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), SOME_TEXT
]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
LongText = Annotated[str, StringConstraints(max_length=10_000)]
Tag = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60), SOME_TEXT
]
Title = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300), SOME_TEXT
]


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


NameList = Annotated[list[Name], Field(max_length=50), AfterValidator(_unique)]
TagList = Annotated[list[Tag], Field(max_length=50), AfterValidator(_unique)]
# A JSON body says what it means: a number is a number and true is true. pydantic alone would
# read "is_active": 0 as false, "population": false as 0 and "2" as 2; in a body these are
# mistakes (422). A whole number may be written 2.0 (JSON Schema counts it as an integer).
# A query string is text, so its numbers and booleans are read from text (IdParameter,
# QueryBool).
Flag = StrictBool


def _number(value: Any) -> Any:
    if isinstance(value, bool | str):
        raise PydanticCustomError("int_type", "Input should be a whole number, not text or a flag")
    return value


# A whole number in a JSON body: Annotated[int, Field(ge=..., le=...), NUMBER], the limits
# first (pydantic keeps them in the document only when they are on the int itself).
NUMBER = BeforeValidator(_number)

# Ids are 32-bit integers in the database; anything larger can only be a mistake.
MAX_ID = 2_147_483_647
PositiveId = Annotated[int, Field(ge=1, le=MAX_ID), NUMBER]
IdParameter = Annotated[int, Field(ge=1, le=MAX_ID)]
IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]
IdQuery = Annotated[int | None, Query(ge=1, le=MAX_ID)]
IdList = Annotated[list[PositiveId], Field(max_length=200), AfterValidator(_unique)]


def _query_bool(value: Any) -> Any:
    if isinstance(value, bool) or value in ("true", "false"):
        return value
    raise PydanticCustomError("bool_parsing", "Input should be true or false")


# A boolean in a query string is written true or false, as the document says (pydantic would
# also take 0, 1, yes, off...).
QueryBool = Annotated[bool, BeforeValidator(_query_bool)]

# Dates and moments are ISO 8601 text, as the document says (format date and date-time), or
# date and datetime objects from Python. pydantic alone also reads a number, or digits in a
# query string, as a Unix time: as_of=0 would be 1970-01-01.
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ISO_DATE_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}[0-9:.+Zz-]*")


def _iso_date(value: Any) -> Any:
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return value
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    # app/errors.py words every date error alike: "... is not a date; use YYYY-MM-DD"
    raise PydanticCustomError("date_type", "Input should be a date written YYYY-MM-DD")


def _iso_date_time(value: Any) -> Any:
    if isinstance(value, str) and _ISO_DATE_TIME.fullmatch(value):
        return value
    if isinstance(value, datetime):
        return value
    raise PydanticCustomError(
        "datetime_type", "Input should be a date and time written YYYY-MM-DDTHH:MM:SSZ"
    )


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
IsoDateTime = Annotated[datetime, BeforeValidator(_iso_date_time)]


def _country_code(value: str) -> str:
    code = value.strip().upper()
    if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
        raise ValueError(f"'{value}' is not an ISO 3166-1 alpha-2 country code")
    return code


# The document lists the codes, so a client (or a generated one) knows them without asking.
COUNTRY_CODES = sorted(country.alpha_2 for country in pycountry.countries)
CountryCode = Annotated[
    str,
    AfterValidator(_country_code),
    WithJsonSchema({"type": "string", "enum": COUNTRY_CODES, "description": "ISO 3166-1 alpha-2"}),
]


def _language_code(value: str) -> str:
    code = value.strip().lower()
    if len(code) != 2 or pycountry.languages.get(alpha_2=code) is None:
        raise ValueError(f"'{value}' is not an ISO 639-1 language code")
    return code


LANGUAGE_CODES = sorted(
    language.alpha_2 for language in pycountry.languages if hasattr(language, "alpha_2")
)
LanguageList = Annotated[
    list[
        Annotated[
            str,
            AfterValidator(_language_code),
            WithJsonSchema({"type": "string", "enum": LANGUAGE_CODES, "description": "ISO 639-1"}),
        ]
    ],
    Field(max_length=30),
    AfterValidator(_unique),
]


# Extension words people write after a number (Chinese, Japanese, Korean), read as "ext.".
_EXTENSION_WORDS = re.compile(r"\s*(?:分機|分机|轉|转|內線|内線|内线|내선)\s*[:：]?\s*")
MAX_EXTENSION = 10  # digits: the stored number fits the 40-character column


def _phone_hint(region: str | None) -> str:
    example = phonenumbers.example_number(region) if region else None
    if example is None:
        return "write it with its country code, e.g. +886 2 1234 5678"
    international = phonenumbers.format_number(
        example, phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    national = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.NATIONAL)
    return f"e.g. {international}, or {national} for a number in {region}"


def phone_number(value: str, region: str | None = None) -> str:
    """A phone number as stored and exported: E.164, with its extension, if any, as RFC 3966
    writes it (``+886227208889;ext=1234``). A number without its country code
    (``02 2725 6113``) is read as a number of ``region`` (ISO 3166-1), if given."""
    text = _EXTENSION_WORDS.sub(" ext. ", value.strip())
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        where = "" if region or text.startswith("+") else " (the contact has no city country)"
        raise ValueError(f"'{value}' is not a phone number{where}; {_phone_hint(region)}") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValueError(f"'{value}' is not a valid phone number; {_phone_hint(region)}")
    if number.extension and (
        len(number.extension) > MAX_EXTENSION or not number.extension.isdigit()
    ):
        raise ValueError(f"'{value}': an extension has at most {MAX_EXTENSION} digits")
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return f"{e164};ext={number.extension}" if number.extension else e164


def _phone(value: str) -> str:
    """A number with its country code is checked here; one without it is kept as written
    until the service knows the country of the contact's city (``phone_number``)."""
    if not any(ch.isdigit() for ch in value):
        raise ValueError(f"'{value}' is not a phone number; {_phone_hint(None)}")
    return phone_number(value) if value.startswith("+") else value


Phone = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=40),
    AfterValidator(_phone),
    Field(json_schema_extra={"format": "phone", "examples": ["+886 2 2725 6113"]}),
]


def _not_in_future(value: datetime) -> datetime:
    moment = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    if moment > datetime.now(UTC):
        raise ValueError(f"{moment.isoformat()} is in the future; record what has happened")
    return moment.astimezone(UTC)


# When something happened (recorded after the fact): not in the future; without a time zone
# it is UTC.
PastMoment = Annotated[IsoDateTime, AfterValidator(_not_in_future)]


# No text may hold a NUL character: PostgreSQL cannot store one, and nothing a person types
# contains it.
NUL = "\x00"
NUL_MESSAGE = "text cannot contain a NUL character (\\u0000)"


def _nul_locations(value: Any, loc: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    if isinstance(value, str):
        return [loc] if NUL in value else []
    if isinstance(value, dict):
        found = []
        for key, item in value.items():
            found += [loc + (key,)] if isinstance(key, str) and NUL in key else []
            found += _nul_locations(item, loc + (key,))
        return found
    if isinstance(value, list | tuple):
        return [where for i, item in enumerate(value) for where in _nul_locations(item, loc + (i,))]
    return []


class InputModel(BaseModel):
    """Request bodies: unknown fields are an error, so a typo is never silently dropped, and
    no text holds a NUL character (checked once, on the whole body, naming each place)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)

    @model_validator(mode="before")
    @classmethod
    def _refuse_nul_characters(cls, data: Any) -> Any:
        locations = _nul_locations(data)
        if locations:
            raise ValidationError.from_exception_data(
                cls.__name__,
                [
                    InitErrorDetails(
                        type=PydanticCustomError("nul_character", NUL_MESSAGE),
                        loc=loc,
                        input=None,
                    )
                    for loc in locations
                ],
            )
        return data


async def refuse_nul_in_request(request: Request) -> None:
    """A dependency of every route: no NUL character in a query parameter or a form field
    (the token route's form; JSON bodies are checked by InputModel). Path parameters are ids
    or the calendar token, which is looked up as it is. A form field is a body field: its
    error has a pointer, as the form's other errors do."""
    errors: list[dict[str, str]] = [
        {"parameter": _shown_name(name), "in": "query", "detail": NUL_MESSAGE}
        for name, value in request.query_params.multi_items()
        if NUL in name or NUL in value
    ]
    if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        form = (await request.form()).multi_items()  # parsed once, cached for the route
        errors += [
            {"pointer": "/" + _shown_name(name), "detail": NUL_MESSAGE}
            for name, value in form
            if NUL in name or (isinstance(value, str) and NUL in value)
        ]
    if errors:
        names = ", ".join(dict.fromkeys(e.get("parameter") or e["pointer"] for e in errors))
        raise InvalidInput(f"{names}: {NUL_MESSAGE}", errors=errors)


def _shown_name(name: str) -> str:
    return name.replace(NUL, "\\u0000")


class RecordRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    version: int
    created_at: datetime
    updated_at: datetime
    archived_at: datetime | None


M = TypeVar("M", bound=BaseModel)
# What a field may say of itself in the document and keep in an update.
_DESCRIBING = ("title", "description", "examples", "deprecated")


def update_of(
    create: type[BaseModel], *, exclude: Collection[str] = ()
) -> Callable[[type[M]], type[M]]:
    """The PATCH body of a record, made from its POST body: the fields of ``create`` (but
    ``exclude``) and the decorated class's own, with their types and limits as declared there,
    every one optional and absent unless sent (absent: unchanged). ``null`` is taken only
    where the field itself takes it (it empties the field); a field that cannot be emptied
    refuses it, and the document says so.

        @update_of(CityCreate)
        class CityUpdate(InputModel):
            pass
    """

    def build(declared: type[M]) -> type[M]:
        fields = {name: info for name, info in create.model_fields.items() if name not in exclude}
        fields.update(declared.model_fields)
        optional: dict[str, Any] = {name: _optional(name, info) for name, info in fields.items()}
        return create_model(
            declared.__name__,
            __base__=declared,
            __module__=declared.__module__,
            __doc__=declared.__doc__,
            **optional,
        )

    return build


def _optional(name: str, info: FieldInfo) -> tuple[Any, FieldInfo]:
    annotation = info.rebuild_annotation()
    if not _takes_null(info.annotation):
        annotation = Annotated[annotation, BeforeValidator(_refuse_null(name))]
    extra = info.json_schema_extra

    def without_default(schema: dict[str, Any]) -> None:
        schema.pop("default", None)  # absent is no value; null is one some fields refuse
        if isinstance(extra, dict):
            schema.update(extra)

    described = {key: getattr(info, key) for key in _DESCRIBING if getattr(info, key) is not None}
    return annotation, Field(None, json_schema_extra=without_default, **described)


def _takes_null(annotation: Any) -> bool:
    return annotation is None or (
        get_origin(annotation) in (Union, types.UnionType) and type(None) in get_args(annotation)
    )


def _refuse_null(name: str) -> Callable[[Any], Any]:
    def refuse(value: Any) -> Any:
        if value is None:
            raise PydanticCustomError(
                "null_refused", "{name} cannot be empty; leave it out to keep it", {"name": name}
            )
        return value

    return refuse
