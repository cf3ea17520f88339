"""The outbox: each row is claimed with one UPDATE before it is sent, so no message ever goes twice.

Rows are written in the request's transaction (queue_*) and sent by the worker (send_notifications): e-mail
through Django's mail backend, SMS and WhatsApp through appointments.channels.
"""

import logging
import smtplib
from collections import Counter
from contextlib import suppress
from datetime import datetime, time, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage, get_connection
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

from clinic.models import ClinicDetails

from .calendar import appointment_file
from .models import Appointment, BookingRequest, Notification

logger = logging.getLogger(__name__)

Channel, Kind, State = Notification.Channel, Notification.Kind, Notification.State

# The server did not answer or hung up: the rest of the batch would only wait on it again.
UNREACHABLE = (TimeoutError, ConnectionError, smtplib.SMTPConnectError, smtplib.SMTPServerDisconnected)

# No SMS or WhatsApp reminder at night (IST): one that would fall there goes the evening before, at EARLIER.
QUIET_STARTS, QUIET_ENDS, EARLIER = time(21), time(9), time(20, 30)
# Appointments still to come, which reminders are for.
REMINDED = (Appointment.Status.BOOKED, Appointment.Status.PENDING)
OPT_OUT_SALT = "appointments.messages-opt-out"
# The registered texts' kinds (MessageTemplate.Kind) where the outbox's differ.
TEMPLATE_KINDS = {Kind.APPOINTMENT_REMINDER: "reminder_24h", Kind.APPOINTMENT_REMINDER_SOON: "reminder_2h"}


# Sending ------------------------------------------------------------------------------------------------------


def send_notifications(*, ids: list[int] | None = None, timeout: float | None = None) -> Counter:
    """Send the due rows (or the due rows among `ids`); count what was sent and what failed.

    `timeout` bounds each wait on the mail server, in seconds; None means EMAIL_TIMEOUT.
    """
    mark_unknown()
    due = Notification.objects.due()
    if ids is not None:
        due = due.filter(pk__in=ids)
    outcome, unreachable = Counter(), None
    connection = get_connection(timeout=timeout)
    try:
        for pk in list(due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)):
            if not claim(pk):
                continue
            notification = load(pk)
            if notification.channel == Channel.EMAIL and unreachable:
                error = unreachable
            else:
                error = deliver(notification, connection)
            if error:
                fail(notification, error)
                if notification.channel == Channel.EMAIL and isinstance(error, UNREACHABLE):
                    unreachable = unreachable or error
            outcome[error_state(error)] += 1
    finally:
        with suppress(OSError):  # every row's outcome is already recorded; a failed goodbye changes none
            connection.close()
    return outcome


def error_state(error) -> str:
    return State.FAILED if isinstance(error, Exception) else (error or State.SENT)


def claim(pk: int) -> bool:
    """Mark one row as being sent; False when another process got there first.

    The WHERE clause repeats the due() test, so of two UPDATEs racing for the row only one matches it.
    """
    now = timezone.now()
    claimed = Notification.objects.due(now).filter(pk=pk)
    return claimed.update(state=State.SENDING, claimed_at=now, attempts=F("attempts") + 1) == 1


def mark_unknown() -> int:
    """SMS and WhatsApp rows claimed by a worker that died before the provider answered: neither takes an
    idempotency key, so a resend could reach the patient twice. Left for staff (the state filter "unknown")."""
    stale = Notification.objects.filter(Notification.objects.stale_claims(timezone.now(), unconfirmable=True))
    return stale.update(
        state=State.UNKNOWN,
        claimed_at=None,
        last_error="The worker stopped before the provider confirmed this message: it may or may not have gone.",
    )


def load(pk: int) -> Notification:
    related = ("booking_request", "appointment__visit_type", "appointment__physiotherapist")
    return Notification.objects.select_related(*related).get(pk=pk)


