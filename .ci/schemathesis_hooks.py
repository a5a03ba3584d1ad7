"""Schemathesis hooks for the contract check (.ci/schemathesis): how to make a value of the
formats the API documents beyond JSON Schema's own."""

import phonenumbers
import schemathesis
from hypothesis import strategies as st

REGIONS = ["TW", "KR", "JP", "FR", "DE", "US", "VN", "PL", "BR", "ZA"]
PHONES = [
    phonenumbers.format_number(
        phonenumbers.example_number(region), phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    for region in REGIONS
]

# A phone number with its country code, as a person would type it.
schemathesis.openapi.format("phone", st.sampled_from(PHONES))
