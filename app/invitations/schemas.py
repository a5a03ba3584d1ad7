from datetime import date, datetime
from typing import Annotated, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from app.fields import (
    CountryCode,
    Flag,
    IdParameter,
    InputModel,
    IsoDate,
    LongText,
    PastMoment,
    PositiveId,
    RecordRead,
    Tag,
    update_of,
)
from app.invitations.models import InvitationStatus
from app.pagination import RecordFilters
from app.partnerships.models import PartnershipKind

T = TypeVar("T")

# A bulk request may name every contact of a large list at once.
MAX_BULK = 10_000


def _unique(values: list[T]) -> list[T]:
    return list(dict.fromkeys(values))


BulkIdList = Annotated[
    list[PositiveId], Field(min_length=1, max_length=MAX_BULK), AfterValidator(_unique)
]

TagCriterion = Annotated[list[Tag], Field(min_length=1, max_length=50), AfterValidator(_unique)]


# The statuses an invitation may start in: anything further is recorded by moving it.
INITIAL_STATUSES = (InvitationStatus.planned, InvitationStatus.sent)

SENT_AT = (
    "When it went out, if not now (not in the future; UTC without a zone); "
    "the server stamps it when the status becomes sent without one"
)
RESPONDED_AT = (
    "When it was answered, if not now (not in the future; UTC without a zone); "
    "the server stamps it when the status becomes accepted or declined without one"
)


class InvitationCreate(InputModel):
    contact_id: PositiveId
    status: InvitationStatus = Field(
        default=InvitationStatus.planned,
        description="planned or sent: an answer is recorded by moving the invitation on",
    )
    send_on: IsoDate | None = Field(default=None, description="The day it is to go out")
    sent_at: PastMoment | None = Field(default=None, description=SENT_AT)
    notes: LongText | None = None

    @field_validator("status")
    @classmethod
    def _starts_planned_or_sent(cls, status: InvitationStatus) -> InvitationStatus:
        if status not in INITIAL_STATUSES:
            raise ValueError(
                f"an invitation starts as {' or '.join(INITIAL_STATUSES)}, not {status}; "
                "create it, then move it on (e.g. sent → accepted → attended)"
            )
        return status

    @field_validator("sent_at")
    @classmethod
    def _sent_at_when_sent(cls, sent_at: datetime | None, info: ValidationInfo) -> datetime | None:
        if sent_at is not None and info.data.get("status") is not InvitationStatus.sent:
            raise ValueError("sent_at is for an invitation created as sent")
        return sent_at


@update_of(InvitationCreate, exclude={"contact_id", "status", "sent_at"})
class InvitationUpdate(InputModel):
    """Only the fields sent change; null empties a field that may be empty. The moments are
    facts: once recorded they are corrected, never emptied."""

    status: InvitationStatus = Field(
        description="planned → sent → accepted | declined; accepted → attended | no_show; "
        "any → cancelled",
    )
    sent_at: PastMoment = Field(description=SENT_AT)
    responded_at: PastMoment = Field(description=RESPONDED_AT)


class InvitationRead(RecordRead):
    event_id: int
    event_name: str
    contact_id: int
    full_name: str = Field(description="The contact's name")
    email: str | None = Field(description="The contact's e-mail address")
    status: InvitationStatus
    send_on: date | None
    sent_at: datetime | None
    responded_at: datetime | None
    notes: str | None


class BulkInvite(InputModel):
    """Who to invite: every criterion given must hold (AND). At least one is required, so a
    request can never invite everyone by accident."""

    send_on: IsoDate = Field(description="The day the invitations are to go out")
    contact_ids: BulkIdList | None = None
    partnership_kinds: (
        Annotated[list[PartnershipKind], Field(min_length=1), AfterValidator(_unique)] | None
    ) = Field(
        default=None,
        description="Contacts whose city has an active partnership of one of these kinds",
    )
    organization_id: PositiveId | None = Field(
        default=None,
        description="Contacts of this organization, or in one of its member cities",
    )
    tags: (
        Annotated[list[Tag], Field(min_length=1, max_length=50), AfterValidator(_unique)] | None
    ) = Field(default=None, description="Contacts with ANY of these tags (at least one of them)")
    country_codes: (
        Annotated[list[CountryCode], Field(min_length=1, max_length=300), AfterValidator(_unique)]
        | None
    ) = Field(default=None, description="Contacts whose city is in one of these countries")
    dormant_only: Flag = Field(
        default=False,
        description="Only contacts in dormant partner cities (no interaction for the "
        "configured number of days)",
    )
    dry_run: Flag = Field(default=False, description="Report what would happen; write nothing")

    @model_validator(mode="after")
    def _some_criterion(self) -> "BulkInvite":
        criteria = (
            self.contact_ids,
            self.partnership_kinds,
            self.organization_id,
            self.tags,
            self.country_codes,
        )
        if all(c is None for c in criteria) and not self.dormant_only:
            raise ValueError(
                "give at least one criterion (contact_ids, partnership_kinds, organization_id, "
                "tags, country_codes or dormant_only); there is no 'invite everyone'"
            )
        return self


SkipReason = Literal["archived", "inactive", "no_email", "already_invited"]


class BulkInvitation(BaseModel):
    id: int | None = Field(description="The new invitation (empty in a dry run)")
    contact_id: int
    full_name: str
    email: str | None


class SkippedContact(BaseModel):
    contact_id: int
    full_name: str
    reason: SkipReason = Field(
        description="The first that applies: archived, inactive, no_email, already_invited"
    )
    invitation_id: int | None = Field(
        default=None, description="The live invitation the contact already has"
    )


class BulkInviteReport(BaseModel):
    created: int
    skipped: int
    invitations: list[BulkInvitation]
    skipped_contacts: list[SkippedContact]
    dry_run: bool


class MarkSent(InputModel):
    """Either the invitations to mark, or a date: every planned invitation of the event due
    to go out on or before it."""

    invitation_ids: BulkIdList | None = None
    due_by: IsoDate | None = Field(default=None, description="send_on on or before this date")
    sent_at: PastMoment | None = Field(default=None, description=SENT_AT)

    @model_validator(mode="after")
    def _one_selection(self) -> "MarkSent":
        if (self.invitation_ids is None) == (self.due_by is None):
            raise ValueError("give either invitation_ids or due_by (exactly one of them)")
        return self


class MarkSentReport(BaseModel):
    marked: int
    invitation_ids: list[int]
    sent_at: datetime


class EventInvitationFilters(RecordFilters):
    """An event's invitation list; ``q`` matches the contact's name (or e-mail address)."""

    status: InvitationStatus | None = None
    send_on_before: IsoDate | None = Field(
        None, description="To go out strictly before this date (exclusive)"
    )
    send_on_after: IsoDate | None = Field(
        None, description="To go out strictly after this date (exclusive)"
    )


class InvitationFilters(EventInvitationFilters):
    """Invitations across events."""

    event_id: IdParameter | None = None
    contact_id: IdParameter | None = None
