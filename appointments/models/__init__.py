"""The appointments app's models: call-back requests, the outbox of messages, and the diary."""

from .diary import (
    HOLDS_TIME,
    TRANSITIONS,
    Appointment,
    AppointmentQuerySet,
    AppointmentStatus,
    BookingPolicy,
    VisitType,
)
from .messaging import MessageChannel, MessageTemplate
from .outbox import Notification, NotificationQuerySet, NotificationState
from .requests import (
    PATIENT_FIELDS,
    REQUEST_FIELDS,
    VISIT_FIELDS,
    BookingFor,
    BookingRequest,
    BookingRequestQuerySet,
    BookingWindow,
    NotificationRecipient,
    Relationship,
    RequestStatus,
    TimeOfDay,
    new_reference,
)

__all__ = [
    "HOLDS_TIME", "TRANSITIONS", "Appointment", "AppointmentQuerySet", "AppointmentStatus", "BookingPolicy",
    "VisitType",
    "PATIENT_FIELDS", "REQUEST_FIELDS", "VISIT_FIELDS", "BookingFor", "BookingRequest", "BookingRequestQuerySet",
    "BookingWindow", "Notification", "NotificationQuerySet", "NotificationRecipient", "NotificationState",
    "Relationship", "RequestStatus", "TimeOfDay", "new_reference",
    "MessageChannel", "MessageTemplate",
]  # fmt: skip
