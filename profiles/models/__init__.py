"""The profiles app's data, one module per room: the workshop and its tables, profile versions,
reviews, saved fit checks, the meeting (agenda, timer, facilitator, pack). Django loads the
models from here; the modules import only icp_site's and portfolio's models and each other."""

from profiles.models.fit_checks import SavedFitCheck
from profiles.models.history import WorkshopChange
from profiles.models.meeting import Function, Meeting, MeetingPack, ParticipantFunction
from profiles.models.reviews import (
    OPEN_REVIEW_STATUSES,
    DeliveryStatus,
    ReminderDelivery,
    Review,
    ReviewQuerySet,
    ReviewReminder,
    ReviewStatus,
    default_reminder_offsets,
)
from profiles.models.segments import CustomerSegment, ExportState, SegmentExport, SegmentSet
from profiles.models.versions import (
    ImmutableVersion,
    ProfileVersion,
    ProfileVersionQuerySet,
    Publication,
    organization_deletion,
)
from profiles.models.workshops import (
    ProfileRow,
    ProfileTable,
    Workshop,
    WorkshopPresence,
    WorkshopStep,
)

__all__ = [
    "CustomerSegment",
    "ExportState",
    "Function",
    "Meeting",
    "MeetingPack",
    "ParticipantFunction",
    "SegmentExport",
    "SegmentSet",
    "OPEN_REVIEW_STATUSES",
    "DeliveryStatus",
    "ReminderDelivery",
    "ImmutableVersion",
    "ProfileRow",
    "ProfileTable",
    "ProfileVersion",
    "ProfileVersionQuerySet",
    "Publication",
    "Review",
    "ReviewQuerySet",
    "ReviewReminder",
    "ReviewStatus",
    "SavedFitCheck",
    "Workshop",
    "WorkshopChange",
    "WorkshopPresence",
    "WorkshopStep",
    "default_reminder_offsets",
    "organization_deletion",
]
