"""The diary: visit types, the booking policy, and appointments that hold a physiotherapist's time.

No two appointments that hold one physiotherapist's time overlap, buffers included: on PostgreSQL an exclusion
constraint says so (a lost race is an IntegrityError the booking code turns into "that time was just taken");
SQLite cannot create one, and relies on its single writer and the same check repeated inside the transaction.
"""

from datetime import timedelta

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeOperators
from django.db import connections, models
from django.db.models import F, Func, Q
from django.urls import reverse
from django.utils import timezone

from clinic.models import Physiotherapist

from .requests import BookingRequest, new_reference


class VisitType(models.Model):
    """What a patient books: how long the physiotherapist needs, and the time kept free after it."""

    name = models.CharField(max_length=60, help_text="As patients see it, e.g. 'First assessment'.")
    slug = models.SlugField(max_length=40, unique=True, help_text="Short name for addresses, e.g. 'first'.")
    kind = models.CharField(
        max_length=10,
        choices=BookingRequest.VisitType.choices,
        help_text="New patients book a first assessment; returning patients a follow-up.",
    )
    description = models.CharField(max_length=200, blank=True, help_text="One line for patients choosing it.")
    duration_minutes = models.PositiveSmallIntegerField(help_text="Length of the visit, e.g. 60.")
    buffer_minutes = models.PositiveSmallIntegerField(
        default=0, help_text="Minutes kept free after the visit (notes, cleaning), e.g. 15."
    )
    is_active = models.BooleanField(default=True, help_text="Untick to stop offering it.")
    position = models.PositiveSmallIntegerField(default=0, help_text="Order on the booking page; lower first.")

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(duration_minutes__gt=0), name="visit_type_has_duration"),
        ]

    def __str__(self):
        return f"{self.name} ({self.duration_minutes} min)"

    @property
    def duration(self):
        return timedelta(minutes=self.duration_minutes)

    @property
    def blocked(self):
        """The time one visit keeps the physiotherapist from another: the visit and its buffer."""
        return timedelta(minutes=self.duration_minutes + self.buffer_minutes)


class BookingPolicy(models.Model):
    """How online booking works, as data staff change in the admin. Exactly one row (pk=1)."""

    min_notice_minutes = models.PositiveIntegerField(
        default=120, help_text="The earliest a patient may book online, in minutes from now, e.g. 120."
    )
    horizon_days = models.PositiveSmallIntegerField(default=28, help_text="How many days ahead patients may book.")
    slot_step_minutes = models.PositiveSmallIntegerField(
        default=15, help_text="Times offered start on this step from the hour, e.g. 15: 09:00, 09:15, 09:30."
    )
    hold_minutes = models.PositiveSmallIntegerField(
        default=10, help_text="How long a chosen time is kept while the patient fills in their details."
    )
    self_service_cutoff_hours = models.PositiveSmallIntegerField(
        default=12,
        help_text="Patients may move or cancel online until this many hours before the visit; later, they call.",
    )
    confirm_online_bookings = models.BooleanField(
        default=True,
        help_text="Online bookings are confirmed at once. Untick to have the front desk confirm each one.",
    )

    class Meta:
        verbose_name = verbose_name_plural = "booking policy"
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="booking_policy_single_row"),
            models.CheckConstraint(condition=Q(slot_step_minutes__gt=0), name="booking_policy_step_positive"),
            models.CheckConstraint(condition=Q(horizon_days__gt=0), name="booking_policy_horizon_positive"),
        ]

    def __str__(self):
        return "Booking policy"

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls):
        """The policy, or its defaults before staff have saved one."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)

    @property
    def min_notice(self):
        return timedelta(minutes=self.min_notice_minutes)

    @property
    def hold(self):
        return timedelta(minutes=self.hold_minutes)

    @property
    def self_service_cutoff(self):
        return timedelta(hours=self.self_service_cutoff_hours)


class AppointmentStatus(models.TextChoices):
    HELD = "held", "Held (patient filling in details)"
    PENDING = "pending", "Booked online, to confirm"
    BOOKED = "booked", "Booked"
    COMPLETED = "completed", "Completed"
    NO_SHOW = "no_show", "No-show"
    CANCELLED = "cancelled", "Cancelled"
    EXPIRED = "expired", "Hold lapsed"
    TO_REBOOK = "to_rebook", "To rebook (time clashed)"


# The statuses whose time nobody else may take. A hold past its expiry still counts in the database until the
# booking code marks it expired, which it does inside the transaction that wants the time.
HOLDS_TIME = [
    AppointmentStatus.HELD,
    AppointmentStatus.PENDING,
    AppointmentStatus.BOOKED,
    AppointmentStatus.COMPLETED,
    AppointmentStatus.NO_SHOW,
]

# The one table of status changes (appointments/diary.py enforces it for staff and patients alike).
TRANSITIONS = {
    AppointmentStatus.HELD: {AppointmentStatus.PENDING, AppointmentStatus.BOOKED, AppointmentStatus.EXPIRED},
    AppointmentStatus.PENDING: {AppointmentStatus.BOOKED, AppointmentStatus.CANCELLED},
    AppointmentStatus.BOOKED: {AppointmentStatus.COMPLETED, AppointmentStatus.NO_SHOW, AppointmentStatus.CANCELLED},
    AppointmentStatus.TO_REBOOK: {AppointmentStatus.BOOKED, AppointmentStatus.CANCELLED},
    AppointmentStatus.COMPLETED: set(),
    AppointmentStatus.NO_SHOW: set(),
    AppointmentStatus.CANCELLED: set(),
    AppointmentStatus.EXPIRED: set(),
}
# Only once the visit has begun can anyone say it happened, or that the patient did not come.
AFTER_START_ONLY = {AppointmentStatus.COMPLETED, AppointmentStatus.NO_SHOW}


class TsTzRange(Func):
    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class NoOverlapOnPostgreSQL(ExclusionConstraint):
    """The exclusion constraint, on PostgreSQL only: SQLite can neither create nor check one, and there the
    booking code's check inside the (single-writer) transaction keeps the same rule."""

    def constraint_sql(self, model, schema_editor):
        return super().constraint_sql(model, schema_editor) if _postgresql(schema_editor) else None

    def create_sql(self, model, schema_editor):
        return super().create_sql(model, schema_editor) if _postgresql(schema_editor) else None

    def remove_sql(self, model, schema_editor):
        return super().remove_sql(model, schema_editor) if _postgresql(schema_editor) else None

    def validate(self, model, instance, exclude=None, using="default"):
        if connections[using].vendor == "postgresql":
            super().validate(model, instance, exclude=exclude, using=using)


