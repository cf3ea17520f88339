"""The outbox: each row is claimed with one UPDATE before it is sent, so no message ever goes twice."""

import logging
from collections import Counter

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from clinic.models import ClinicDetails

from .calendar import appointment_calendar
from .models import Notification

logger = logging.getLogger(__name__)


def send_notifications(*, ids: list[int] | None = None) -> Counter:
    """Send the due rows (or the due rows among `ids`); count what was sent and what failed."""
    due = Notification.objects.due()
    if ids is not None:
        due = due.filter(pk__in=ids)
    outcome = Counter()
    for pk in list(due.order_by("pk").values_list("pk", flat=True)):
        if claim(pk):
            outcome[deliver(pk)] += 1
    return outcome


def claim(pk: int) -> bool:
    """Mark one row as being sent; False when another process got there first.

    The WHERE clause repeats the due() test, so of two UPDATEs racing for the row only one matches it.
    """
    now = timezone.now()
    claimed = Notification.objects.due(now).filter(pk=pk)
    return claimed.update(state=Notification.State.SENDING, claimed_at=now, attempts=F("attempts") + 1) == 1


def deliver(pk: int) -> str:
    notification = Notification.objects.select_related(
        "booking_request__condition", "booking_request__physiotherapist"
    ).get(pk=pk)
    mine = Notification.objects.filter(pk=pk, state=Notification.State.SENDING)
    try:
        build_message(notification).send()
    except Exception as error:  # any failure is recorded on the row and retried, never raised to the patient
        now = timezone.now()
        mine.update(
            state=Notification.State.FAILED,
            last_error=f"{type(error).__name__}: {error}"[:2000],
            next_attempt_at=notification.retry_at(now),
            claimed_at=None,
        )
        # The error text may quote the recipient's address: it stays in the database, not in the log.
        logger.warning("Notification %s (%s) failed: %s", pk, notification.kind, type(error).__name__)
        return Notification.State.FAILED
    mine.update(state=Notification.State.SENT, sent_at=timezone.now(), last_error="", claimed_at=None)
    logger.info("Notification %s (%s) sent", pk, notification.kind)
    return Notification.State.SENT


def build_message(notification: Notification) -> EmailMessage:
    booking = notification.booking_request
    context = {
        "booking": booking,
        "clinic": ClinicDetails.load(),
        "callback_hours": settings.BOOKING_CALLBACK_WORKING_HOURS,
    }
    template = f"appointments/email/{notification.kind}"
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    body = render_to_string(f"{template}_body.txt", context)
    message = EmailMessage(subject=subject, body=body, to=[notification.recipient])
    if notification.kind == Notification.Kind.PATIENT_CONFIRMATION:
        message.attach(f"{booking.reference}.ics", appointment_calendar(booking), "text/calendar; method=PUBLISH")
    return message


def resend(queryset) -> int:
    """Put rows back in the queue, due now, with a fresh count of attempts."""
    return queryset.exclude(state=Notification.State.SENDING).update(
        state=Notification.State.PENDING, attempts=0, next_attempt_at=timezone.now(), sent_at=None, claimed_at=None
    )