def deliver(notification: Notification, connection) -> Exception | str | None:
    """Send one claimed row and mark it sent; the error if sending failed, or the state it was left in."""
    if notification.kind in Notification.REMINDERS and (postponed := reconsider_reminder(notification)):
        return postponed
    try:
        if notification.channel == Channel.EMAIL:
            connection.open()  # once per batch: a no-op while the connection is open
            connection.send_messages([build_message(notification)])
            provider_id = ""
        else:
            provider_id = send_text(notification)
    except Exception as error:  # any failure is recorded on the row and retried, never raised to the patient
        return error
    sent = {"state": State.SENT, "sent_at": timezone.now(), "last_error": "", "claimed_at": None}
    claimed(notification.pk).update(provider_message_id=provider_id, **sent)
    logger.info("Notification %s (%s, %s) sent", notification.pk, notification.kind, notification.channel)
    return None


def reconsider_reminder(notification: Notification) -> str | None:
    """Just before a reminder goes: retire it if its appointment is no longer to come; wait out the night for
    SMS and WhatsApp. The state it was left in, or None to send it now."""
    appointment, now = notification.appointment, timezone.now()
    if appointment is None or appointment.status not in REMINDED or appointment.starts_at <= now:
        claimed(notification.pk).update(state=State.PENDING, claimed_at=None, retired_at=now)
        return "retired"
    if notification.channel != Channel.EMAIL and is_quiet(now):
        morning = next_morning(now)
        if morning >= appointment.starts_at - timedelta(hours=1):
            claimed(notification.pk).update(state=State.PENDING, claimed_at=None, retired_at=now)
            return "retired"
        # Not an attempt: the night is no failure.
        claimed(notification.pk).update(
            state=State.PENDING, claimed_at=None, next_attempt_at=morning, attempts=F("attempts") - 1
        )
        return "postponed"
    return None


def send_text(notification: Notification) -> str:
    """An SMS or WhatsApp message through its provider: the registered template in the patient's language."""
    from . import channels
    from .models.messaging import MessageTemplate

    kind = TEMPLATE_KINDS.get(notification.kind, notification.kind)
    templates = MessageTemplate.objects.filter(channel=notification.channel, kind=kind, is_active=True)
    template = templates.filter(language=notification.language).first() or templates.filter(language="en").first()
    if template is None:
        raise channels.SendFailed("No active template for this message.", retry=False, code="no-template")
    message = channels.OutgoingMessage(
        channel=notification.channel,
        to=notification.recipient,
        template=template,
        params=template_params(notification),
        # The same key on every attempt: a provider that takes one sends a retried row once; Meta returns it on
        # every status webhook (biz_opaque_callback_data).
        idempotency_key=f"dmphysios-notification-{notification.pk}",
    )
    return channels.send(message)


def template_params(notification: Notification) -> list[str]:
    """The values a registered SMS or WhatsApp template fills in, in order (appointments/seeds.py MESSAGE_TEXTS):
    first name, then the reference and call-back hours (acknowledgement) or the date and time. DLT allows 40
    characters a value."""
    booking, appointment = notification.booking_request, notification.appointment
    first_name = (booking.patient_name or booking.full_name).split()[0][:40]
    if appointment is None:
        return [first_name, booking.reference, str(settings.BOOKING_CALLBACK_WORKING_HOURS)]
    local = timezone.localtime(appointment.starts_at)
    return [first_name, f"{local:%a %-d %b}", f"{local:%-I:%M %p}".lower()]


def fail(notification: Notification, error: Exception) -> None:
    """Record the failure: retried after a backoff, or given up when the provider says retrying is useless."""
    retry = getattr(error, "retry", True)
    code = getattr(error, "code", "")
    detail = f"{type(error).__name__}: {code or error}"[:2000]
    claimed(notification.pk).update(
        state=State.FAILED,
        last_error=detail,
        next_attempt_at=notification.retry_at(timezone.now()),
        claimed_at=None,
        gave_up=not retry,
    )
    # The error text may quote the recipient: it stays in the database, not in the log.
    logger.warning("Notification %s (%s) failed: %s", notification.pk, notification.kind, type(error).__name__)


