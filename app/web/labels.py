"""The words for the domain's fixed values (interaction kinds, statuses...), in the reader's
language: ``label(InteractionKind.meeting)`` in Python and ``{{ label(kind) }}`` in templates,
``choices(InteractionKind)`` for a select's options. One place, so every page says the same."""

from enum import StrEnum

from app.follow_ups.models import FollowUpStatus
from app.interactions.models import InteractionKind
from app.invitations.models import InvitationStatus
from app.organizations.models import HomeMembership, OrganizationKind
from app.partnerships.models import PartnershipKind, PartnershipStatus
from app.web.i18n import N_, gettext

_LABELS: list[tuple[StrEnum, str]] = [
    # Interaction kinds: the log form, the badges and the reports all say these (the Chinese
    # kept apart: 會談 a meeting, 研討會／課程 a conference, never two words that look alike).
    (InteractionKind.meeting, N_("Meeting")),
    (InteractionKind.visit_inbound, N_("Visit to us")),
    (InteractionKind.visit_outbound, N_("Visit abroad")),
    (InteractionKind.conference, N_("Conference or course")),
    (InteractionKind.call, N_("Phone call")),
    (InteractionKind.video_call, N_("Video call")),
    (InteractionKind.email, N_("Email")),
    (InteractionKind.letter, N_("Letter")),
    (InteractionKind.other, N_("Other")),
    (InvitationStatus.planned, N_("Planned")),
    (InvitationStatus.sent, N_("Sent")),
    (InvitationStatus.accepted, N_("Accepted")),
    (InvitationStatus.declined, N_("Declined")),
    (InvitationStatus.attended, N_("Attended")),
    (InvitationStatus.no_show, N_("Did not come")),
    (InvitationStatus.cancelled, N_("Cancelled")),
    (PartnershipKind.sister_city, N_("Sister city")),
    (PartnershipKind.friendship_city, N_("Friendship city")),
    (PartnershipKind.cooperation_agreement, N_("Cooperation agreement")),
    (PartnershipStatus.active, N_("Active")),
    (PartnershipStatus.suspended, N_("Suspended")),
    (PartnershipStatus.ended, N_("Ended")),
    (FollowUpStatus.open, N_("Open")),
    (FollowUpStatus.done, N_("Done")),
    (FollowUpStatus.cancelled, N_("Cancelled")),
    (OrganizationKind.city_network, N_("City network")),
    (OrganizationKind.international_organization, N_("International organization")),
    (OrganizationKind.ngo, N_("NGO")),
    (OrganizationKind.government, N_("Government")),
    (OrganizationKind.company, N_("Company")),
    (OrganizationKind.academic, N_("Academic")),
    (OrganizationKind.other, N_("Other")),
    (HomeMembership.member, N_("Member")),
    (HomeMembership.observer, N_("Observer")),
    (HomeMembership.former_member, N_("Former member")),
    (HomeMembership.none, N_("Not a member")),
]
# Keyed by type and value: the values of two enums may be the same string ("other").
LABELS: dict[tuple[type, str], str] = {
    (type(member), member.value): text for member, text in _LABELS
}


# A loaded record's field is often the plain string: looked up by value alone. The values
# two enums share have the same words (checked here).
BY_VALUE: dict[str, str] = {}
for _member, _text in _LABELS:
    assert BY_VALUE.setdefault(_member.value, _text) == _text, _member


def label(value: StrEnum | str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, StrEnum):
        text = LABELS.get((type(value), value.value))
    else:
        text = BY_VALUE.get(value)
    return gettext(text) if text is not None else str(value)


def choices(kind: type[StrEnum]) -> list[tuple[str, str]]:
    """(value, label) pairs for the ``select`` macro, in the enum's order."""
    return [(member.value, label(member)) for member in kind]
