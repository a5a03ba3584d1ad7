"""Each record's fields and limits are declared once, in its Create schema; its Update schema
is made from it (app.fields.update_of). The published document shows it: the same field has
the same type and limits in both, every update field is optional, and an update field offers
null exactly where the create field does. And every text a client sends refuses NUL in the
document as the server does."""

from typing import Any

import pytest

from app.config import Settings
from app.fields import SOME_TEXT
from app.main import create_app

PAIRS = {
    "CityUpdate": ("CityCreate", set()),
    "PartnershipUpdate": ("PartnershipCreate", set()),
    "OrganizationUpdate": ("OrganizationCreate", set()),
    "ContactUpdate": ("ContactCreate", set()),
    "InteractionUpdate": ("InteractionCreate", {"follow_up"}),
    "FollowUpUpdate": ("FollowUpCreate", set()),
    "EventUpdate": ("EventCreate", set()),
    "InvitationUpdate": ("InvitationCreate", {"contact_id"}),
    "UserUpdate": ("UserCreate", {"username"}),
}
# Where an update differs from the create on purpose: an invitation is created planned or
# sent (and its sent_at may be left empty), and later moved on and dated, never undated.
OWN_FIELDS = {"InvitationUpdate": {"status", "sent_at", "responded_at"}}


@pytest.fixture(scope="module")
def schemas() -> dict[str, Any]:
    settings = Settings(
        database_url="sqlite+aiosqlite://",
        secret_key="test-secret-key-that-is-long-enough-for-hs256",
        _env_file=None,  # type: ignore[call-arg]
    )
    return create_app(settings).openapi()["components"]["schemas"]


def _takes_null(schema: dict[str, Any]) -> bool:
    return any(variant.get("type") == "null" for variant in schema.get("anyOf", []))


def _shape(schema: dict[str, Any]) -> dict[str, Any]:
    """What a field accepts, without what only describes it."""
    return {k: v for k, v in schema.items() if k not in ("default", "title", "description")}


@pytest.mark.parametrize("update_name", sorted(PAIRS))
def test_an_update_has_the_create_fields_and_limits_all_optional(schemas, update_name):
    create_name, left_out = PAIRS[update_name]
    create, update = schemas[create_name], schemas[update_name]
    own = OWN_FIELDS.get(update_name, set())
    assert set(update["properties"]) == set(create["properties"]) - left_out | own
    assert "required" not in update
    assert update["additionalProperties"] is False
    for name, field in update["properties"].items():
        assert "default" not in field, (update_name, name)  # absent means unchanged
        if name in own:
            assert not _takes_null(field), (update_name, name)
            continue
        assert _shape(field) == _shape(create["properties"][name]), (update_name, name)


def test_null_is_offered_only_where_a_field_may_be_empty(schemas):
    city = schemas["CityUpdate"]["properties"]
    assert not _takes_null(city["name"]) and not _takes_null(city["alternate_names"])
    assert _takes_null(city["notes"]) and _takes_null(city["population"])
    assert city["population"]["anyOf"][0] == {"type": "integer", "maximum": 1e8, "minimum": 0}
    user = schemas["UserUpdate"]["properties"]
    assert [name for name, field in user.items() if _takes_null(field)] == ["full_name"]


def _strings(schema: dict[str, Any], schemas: dict[str, Any], seen: set[str]) -> list[dict]:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name in seen:
            return []
        seen.add(name)
        return _strings(schemas[name], schemas, seen)
    found = [schema] if schema.get("type") == "string" else []
    nested = [*schema.get("properties", {}).values(), *schema.get("anyOf", [])]
    nested += [schema[key] for key in ("items", "additionalProperties") if key in schema]
    for part in nested:
        if isinstance(part, dict):
            found += _strings(part, schemas, seen)
    return found


def test_every_text_a_client_sends_refuses_nul_in_the_document(schemas):
    names = [
        name
        for name in schemas
        if name.endswith(("Create", "Update", "Fields", "Draft")) or name.startswith("Body_")
    ]
    assert {"CityCreate", "CityUpdate", "Body_auth_token", "FollowUpDraft"} <= set(names)
    for name in names:
        for text in _strings(schemas[name], schemas, set()):
            ruled_out = {"enum", "const"} & set(text) or text.get("format") in {
                "date",
                "date-time",
                "binary",
            }
            # Their own pattern (a username's) or one that says no NUL.
            assert ruled_out or "pattern" in text, (name, text)
    username = schemas["UserCreate"]["properties"]["username"]
    assert username["pattern"] == r"^[\w.@+-]+$"  # its own pattern, which has no NUL
    region = schemas["CityCreate"]["properties"]["region"]["anyOf"][0]
    assert region["pattern"] == r"^[^\x00]*$"
    assert schemas["CityCreate"]["properties"]["name"]["pattern"] == SOME_TEXT.pattern


def test_the_documented_pattern_of_required_text_is_what_the_server_takes():
    """A name must say more than white space, which is stripped: the document's pattern and
    pydantic agree on every character (a name of one character)."""
    import re

    from pydantic import TypeAdapter, ValidationError

    from app.fields import Name

    name = TypeAdapter(Name)
    pattern = re.compile(SOME_TEXT.pattern)
    disagree = []
    for code in range(1, 0x110000):  # NUL: refused by every body (InputModel), not by Name
        if 0xD800 <= code <= 0xDFFF:  # surrogates: no JSON text carries one alone
            continue
        try:
            name.validate_python(chr(code))
            taken = True
        except ValidationError:
            taken = False
        if taken != bool(pattern.search(chr(code))):
            disagree.append(hex(code))
    assert disagree == []