def claimed(pk: int):
    return Notification.objects.filter(pk=pk, state=State.SENDING)


# The patient's confirmation from before the diary renders from the appointment its time moved into.
APPOINTMENT_KINDS = (
    Kind.PATIENT_CONFIRMATION,
    Kind.APPOINTMENT_BOOKED,
    Kind.APPOINTMENT_MOVED,
    Kind.APPOINTMENT_CANCELLED,
    *Notification.REMINDERS,
)


def build_message(notification: Notification) -> EmailMessage:
    booking = notification.booking_request
    appointment = notification.appointment or (
        Appointment.objects.filter(booking_request=booking).select_related("visit_type").first()
    )
    context = {
        "booking": booking,
        "appointment": appointment,
        "manage_url": manage_url(appointment) if appointment else "",
        "opt_out_url": opt_out_url(booking),
        "clinic": ClinicDetails.load(),
        "callback_hours": settings.BOOKING_CALLBACK_WORKING_HOURS,
    }
    template = f"appointments/email/{notification.kind}"
    with translation.override(notification.language):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}_body.txt", context)
    # The same Message-ID on every attempt: should a retry follow a send the server took but never confirmed,
    # mail programs show the two as one.
    headers = {"Message-ID": f"<notification-{notification.pk}@{settings.SITE_URL.split('//')[-1]}>"}
    message = EmailMessage(subject=subject, body=body, to=[notification.recipient], headers=headers)
    # A time that clashed in the move to the diary is no time to put in anyone's calendar.
    if notification.kind in APPOINTMENT_KINDS and appointment and appointment.status != Appointment.Status.TO_REBOOK:
        method = "; method=CANCEL" if appointment.status == Appointment.Status.CANCELLED else ""
        message.attach(f"{appointment.reference}.ics", appointment_file(appointment), f"text/calendar{method}")
    return message


def manage_url(appointment) -> str:
    """The patient's manage link, absolute (SITE_URL), with its signed token in the query string."""
    from .diary import manage_token

    try:
        page = reverse("appointments:appointment-manage")
    except NoReverseMatch:  # a site without the manage page yet still sends its messages
        return ""
    return f"{settings.SITE_URL}{page}?{urlencode({'t': manage_token(appointment)})}"


def resend(queryset) -> int:
    """Put rows back in the queue, due now, with a fresh count of attempts (not retired reminders)."""
    return (
        queryset.exclude(state=State.SENDING)
        .filter(retired_at__isnull=True)
        .update(
            state=State.PENDING,
            attempts=0,
            gave_up=False,
            next_attempt_at=timezone.now(),
            sent_at=None,
            claimed_at=None,
        )
    )


# Queueing (in the caller's transaction) ------------------------------------------------------------------------


def configured_channels() -> list[str]:
    """SMS and WhatsApp, those with a provider set up (appointments.channels)."""
    from . import channels

    return [channel for channel in channels.configured_channels() if channel != Channel.EMAIL]


def patient_channels(booking: BookingRequest) -> list[str]:
    """The channels the patient chose that can reach them now."""
    chosen = booking.message_channels or []
    texts = configured_channels() if any(c != Channel.EMAIL for c in chosen) else []
    usable = [Channel.EMAIL] * bool(booking.email) + [c for c in (Channel.SMS, Channel.WHATSAPP) if c in texts]
    return [channel for channel in usable if channel in chosen]


def recipient(booking: BookingRequest, channel: str) -> str:
    return booking.email if channel == Channel.EMAIL else booking.phone


