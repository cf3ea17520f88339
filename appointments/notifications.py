"""The outbox: each row is claimed with one UPDATE before it is sent, so no message ever goes twice."""

import logging
import smtplib
from collections import Counter
from contextlib import suppress
from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from clinic.models import ClinicDetails

from .calendar import appointment_file
from .models import Appointment, Notification

logger = logging.getLogger(__name__)


# The server did not answer or hung up: the rest of the batch would only wait on it again.
UNREACHABLE = (TimeoutError, ConnectionError, smtplib.SMTPConnectError, smtplib.SMTPServerDisconnected)


def send_notifications(*, ids: list[int] | None = None, timeout: float | None = None) -> Counter:
    """Send the due rows (or the due rows among `ids`) over one connection; count what was sent and what failed.

    `timeout` bounds each wait on the mail server, in seconds; None means EMAIL_TIMEOUT.
    """
    due = Notification.objects.due()
    if ids is not None:
        due = due.filter(pk__in=ids)
    outcome, unreachable = Counter(), None
    connection = get_connection(timeout=timeout)
    try:
        for pk in list(due.order_by("pk").values_list("pk", flat=True)):
            if not claim(pk):
                continue
            error = unreachable or deliver(pk, connection)
            if error:
                fail(pk, error)
                unreachable = unreachable or (error if isinstance(error, UNREACHABLE) else None)
            outcome[Notification.State.FAILED if error else Notification.State.SENT] += 1
    finally:
        with suppress(OSError):  # every row's outcome is already recorded; a failed goodbye changes none
            connection.close()
    return outcome


def claim(pk: int) -> bool:
    """Mark one row as being sent; False when another process got there first.

    The WHERE clause repeats the due() test, so of two UPDATEs racing for the row only one matches it.
    """
    now = timezone.now()
    claimed = Notification.objects.due(now).filter(pk=pk)
    return claimed.update(state=Notification.State.SENDING, claimed_at=now, attempts=F("attempts") + 1) == 1


def deliver(pk: int, connection) -> Exception | None:
    """Send one claimed row and mark it sent; the error, if sending failed."""
    notification = Notification.objects.select_related("booking_request__condition").get(pk=pk)
    try:
        connection.open()  # once per batch: a no-op while the connection is open
        connection.send_messages([build_message(notification)])
    except Exception as error:  # any failure is recorded on the row and retried, never raised to the patient
        return error
    claimed(pk).update(state=Notification.State.SENT, sent_at=timezone.now(), last_error="", claimed_at=None)
    logger.info("Notification %s (%s) sent", pk, notification.kind)
    return None


def fail(pk: int, error: Exception) -> None:
    notification = Notification.objects.get(pk=pk)
    claimed(pk).update(
        state=Notification.State.FAILED,
        last_error=f"{type(error).__name__}: {error}"[:2000],
        next_attempt_at=notification.retry_at(timezone.now()),
        claimed_at=None,
    )
    # The error text may quote the recipient's address: it stays in the database, not in the log.
    logger.warning("Notification %s (%s) failed: %s", pk, notification.kind, type(error).__name__)


def claimed(pk: int):
    return Notification.objects.filter(pk=pk, state=Notification.State.SENDING)


# The patient's confirmation from before the diary renders from the appointment its time moved into.
APPOINTMENT_KINDS = (
    Notification.Kind.PATIENT_CONFIRMATION,
    Notification.Kind.APPOINTMENT_BOOKED,
    Notification.Kind.APPOINTMENT_MOVED,
    Notification.Kind.APPOINTMENT_CANCELLED,
)


def build_message(notification: Notification) -> EmailMessage:
    booking = notification.booking_request
    appointment = Appointment.objects.filter(booking_request=booking).select_related("visit_type").first()
    context = {
        "booking": booking,
        "appointment": appointment,
        "manage_url": manage_url(appointment) if appointment else "",
        "clinic": ClinicDetails.load(),
        "callback_hours": settings.BOOKING_CALLBACK_WORKING_HOURS,
    }
    template = f"appointments/email/{notification.kind}"
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    body = render_to_string(f"{template}_body.txt", context)
    message = EmailMessage(subject=subject, body=body, to=[notification.recipient])
    # A time that clashed in the move to the diary is no time to put in anyone's calendar.
    if notification.kind in APPOINTMENT_KINDS and appointment and appointment.status != Appointment.Status.TO_REBOOK:
        method = "; method=CANCEL" if appointment.status == Appointment.Status.CANCELLED else ""
        message.attach(f"{appointment.reference}.ics", appointment_file(appointment), f"text/calendar{method}")
    return message


def manage_url(appointment) -> str:
    """The patient's manage link, absolute (SITE_URL), with its signed token in the query string."""
    from .diary import manage_token

    query = urlencode({"t": manage_token(appointment)})
    return f"{settings.SITE_URL}{reverse('appointments:appointment-manage')}?{query}"


def resend(queryset) -> int:
    """Put rows back in the queue, due now, with a fresh count of attempts."""
    return queryset.exclude(state=Notification.State.SENDING).update(
        state=Notification.State.PENDING, attempts=0, next_attempt_at=timezone.now(), sent_at=None, claimed_at=None
    )
