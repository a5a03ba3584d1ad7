"""Every table, imported in one place so Alembic and the tests see the whole schema."""

from app.audit.models import AuditEntry
from app.auth.models import LoginAttempt, User
from app.cities.models import City
from app.contacts.models import Contact
from app.events.models import Event
from app.follow_ups.models import FollowUp
from app.interactions.models import (
    Interaction,
    InteractionCity,
    InteractionContact,
    InteractionOrganization,
)
from app.invitations.models import Invitation
from app.organizations.models import Organization, OrganizationMember
from app.partnerships.models import Partnership

__all__ = [
    "AuditEntry",
    "City",
    "Contact",
    "Event",
    "FollowUp",
    "Interaction",
    "InteractionCity",
    "InteractionContact",
    "InteractionOrganization",
    "Invitation",
    "LoginAttempt",
    "Organization",
    "OrganizationMember",
    "Partnership",
    "User",
]