def _postgresql(schema_editor):
    return schema_editor.connection.vendor == "postgresql"


class AppointmentQuerySet(models.QuerySet):
    def holding_time(self, now=None):
        """Appointments that keep their time from others now: a hold counts until it expires."""
        now = now or timezone.now()
        live = Q(status__in=HOLDS_TIME) & ~Q(status=AppointmentStatus.HELD, hold_expires_at__lte=now)
        return self.filter(live)

    def overlapping(self, starts_at, ends_at):
        """Those whose blocked time (visit and buffer) meets [starts_at, ends_at)."""
        return self.filter(starts_at__lt=ends_at, blocked_until__gt=starts_at)


class Appointment(models.Model):
    """A visit in the diary: a physiotherapist's time for one patient. The time lives here and only here."""

    Status = AppointmentStatus

    reference = models.CharField(
        max_length=9, unique=True, default=new_reference, editable=False, help_text="Read this to the patient."
    )
    status = models.CharField(max_length=10, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED)
    physiotherapist = models.ForeignKey(
        Physiotherapist, on_delete=models.PROTECT, related_name="appointments", help_text="Who sees the patient."
    )
    visit_type = models.ForeignKey(VisitType, on_delete=models.PROTECT, related_name="appointments")
    starts_at = models.DateTimeField(help_text="When the visit starts (IST).")
    ends_at = models.DateTimeField(editable=False, help_text="When the visit ends: the start plus its length.")
    blocked_until = models.DateTimeField(
        editable=False, help_text="When the physiotherapist is free again: the end plus the visit type's buffer."
    )
    booking_request = models.OneToOneField(
        BookingRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointment",
        help_text="The patient's details and consent (empty while a time is only held).",
    )
    hold_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Keyed hashes, never the session key or the address itself: to limit how many times one visitor holds.
    held_by_session = models.CharField(max_length=32, blank=True, editable=False)
    held_from_address = models.CharField(max_length=32, blank=True, editable=False)
    sequence = models.PositiveIntegerField(
        default=0, editable=False, help_text="Grows with every change the patient is told of (calendar files)."
    )
    cancel_reason = models.CharField(max_length=300, blank=True, help_text="Why it was cancelled, if anyone said.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["physiotherapist", "starts_at"]), models.Index(fields=["status"])]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="appointment_ends_after_start"),
            models.CheckConstraint(condition=Q(blocked_until__gte=F("ends_at")), name="appointment_buffer_after"),
            models.CheckConstraint(
                condition=~Q(status=AppointmentStatus.HELD) | Q(hold_expires_at__isnull=False),
                name="appointment_hold_expires",
            ),
            NoOverlapOnPostgreSQL(
                name="appointment_no_overlap",
                expressions=[
                    ("physiotherapist", RangeOperators.EQUAL),
                    (TsTzRange("starts_at", "blocked_until"), RangeOperators.OVERLAPS),
                ],
                condition=Q(status__in=HOLDS_TIME),
                violation_error_message="That time overlaps another appointment of this physiotherapist.",
            ),
        ]

    def __str__(self):
        return f"{self.reference} {timezone.localtime(self.starts_at):%d %b %Y %H:%M} IST"

    def get_absolute_url(self):
        return reverse("appointments:appointment-booked", args=[self.reference])

    def set_time(self, starts_at, visit_type=None):
        """Start, end and blocked time from a start and the visit type."""
        self.visit_type = visit_type or self.visit_type
        self.starts_at = starts_at
        self.ends_at = starts_at + self.visit_type.duration
        self.blocked_until = starts_at + self.visit_type.blocked

    @property
    def holds_time(self):
        return self.status in HOLDS_TIME

    def may_become(self, status, now=None) -> bool:
        if status not in TRANSITIONS[self.status]:
            return False
        return status not in AFTER_START_ONLY or (now or timezone.now()) >= self.starts_at
