"""The outbox: every message to patients and staff (e-mail, SMS, WhatsApp), one row each, claimed before it is
sent; the record of what went, to whom, and what the provider said of it."""

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
    DELIVERED = "delivered", "Delivered"
    READ = "read", "Read"
    FAILED = "failed", "Failed"
    # Claimed by a worker that died before the provider confirmed it, on a channel with no idempotency key
    # (SMS, WhatsApp): it may or may not have gone, so staff decide (resend from the admin, or call).
    UNKNOWN = "unknown", "Unknown: check with the patient"


class Channel(models.TextChoices):
    EMAIL = "email", "E-mail"
    SMS = "sms", "SMS"
    WHATSAPP = "whatsapp", "WhatsApp"


# States in which the message left us: sent_at is set.
LEFT_US = (NotificationState.SENT, NotificationState.DELIVERED, NotificationState.READ)


class NotificationQuerySet(models.QuerySet):
    def due(self, now=None):
        """Rows to attempt now: pending or failed with attempts left, plus claims left behind by a crash."""
        now = now or timezone.now()
        retryable = Q(state__in=[Notification.State.PENDING, Notification.State.FAILED], next_attempt_at__lte=now)
        retryable &= Q(attempts__lt=settings.BOOKING_NOTIFICATION_MAX_ATTEMPTS, gave_up=False)
        return self.filter(retryable | self.stale_claims(now), retired_at__isnull=True)

    @staticmethod
    def stale_claims(now, unconfirmable: bool = False):
        """Claims left behind by a worker that died mid-send. E-mail is taken again (its Message-ID stays the
        same, so a mail program shows a duplicate as one). SMS and WhatsApp take no idempotency key (Meta's API
        has none; MSG91's v2 API neither), so a resend could reach the patient twice: with `unconfirmable`,
        those, which mark_unknown() leaves for staff."""
        stale = Q(state=Notification.State.SENDING, claimed_at__lt=now - Notification.stale_claim())
        texts = Q(channel__in=[Channel.SMS, Channel.WHATSAPP])
        return stale & (texts if unconfirmable else ~texts)

    def given_up(self):
        """Rows never retried again (every attempt failed, or the provider refused for good): call those patients."""
        spent = Q(attempts__gte=settings.BOOKING_NOTIFICATION_MAX_ATTEMPTS) | Q(gave_up=True)
        return self.filter(spent, state=Notification.State.FAILED)


class Notification(models.Model):
    """One message in the outbox: claimed, sent, retried until it goes, and updated by the provider's receipts."""

    class Kind(models.TextChoices):
        CLINIC_ALERT = "clinic_alert", "Clinic alert"
        PATIENT_ACKNOWLEDGEMENT = "patient_ack", "Patient acknowledgement"
        PATIENT_CONFIRMATION = "patient_confirm", "Patient confirmation"
        APPOINTMENT_BOOKED = "appt_booked", "Appointment booked"
        APPOINTMENT_MOVED = "appt_moved", "Appointment moved"
        APPOINTMENT_CANCELLED = "appt_cancelled", "Appointment cancelled"
        APPOINTMENT_REMINDER = "appt_reminder", "Appointment reminder"
        APPOINTMENT_REMINDER_SOON = "appt_reminder_soon", "Appointment reminder (same day)"

    State = NotificationState
    Channel = Channel
    REMINDERS = (Kind.APPOINTMENT_REMINDER, Kind.APPOINTMENT_REMINDER_SOON)

    booking_request = models.ForeignKey(BookingRequest, on_delete=models.CASCADE, related_name="notifications")
    appointment = models.ForeignKey(
        "appointments.Appointment",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        help_text="The appointment it is about, if any.",
    )
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.EMAIL)
    kind = models.CharField(max_length=20, choices=Kind.choices, help_text="Which message (template) this is.")
    language = models.CharField(max_length=8, default="en", help_text="The language it is written in.")
    recipient = models.CharField(max_length=254, help_text="Where it goes: an e-mail address or a mobile number.")
    state = models.CharField(max_length=9, choices=State.choices, default=State.PENDING, help_text="Where it stands.")
    attempts = models.PositiveSmallIntegerField(default=0, help_text="How many times sending was tried.")
    gave_up = models.BooleanField(default=False, help_text="The provider refused it for good: not retried.")
    last_error = models.TextField(blank=True, help_text="What the server or provider said the last time it failed.")
    next_attempt_at = models.DateTimeField(default=timezone.now, help_text="Not sent (or retried) before this time.")
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True, help_text="When the mail server or provider accepted it.")
    provider_message_id = models.CharField(
        max_length=128, blank=True, db_index=True, help_text="The provider's id for it (delivery receipts name it)."
    )
    receipt_at = models.DateTimeField(null=True, blank=True, help_text="When the provider last reported on it.")
    # A reminder no longer wanted (the appointment moved or was cancelled, the patient opted out): never sent,
    # and no longer the live one of its kind. It keeps its state, so a sent reminder stays on record as sent.
    retired_at = models.DateTimeField(null=True, blank=True, help_text="When it stopped being wanted.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state__in=[NotificationState.PENDING, NotificationState.SENDING])
                | Q(sent_at__isnull=True),
                name="notification_sent_at",
            ),
            # One live reminder of each kind per appointment and channel: scheduling twice (a retried request,
            # two workers) finds the row already there. Retired rows are history and do not count.
            models.UniqueConstraint(
                fields=["appointment", "kind", "channel"],
                condition=Q(kind__in=["appt_reminder", "appt_reminder_soon"], retired_at__isnull=True),
                name="notification_one_live_reminder",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.get_channel_display()}) for {self.booking_request}"

    @staticmethod
    def stale_claim() -> timedelta:
        """A claim older than this was left by a process that died mid-send; sending takes seconds at most."""
        return timedelta(seconds=settings.OUTBOX_STALE_CLAIM_SECONDS)

    def retry_at(self, now: datetime) -> datetime:
        """Exponential backoff from the setting's base delay, capped at six hours."""
        delay = settings.BOOKING_NOTIFICATION_RETRY_SECONDS * 2 ** max(self.attempts - 1, 0)
        return now + timedelta(seconds=min(delay, 6 * 60 * 60))
