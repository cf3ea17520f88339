"""Call-back requests from the website, and the windows patients mean by "morning", "afternoon" and "evening"."""

import secrets
from datetime import time

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

# No 0/O, 1/I/L or U: a reference read out over the phone is heard as it is written.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_reference():
    """Eight characters in two groups, e.g. 'K7M4-QX9T': 30^8 (about 6.6e11) values, not guessable."""
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"{chars[:4]}-{chars[4:]}"


def email_only():
    """Messages by e-mail (when there is an address): what giving an address on the form always meant."""
    return ["email"]


class TimeOfDay(models.TextChoices):
    MORNING = "morning", "Morning"
    AFTERNOON = "afternoon", "Afternoon"
    EVENING = "evening", "Evening"


class BookingWindow(models.Model):
    """The hours a patient means by 'morning', 'afternoon' or 'evening'."""

    time_of_day = models.CharField(
        max_length=10, choices=TimeOfDay.choices, unique=True, help_text="Which choice on the booking form this is."
    )
    starts = models.TimeField(help_text="Start of the window (IST), e.g. 09:00.")
    ends = models.TimeField(help_text="End of the window (IST), e.g. 12:00. Later than the start.")

    class Meta:
        ordering = ["starts"]
        constraints = [
            models.CheckConstraint(condition=Q(ends__gt=models.F("starts")), name="booking_window_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.get_time_of_day_display()} ({self.starts:%H:%M}–{self.ends:%H:%M} IST)"

    def has_open_time(self, periods, after=time.min):
        """True when some time inside this window and one of the (opens, closes) periods is later than `after`."""
        return any(max(opens, self.starts, after) < min(closes, self.ends) for opens, closes in periods)


class NotificationRecipient(models.Model):
    """A clinic address that receives an alert for every new booking request."""

    email = models.EmailField(unique=True, help_text="Receives an e-mail for every new booking request.")
    description = models.CharField(max_length=100, blank=True, help_text="Whose address this is, e.g. 'Front desk'.")
    is_active = models.BooleanField(default=True, help_text="Untick to stop alerts to this address.")

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return self.email


# Who the request is about and what it asks for, in the order the patient fills them in; the booking form and
# the admin show them in these groups, so staff read a request as the patient wrote it.
PATIENT_FIELDS = ("full_name", "booking_for", "patient_name", "relationship", "patient_is_minor", "phone", "email")
VISIT_FIELDS = ("condition", "visit_type", "preferred_date", "preferred_time", "message")
# Everything the patient's form sets, for the form itself and to tell whether a resent form changed anything.
REQUEST_FIELDS = (*PATIENT_FIELDS, *VISIT_FIELDS, "red_flags")


class RequestStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    CONTACTED = "contacted", "Contacted"
    CONFIRMED = "confirmed", "Confirmed"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"
    NO_SHOW = "no_show", "No-show"


# The one table of a request's status changes. Staff set the first three by hand on a request with no appointment;
# the rest follow its appointment (FOLLOWS_APPOINTMENT). Nothing leaves a visit's outcome.
REQUEST_TRANSITIONS = {
    RequestStatus.REQUESTED: {RequestStatus.CONTACTED, RequestStatus.CONFIRMED, RequestStatus.CANCELLED},
    RequestStatus.CONTACTED: {RequestStatus.REQUESTED, RequestStatus.CONFIRMED, RequestStatus.CANCELLED},
    RequestStatus.CONFIRMED: {RequestStatus.COMPLETED, RequestStatus.NO_SHOW, RequestStatus.CANCELLED},
    RequestStatus.COMPLETED: set(),
    RequestStatus.NO_SHOW: set(),
    RequestStatus.CANCELLED: set(),
}
SET_BY_HAND = (RequestStatus.REQUESTED, RequestStatus.CONTACTED, RequestStatus.CANCELLED)
# The request's status once it has an appointment, by the appointment's status (held and lapsed times have none);
# keys are Appointment.Status values (appointments/models/diary.py, which imports this module).
FOLLOWS_APPOINTMENT = {
    "pending": RequestStatus.CONFIRMED,
    "booked": RequestStatus.CONFIRMED,
    "to_rebook": RequestStatus.CONFIRMED,
    "completed": RequestStatus.COMPLETED,
    "no_show": RequestStatus.NO_SHOW,
    "cancelled": RequestStatus.CANCELLED,
}


class BookingFor(models.TextChoices):
    MYSELF = "myself", "Myself"
    SOMEONE_ELSE = "someone_else", "Someone else"


class Relationship(models.TextChoices):
    PARENT_GUARDIAN = "parent_guardian", "I am their parent or guardian"
    SPOUSE_PARTNER = "spouse_partner", "Spouse or partner"
    CHILD = "child", "Son or daughter"
    OTHER_FAMILY = "other_family", "Other family member"
    FRIEND_CARER = "friend_carer", "Friend or carer"


# An appointment still to come (or to be given a new time) keeps its request open, whatever the request says.
APPOINTMENT_TO_COME = ("held", "pending", "booked", "to_rebook")
APPOINTMENT_DONE = ("completed", "no_show", "cancelled")


class BookingRequestQuerySet(models.QuerySet):
    def closed(self):
        """Requests done with: closed, or their visit's outcome known; never one whose visit is still to come."""
        done = Q(status__in=BookingRequest.CLOSED_STATUSES) | Q(appointment__status__in=APPOINTMENT_DONE)
        return self.filter(done).exclude(appointment__status__in=APPOINTMENT_TO_COME)

    def open(self):
        return self.exclude(pk__in=self.closed().values("pk"))

    def created_before(self, moment):
        return self.filter(created_at__lt=moment)


class BookingRequest(models.Model):
    """A patient's request for an appointment: booked online with a time, or a call-back request the front desk
    books a time for. The time lives in its appointment (Appointment.booking_request), never here."""

    # Defined above the model so that its constraints can name their values.
    Status = RequestStatus
    BookingFor = BookingFor
    Relationship = Relationship

    class VisitType(models.TextChoices):
        NEW = "new", "New patient"
        FOLLOW_UP = "follow_up", "Follow-up"

    class RedFlag(models.TextChoices):
        BLADDER_BOWEL = "bladder_bowel", "Loss of bladder or bowel control"
        SADDLE_NUMBNESS = "saddle_numbness", "Numbness around the genitals or buttocks"
        LEG_WEAKNESS = "leg_weakness", "Sudden or worsening weakness in the legs"
        FEVER_WEIGHT_LOSS = "fever_weight_loss", "Back pain with fever or unexplained weight loss"
        FALL_ACCIDENT = "fall_accident", "A recent fall or accident"

    CLOSED_STATUSES = (Status.COMPLETED, Status.CANCELLED, Status.NO_SHOW)

    reference = models.CharField(
        max_length=9, unique=True, default=new_reference, editable=False, help_text="Read this to the patient."
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.REQUESTED, help_text="Where this request stands."
    )
    is_urgent = models.BooleanField(
        default=False, help_text="The patient answered yes to a red-flag question: call them first."
    )
    red_flags = models.JSONField(default=list, blank=True, help_text="The red-flag questions answered yes.")

    full_name = models.CharField(max_length=100, help_text="The person who made the request.")
    booking_for = models.CharField(max_length=12, choices=BookingFor.choices, help_text="Who the appointment is for.")
    patient_name = models.CharField(
        max_length=100, blank=True, help_text="The patient's name, when the request is for someone else."
    )
    relationship = models.CharField(
        max_length=20,
        choices=Relationship.choices,
        blank=True,
        help_text="How the requester is related to the patient.",
    )
    patient_is_minor = models.BooleanField(
        default=False, help_text="The patient is under 18: the requester is their parent or guardian."
    )
    phone = models.CharField(max_length=16, help_text="Mobile number in international form, e.g. +919876543210.")
    email = models.EmailField(blank=True, help_text="Optional. Acknowledgement and confirmation e-mails go here.")
    condition = models.ForeignKey(
        "conditions.Condition",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="booking_requests",
        help_text="The condition the patient chose; empty means 'Other / not sure'.",
    )
    visit_type = models.CharField(max_length=10, choices=VisitType.choices, help_text="New patient or follow-up.")
    preferred_date = models.DateField(help_text="The day the patient would like to come.")
    preferred_time = models.CharField(
        max_length=10, choices=TimeOfDay.choices, help_text="The time of day the patient would like to come."
    )
    message = models.TextField(max_length=1000, blank=True, help_text="What the patient wrote.")
    consent_version = models.CharField(max_length=40, help_text="The privacy notice version the patient accepted.")
    consent_at = models.DateTimeField(help_text="When the patient accepted the privacy notice.")
    message_channels = models.JSONField(
        default=email_only,
        blank=True,
        help_text="Where the patient agreed to get messages and reminders (they may opt out).",
    )
    language = models.CharField(max_length=8, default="en", help_text="The language the patient's messages use.")
    form_token = models.CharField(
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text="Makes a resubmitted form one request.",
    )

    internal_notes = models.TextField(blank=True, help_text="For staff only; the patient never sees these.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BookingRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(patient_is_minor=False)
                | Q(booking_for=BookingFor.SOMEONE_ELSE, relationship=Relationship.PARENT_GUARDIAN),
                name="booking_request_minor_booked_by_guardian",
                violation_error_message="A patient under 18 is booked by a parent or guardian.",
            ),
            models.CheckConstraint(
                condition=Q(booking_for=BookingFor.SOMEONE_ELSE) | Q(relationship="", patient_name=""),
                name="booking_request_self_has_no_relationship",
            ),
        ]

    def __str__(self):
        return self.reference

    def get_absolute_url(self):
        return reverse("appointments:booking-request-sent", args=[self.reference])

    def may_become(self, status) -> bool:
        """Whether the table allows this status next; staying as it is is always allowed."""
        return status == self.status or status in REQUEST_TRANSITIONS[self.status]

    def follow(self, appointment) -> bool:
        """Take the status its appointment gives, where the table allows it, and save it; True when it changed."""
        status = FOLLOWS_APPOINTMENT.get(appointment.status, self.status)
        if status == self.status or not self.may_become(status):
            return False
        self.status = status
        self.save(update_fields=["status", "updated_at"])
        return True

    def differs_from(self, other: "BookingRequest") -> bool:
        """True when a resent form asks for something other than what this request saved."""
        return any(getattr(self, name) != getattr(other, name) for name in REQUEST_FIELDS)

    def red_flag_labels(self):
        return [self.RedFlag(flag).label for flag in self.red_flags if flag in self.RedFlag.values]
