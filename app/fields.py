"""Validated field types shared by the API schemas."""

from datetime import datetime
from typing import Annotated

import phonenumbers
import pycountry
from fastapi import Path, Query
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, WithJsonSchema

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
LongText = Annotated[str, StringConstraints(max_length=10_000)]
Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


NameList = Annotated[list[Name], Field(max_length=50), AfterValidator(_unique)]
TagList = Annotated[list[Tag], Field(max_length=50), AfterValidator(_unique)]
# Ids are 32-bit integers in the database; anything larger can only be a mistake.
MAX_ID = 2_147_483_647
PositiveId = Annotated[int, Field(ge=1, le=MAX_ID)]
IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]
IdQuery = Annotated[int | None, Query(ge=1, le=MAX_ID)]
IdList = Annotated[list[PositiveId], Field(max_length=200), AfterValidator(_unique)]


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


def _phone(value: str) -> str:
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(
            f"'{value}' is not a phone number; "
            "write it with its country code, e.g. +886 2 1234 5678"
        ) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValueError(f"'{value}' is not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


Phone = Annotated[
    str,
    StringConstraints(max_length=40),
    AfterValidator(_phone),
    Field(json_schema_extra={"format": "phone", "examples": ["+886 2 2725 6113"]}),
]


class InputModel(BaseModel):
    """Request bodies: unknown fields are an error, so a typo is never silently dropped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class RecordRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    version: int
    created_at: datetime
    updated_at: datetime
    archived_at: datetime | None