def queue_patient_messages(booking: BookingRequest, kind: str, appointment=None) -> list[Notification]:
    """One row per channel the patient chose for this message, due now (a message the patient just asked for
    goes at once, night or day)."""
    rows = [
        Notification(
            booking_request=booking,
            appointment=appointment,
            channel=channel,
            kind=kind,
            language=booking.language,
            recipient=recipient(booking, channel),
        )
        for channel in patient_channels(booking)
    ]
    for row in rows:
        row.save()
    return rows


def queue_reminders(appointment: Appointment) -> list[Notification]:
    """Retire the appointment's reminders and schedule them afresh for its time (none once it is no longer to
    come). Called in the transaction that changes the appointment, with its row locked."""
    now = timezone.now()
    appointment.notifications.filter(kind__in=Notification.REMINDERS, retired_at__isnull=True).update(retired_at=now)
    booking = appointment.booking_request
    if booking is None or appointment.status not in REMINDED:
        return []
    rows = []
    for channel in patient_channels(booking):
        plan = [(Kind.APPOINTMENT_REMINDER, settings.REMINDER_HOURS)]
        if channel == Channel.WHATSAPP and settings.WHATSAPP_REMINDER_HOURS:
            plan.append((Kind.APPOINTMENT_REMINDER_SOON, settings.WHATSAPP_REMINDER_HOURS))
        for kind, hours in plan:
            at = reminder_time(appointment.starts_at, hours, channel)
            if at > now:  # booked too late for this one: the confirmation says it all
                rows.append(
                    Notification(
                        booking_request=booking,
                        appointment=appointment,
                        channel=channel,
                        kind=kind,
                        language=booking.language,
                        recipient=recipient(booking, channel),
                        next_attempt_at=at,
                    )
                )
    # The partial unique constraint keeps one live reminder per kind and channel, whoever schedules it.
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return rows


def reminder_time(starts_at: datetime, hours: int, channel: str) -> datetime:
    """`hours` before the visit; for SMS and WhatsApp never at night: a time in the quiet hours goes earlier."""
    at = starts_at - timedelta(hours=hours)
    if channel == Channel.EMAIL or not is_quiet(at):
        return at
    local = timezone.localtime(at)
    evening = local.date() if local.time() >= QUIET_STARTS else local.date() - timedelta(days=1)
    return datetime.combine(evening, EARLIER, tzinfo=local.tzinfo)


def is_quiet(moment: datetime) -> bool:
    local = timezone.localtime(moment).time()
    return local >= QUIET_STARTS or local < QUIET_ENDS


def next_morning(moment: datetime) -> datetime:
    local = timezone.localtime(moment)
    day = local.date() + timedelta(days=1) if local.time() >= QUIET_STARTS else local.date()
    return datetime.combine(day, QUIET_ENDS, tzinfo=local.tzinfo)


# Opting out ------------------------------------------------------------------------------------------------------


def opt_out_token(booking: BookingRequest) -> str:
    return signing.dumps(booking.reference, salt=OPT_OUT_SALT)


def opt_out_url(booking: BookingRequest) -> str:
    """The link that stops messages, its signed token in the query string (which the access log leaves out)."""
    query = urlencode({"t": opt_out_token(booking)})
    return f"{settings.SITE_URL}{reverse('messages-opt-out')}?{query}"


def booking_for_opt_out(token: str) -> BookingRequest | None:
    try:
        reference = signing.loads(token, salt=OPT_OUT_SALT)
    except signing.BadSignature:
        return None
    return BookingRequest.objects.filter(reference=reference).first()


def withdraw(bookings, channels: list[str]) -> int:
    """The patient no longer wants messages on these channels: forget the choice, retire what is waiting."""
    changed = 0
    for booking in bookings:
        kept = [c for c in booking.message_channels if c not in channels]
        if kept != booking.message_channels:
            BookingRequest.objects.filter(pk=booking.pk).update(message_channels=kept)
            changed += 1
        waiting = Q(state__in=[State.PENDING, State.FAILED], retired_at__isnull=True)
        booking.notifications.filter(waiting, channel__in=channels).update(retired_at=timezone.now())
    return changed
