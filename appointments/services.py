"""The one write with side effects: a booking request and its outbox rows, saved together."""

import logging
from datetime import date
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from clinic.models import ClinicDetails
from conditions.models import Condition

from .models import BookingRequest, Notification, NotificationRecipient
from .notifications import send_notifications

logger = logging.getLogger(__name__)

REFERENCE_TRIES = 5


@transaction.atomic
def booking_request_create(
    *,
    full_name: str,
    booking_for: str,
    phone: str,
    visit_type: str,
    preferred_date: date,
    preferred_time: str,
    consent_version: str,
    patient_name: str = "",
    relationship: str = "",
    patient_is_minor: bool = False,
    email: str = "",
    condition: Condition | None = None,
    message: str = "",
    red_flags: list[str] | None = None,
    form_token: str | None = None,
) -> tuple[BookingRequest, bool]:
    """Save a request and queue its e-mails; (request, created). A form token already used returns its request."""
    booking = BookingRequest(
        full_name=full_name,
        booking_for=booking_for,
        patient_name=patient_name,
        relationship=relationship,
        patient_is_minor=patient_is_minor,
        phone=phone,
        email=email,
        condition=condition,
        visit_type=visit_type,
        preferred_date=preferred_date,
        preferred_time=preferred_time,
        message=message,
        red_flags=list(red_flags or []),
        is_urgent=bool(red_flags),
        consent_version=consent_version,
        consent_at=timezone.now(),
        form_token=form_token or None,
    )
    existing = _insert(booking)
    if existing:
        return existing, False
    queued = _queue_new_request_mails(booking)
    send_after_commit(queued)
    # Logged on commit: a caller may still roll the request back (the view does, past a rate limit).
    transaction.on_commit(
        partial(logger.info, "Booking request %s saved (urgent: %s)", booking.reference, booking.is_urgent)
    )
    return booking, True


def _sent_with(form_token: str | None) -> BookingRequest | None:
    """The request already saved from this form, if any: a double click or a resent form."""
    return BookingRequest.objects.filter(form_token=form_token).first() if form_token else None


def _insert(booking: BookingRequest) -> BookingRequest | None:
    """Insert with a fresh reference; the request already saved under the same form token if there is one."""
    for _ in range(REFERENCE_TRIES):
        # Looked up before each try: after a failed insert, a double click may have won the race for the token.
        if existing := _sent_with(booking.form_token):
            return existing
        try:
            with transaction.atomic():
                booking.save(force_insert=True)
            return None
        except IntegrityError:  # the token (checked again above) or, rarely, the reference was taken
            booking.reference = BookingRequest._meta.get_field("reference").default()
    raise IntegrityError("Could not find a free booking reference.")


def send_after_commit(notifications: list[Notification]) -> None:
    """Try the e-mails once the request is safely saved, waiting briefly on the mail server: cron retries the rest.

    robust: whatever goes wrong while sending, the patient (or staff member) still gets their page.
    """
    ids = [n.pk for n in notifications]
    send = partial(send_notifications, ids=ids, timeout=settings.BOOKING_INLINE_EMAIL_TIMEOUT)
    transaction.on_commit(send, robust=True)


def _queue_new_request_mails(booking: BookingRequest) -> list[Notification]:
    recipients = list(NotificationRecipient.objects.filter(is_active=True).values_list("email", flat=True))
    if not recipients and (clinic_email := ClinicDetails.load().email):
        recipients = [clinic_email]  # never let a request arrive unannounced
    rows = [Notification(booking_request=booking, kind=Notification.Kind.CLINIC_ALERT, recipient=r) for r in recipients]
    if booking.email:
        rows.append(
            Notification(
                booking_request=booking, kind=Notification.Kind.PATIENT_ACKNOWLEDGEMENT, recipient=booking.email
            )
        )
    for row in rows:
        row.save()
    return rows


@transaction.atomic
def booking_request_notify_confirmed(*, booking_request: BookingRequest) -> Notification | None:
    """Queue the patient's confirmation with its calendar file, when the patient gave an e-mail address."""
    if not booking_request.email or not booking_request.is_booked:
        return None
    notification = Notification.objects.create(
        booking_request=booking_request,
        kind=Notification.Kind.PATIENT_CONFIRMATION,
        recipient=booking_request.email,
    )
    send_after_commit([notification])
    return notification
