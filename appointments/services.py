"""The one write with side effects: a booking request, its rate limits and its outbox rows, saved together."""

import logging
from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone

from clinic.models import ClinicDetails

from . import limits
from .models import BookingRequest, Notification, NotificationRecipient
from .notifications import queue_patient_messages
from .privacy import PRIVACY_NOTICE_VERSION

logger = logging.getLogger(__name__)

REFERENCE_TRIES = 5


def booking_request_create(
    *,
    booking: BookingRequest,
    client_ip: str,
    form_token: str | None = None,
    consent_version: str = PRIVACY_NOTICE_VERSION,
    appointment=None,
) -> tuple[BookingRequest, bool]:
    """Save a patient's request (unsaved, as the booking form built it), count it against the rate limits and
    queue its e-mails; (request, created). With an `appointment` (the time the patient booked, which the caller
    links), the patient is sent the appointment with its calendar file instead of an acknowledgement.

    A form token already used returns the request it saved: a double click or a resent form, counted once.
    Raises limits.OverLimit, saving nothing, when the request would pass a limit.
    """
    booking.is_urgent = bool(booking.red_flags)
    booking.consent_version, booking.consent_at = consent_version, timezone.now()
    booking.form_token = form_token or None
    counted = []
    try:
        with transaction.atomic():
            if existing := _insert(booking):
                return existing, False
            # Counted in the transaction that saves it: past a limit the request is rolled back with the count.
            counted = limits.reserve(phone=booking.phone, email=booking.email, ip=client_ip)
            send_after_commit(_queue_new_request_mails(booking, appointment))
            # Logged on commit, with no personal data.
            transaction.on_commit(
                partial(logger.info, "Booking request %s saved (urgent: %s)", booking.reference, booking.is_urgent)
            )
    except BaseException:
        limits.release(counted)  # counted, but not saved after all
        raise
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
    """Once the request is safely saved, queue a task for the worker to send these rows: the patient (or staff
    member) never waits on a mail server or a provider. Should the queue fail, the worker's tick finds them due."""
    from .tasks import enqueue_on_commit

    enqueue_on_commit([n.pk for n in notifications if n.pk])


def _queue_new_request_mails(booking: BookingRequest, appointment=None) -> list[Notification]:
    recipients = list(NotificationRecipient.objects.filter(is_active=True).values_list("email", flat=True))
    if not recipients and (clinic_email := ClinicDetails.load().email):
        recipients = [clinic_email]  # never let a request arrive unannounced
    rows = [Notification(booking_request=booking, kind=Notification.Kind.CLINIC_ALERT, recipient=r) for r in recipients]
    for row in rows:
        row.save()
    kind = Notification.Kind.APPOINTMENT_BOOKED if appointment else Notification.Kind.PATIENT_ACKNOWLEDGEMENT
    return rows + queue_patient_messages(booking, kind, appointment)
