"""Schemathesis hooks for the contract check (.ci/schemathesis): how to make a value of the
formats the API documents beyond JSON Schema's own, and which calls would end the run's own
session."""

import os

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

# The admin the run signs in as (.ci/schemathesis). Changing that user (a new password,
# deactivation, another role) or signing them out ends or narrows the run's own session, and
# every later call would answer 401 or 403 for that reason alone. Every other user is fair game.
RUN_USER_ID = os.environ.get("SCHEMATHESIS_RUN_USER_ID")
CHANGES_A_USER = {"users_update", "users_sign_out"}


@schemathesis.hook
def filter_case(context: schemathesis.HookContext, case: schemathesis.Case) -> bool:
    operation = context.operation
    if operation is None or operation.definition.raw.get("operationId") not in CHANGES_A_USER:
        return True
    return str((case.path_parameters or {}).get("user_id")) != RUN_USER_ID
