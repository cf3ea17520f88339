"""The outbox: every message to patients and staff, one row each, claimed before it is sent."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .requests import BookingRequest


class NotificationState(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class NotificationQuerySet(models.QuerySet):
    def due(self, now=None):
        """Rows to attempt now: pending or failed with attempts left, plus claims left behind by a crash."""
        now = now or timezone.now()
        retryable = Q(state__in=[Notification.State.PENDING, Notification.State.FAILED], next_attempt_at__lte=now)
        retryable &= Q(attempts__lt=settings.BOOKING_NOTIFICATION_MAX_ATTEMPTS)
        stale = Q(state=Notification.State.SENDING, claimed_at__lt=now - Notification.STALE_CLAIM)
        return self.filter(retryable | stale)

    def given_up(self):
        """Rows that failed on every attempt allowed: never retried again, so staff must call those patients."""
        return self.filter(state=Notification.State.FAILED, attempts__gte=settings.BOOKING_NOTIFICATION_MAX_ATTEMPTS)


class Notification(models.Model):
    """One e-mail in the outbox: claimed, sent, and retried until it goes."""

    class Kind(models.TextChoices):
        CLINIC_ALERT = "clinic_alert", "Clinic alert"
        PATIENT_ACKNOWLEDGEMENT = "patient_ack", "Patient acknowledgement"
        PATIENT_CONFIRMATION = "patient_confirm", "Patient confirmation"
        APPOINTMENT_BOOKED = "appt_booked", "Appointment booked"
        APPOINTMENT_MOVED = "appt_moved", "Appointment moved"
        APPOINTMENT_CANCELLED = "appt_cancelled", "Appointment cancelled"

    State = NotificationState

    # A claim older than this was left by a process that died mid-send; the mail timeout is far shorter.
    STALE_CLAIM = timedelta(minutes=15)

    booking_request = models.ForeignKey(BookingRequest, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=16, choices=Kind.choices, help_text="Which message this is.")
    recipient = models.EmailField(help_text="Where it goes.")
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING, help_text="Where it stands.")
    attempts = models.PositiveSmallIntegerField(default=0, help_text="How many times sending was tried.")
    last_error = models.TextField(blank=True, help_text="What the mail server said the last time it failed.")
    next_attempt_at = models.DateTimeField(default=timezone.now, help_text="Not retried before this time.")
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True, help_text="When the mail server accepted it.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(state=NotificationState.SENT) | Q(sent_at__isnull=True), name="notification_sent_at"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.booking_request}"

    def retry_at(self, now: datetime) -> datetime:
        """Exponential backoff from the setting's base delay, capped at six hours."""
        delay = settings.BOOKING_NOTIFICATION_RETRY_SECONDS * 2 ** max(self.attempts - 1, 0)
        return now + timedelta(seconds=min(delay, 6 * 60 * 60))
