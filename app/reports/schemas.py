from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from app.cities.schemas import CityRead
from app.fields import IsoDate
from app.pagination import QueryModel
from app.partnerships.models import PartnershipKind
from app.partnerships.schemas import PartnershipRead


class ReportFormat(StrEnum):
    json = "json"
    csv = "csv"


class DormantPartnersFilters(QueryModel):
    """The dormant partners report's filters, for the API and ``crm dormant``."""

    inactive_days: int | None = Field(
        None,
        ge=1,
        le=36_500,
        description="Days without an interaction that make a partner dormant "
        "(default: CRM_DORMANT_AFTER_DAYS)",
    )
    kind: list[PartnershipKind] | None = Field(
        None, description="Only partners with an active partnership of these kinds (repeatable)"
    )
    as_of: IsoDate | None = Field(None, description="The day the report is about (default: today)")


class DormantPartnersQuery(DormantPartnersFilters):
    format: ReportFormat = Field(
        ReportFormat.json,
        description="json, or csv (a download: editors and admins only, like exports)",
    )


class DormantPartner(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    city: CityRead
    partnerships: list[PartnershipRead] = Field(
        description="The city's active partnerships (of the requested kinds)"
    )
    last_interaction_on: date | None = Field(
        description="The latest live interaction linked to the city (directly or through one "
        "of its contacts) on or before as_of; null when there never was one"
    )
    days_inactive: int | None = Field(description="Days from last_interaction_on to as_of")
    active_contacts: int = Field(description="Live contacts of the city marked active")
    open_follow_ups: int = Field(
        description="Open follow-ups about the city or about one of its live contacts"
    )


class DormantPartnersReport(BaseModel):
    items: list[DormantPartner]
    total: int


class Anniversary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    city: CityRead
    partnership: PartnershipRead
    anniversary_on: date = Field(
        description="The signing date's anniversary; 29 February signings fall on 28 February "
        "in other years"
    )
    years: int = Field(ge=1, description="Years since the signing")
    milestone: bool = Field(description="True for a multiple of five years")


class AnniversariesReport(BaseModel):
    items: list[Anniversary]


class Period(BaseModel):
    from_: date = Field(alias="from", description="First day of the period")
    to: date = Field(description="Last day of the period (inclusive)")


class PartnershipMeasures(BaseModel):
    active_at_end_by_kind: dict[str, int] = Field(
        description="Live partnerships of live cities, active now and signed on or before the "
        "period's end (or without a signing date), by kind. The status is today's: the CRM keeps "
        "no history of status changes"
    )
    signed_in_period_by_kind: dict[str, int] = Field(
        description="Live partnerships of live cities signed within the period, whatever their "
        "status now, by kind"
    )


class Visits(BaseModel):
    inbound: int = Field(description="Interactions of kind visit_inbound")
    outbound: int = Field(description="Interactions of kind visit_outbound")


class EventsHosted(BaseModel):
    count: int = Field(
        description="Live events starting within the period that the home city hosts "
        "(no host organization)"
    )
    invitations_sent: int = Field(
        description="Live invitations to those events that went out: a sending time is recorded "
        "or the status is sent or later (cancelled before sending does not count)"
    )
    accepted: int = Field(
        description="Invitations answered yes: status accepted, attended or no_show"
    )
    declined: int = Field(description="Invitations with status declined")
    attended: int = Field(description="Invitations with status attended")
    acceptance_rate: float | None = Field(
        description="accepted / (accepted + declined), i.e. the share of yes among the answered "
        "invitations (accepted, attended and no_show count as yes); null when none was answered"
    )


class EngagedCity(BaseModel):
    city_id: int
    name: str
    interactions: int = Field(description="Live interactions linked to the city in the period")


class EngagementReport(BaseModel):
    """What the desk did in a period. Only live (non-archived) records count; interactions
    count through the cities they are linked to, named directly or through their contacts."""

    period: Period
    partnerships: PartnershipMeasures
    interactions_by_kind: dict[str, int] = Field(
        description="Live interactions that occurred within the period, by kind"
    )
    cities_engaged: int = Field(
        description="Live cities, other than the home city, linked to an interaction of the period"
    )
    countries_engaged: int = Field(description="Distinct countries of the cities engaged")
    conferences_attended: int = Field(description="Interactions of kind conference")
    organization_meetings: int = Field(
        description="Interactions of kind meeting or conference linked to a live organization"
    )
    visits: Visits
    events_hosted: EventsHosted
    dormant_partners_at_end: int = Field(
        description="Partner cities dormant at the period's end (CRM_DORMANT_AFTER_DAYS)"
    )
    most_engaged_cities: list[EngagedCity] = Field(
        description="The five cities (home city left out) with the most interactions in the "
        "period; ties by name"
    )
