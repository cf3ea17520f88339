"""Writes to the diary: hold a time, book it, move it, cancel it. Each is one atomic function that checks the time
with the one availability rule inside its transaction; on PostgreSQL the exclusion constraint settles any race,
and a lost race is TimeTaken with the nearest free times, never a 500."""

import hashlib
import hmac
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from .availability import free_times, is_free
from .models import (
    HOLDS_TIME,
    Appointment,
    BookingPolicy,
    BookingRequest,
    BookingWindow,
    Notification,
    TimeOfDay,
    VisitType,
)

MANAGE_SALT = "appointments.manage-link"
NEAREST = 6


class TimeTaken(Exception):
    """The time is no longer free (taken meanwhile, or a hold that lapsed); `nearest` are free times near it."""

    def __init__(self, nearest):
        super().__init__("That time was just taken.")
        self.nearest = nearest


class TooManyHolds(Exception):
    """This address already holds as many times as BOOKING_HOLDS_PER_ADDRESS allows."""


class NotAllowed(Exception):
    """The change is not one the status table or the self-service cut-off allows; the message says why."""


def visitor_mark(value: str) -> str:
    """A keyed hash of a session key or an address: enough to count holds, and reveals neither."""
    return hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()[:32]


def nearest_free(visit_type, starts_at, physiotherapist=None, count=NEAREST):
    """The free times closest to `starts_at` over the next few days, in time order (from today up to the horizon,
    whatever time was asked for)."""
    today = timezone.localdate()
    horizon = today + timedelta(days=BookingPolicy.load().horizon_days)
    day = min(max(timezone.localdate(starts_at), today), horizon)
    options = free_times(visit_type, day, day + timedelta(days=3), physiotherapist)
    closest = sorted(options, key=lambda free: abs(free.starts_at - starts_at))[:count]
    return sorted(closest, key=lambda free: free.starts_at)


def appointment_hold(
    *, visit_type: VisitType, starts_at, physiotherapist=None, session_key: str, client_ip: str
) -> Appointment:
    """Keep a free time for the policy's hold minutes while the patient gives their details. With no
    physiotherapist named, anyone free then. The session's earlier hold is let go: one patient, one held time."""
    policy, now = BookingPolicy.load(), timezone.now()
    session, address = visitor_mark(session_key), visitor_mark(client_ip)
    with transaction.atomic():
        active = Appointment.objects.filter(status=Appointment.Status.HELD, hold_expires_at__gt=now)
        active.filter(held_by_session=session).update(status=Appointment.Status.EXPIRED)
        if active.filter(held_from_address=address).count() >= settings.BOOKING_HOLDS_PER_ADDRESS:
            raise TooManyHolds
        day = timezone.localdate(starts_at)
        candidates = [
            free.physiotherapist
            for free in free_times(visit_type, day, day, physiotherapist, now=now, policy=policy)
            if free.starts_at == starts_at
        ]
        hold = Appointment(
            status=Appointment.Status.HELD,
            hold_expires_at=now + policy.hold,
            held_by_session=session,
            held_from_address=address,
        )
        for person in candidates:
            hold.physiotherapist = person
            hold.set_time(starts_at, visit_type)
            if _insert(hold, now):
                return hold
    raise TimeTaken(nearest_free(visit_type, starts_at, physiotherapist))


def _insert(appointment: Appointment, now) -> bool:
    """Save a new appointment in a savepoint; False when another took the time first (PostgreSQL's constraint)."""
    lapsed = Appointment.objects.filter(
        physiotherapist=appointment.physiotherapist, status=Appointment.Status.HELD, hold_expires_at__lte=now
    )
    # A lapsed hold still counts for the constraint, which cannot know the time: mark it before taking its time.
    lapsed.overlapping(appointment.starts_at, appointment.blocked_until).update(status=Appointment.Status.EXPIRED)
    try:
        with transaction.atomic():
            appointment.pk = None
            appointment.reference = Appointment._meta.get_field("reference").default()
            appointment.save(force_insert=True)
        return True
    except IntegrityError:
        return False


def hold_for_session(reference: str, session_key: str) -> Appointment | None:
    """The held (or already booked) appointment with this reference, if this browser session made it."""
    appointment = Appointment.objects.select_related("visit_type", "physiotherapist").filter(reference=reference)
    return appointment.filter(held_by_session=visitor_mark(session_key)).first()


def appointment_book(*, hold: Appointment, booking: BookingRequest, client_ip: str, form_token: str) -> Appointment:
    """Turn a held time into a booked appointment for the patient whose details `booking` holds (unsaved, from
    the booking form): the request, its rate limits, the appointment and the e-mails in one transaction. A hold
    that lapsed is booked still when its time is free; TimeTaken when it is not."""
    from .services import booking_request_create

    policy, now = BookingPolicy.load(), timezone.now()
    with transaction.atomic():
        held = Appointment.objects.select_for_update().select_related("visit_type").get(pk=hold.pk)
        if held.booking_request_id:  # sent twice (a double click): the first one booked it
            return held
        if held.status != Appointment.Status.HELD or held.hold_expires_at <= now:
            if not _still_free(held, now):
                raise TimeTaken(nearest_free(held.visit_type, held.starts_at, None))
        local = timezone.localtime(held.starts_at)
        booking.visit_type = held.visit_type.kind
        booking.preferred_date, booking.preferred_time = local.date(), time_of_day(local)
        booking.status = BookingRequest.Status.CONFIRMED
        booking, created = booking_request_create(
            booking=booking, client_ip=client_ip, form_token=form_token, appointment=held
        )
        if not created:
            return booking.appointment
        held.booking_request = booking
        held.status = Appointment.Status.BOOKED if policy.confirm_online_bookings else Appointment.Status.PENDING
        held.hold_expires_at = None
        held.save()
        _tell_patient(held, None)  # the booked message went with the request: its reminders only
    return held


def _still_free(held: Appointment, now) -> bool:
    """A lapsed hold's time, if nobody took it meanwhile: hold it again (the constraint has the last word)."""
    held.status, held.hold_expires_at = Appointment.Status.HELD, now + BookingPolicy.load().hold
    if not is_free(held.visit_type, held.physiotherapist, held.starts_at, exclude=held.pk):
        return False
    try:
        with transaction.atomic():
            held.save()
        return True
    except IntegrityError:
        return False


def time_of_day(local) -> str:
    """The part of the day a time falls in, as the call-back request records it: the last window started by then."""
    started = [w.time_of_day for w in BookingWindow.objects.filter(starts__lte=local.time())]
    return started[-1] if started else TimeOfDay.MORNING


@transaction.atomic
def appointment_cancel(*, appointment: Appointment, reason: str = "", by_patient: bool) -> Appointment:
    """Cancel (the row stays, with its status and reason) and tell the patient, with a calendar cancellation."""
    locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if by_patient:
        _check_self_service(locked)
    if not locked.may_become(Appointment.Status.CANCELLED):
        raise NotAllowed(f"An appointment that is {locked.get_status_display().lower()} cannot be cancelled.")
    locked.status, locked.cancel_reason = Appointment.Status.CANCELLED, reason[:300]
    locked.sequence += 1
    locked.save()
    if locked.booking_request_id:
        locked.booking_request.follow(locked)
    _tell_patient(locked, Notification.Kind.APPOINTMENT_CANCELLED)
    return locked


@transaction.atomic
def appointment_move(*, appointment: Appointment, starts_at, physiotherapist=None, by_patient: bool) -> Appointment:
    """Move to another free time (with the same physiotherapist unless another is named) and tell the patient."""
    locked = Appointment.objects.select_for_update().select_related("visit_type").get(pk=appointment.pk)
    if by_patient:
        _check_self_service(locked)
    if locked.status not in (Appointment.Status.BOOKED, Appointment.Status.PENDING, Appointment.Status.TO_REBOOK):
        raise NotAllowed(f"An appointment that is {locked.get_status_display().lower()} cannot be moved.")
    person = physiotherapist or locked.physiotherapist
    if not by_patient:  # staff, as when booking, are held to the hours and other visits, not to the notice
        from .availability import staff_conflict

        if conflict := staff_conflict(person, locked.visit_type, starts_at, exclude=locked.pk):
            raise NotAllowed(conflict)
    elif not is_free(locked.visit_type, person, starts_at, exclude=locked.pk):
        raise TimeTaken(nearest_free(locked.visit_type, starts_at, person))
    locked.physiotherapist = person
    locked.set_time(starts_at)
    if locked.status == Appointment.Status.TO_REBOOK:
        locked.status = Appointment.Status.BOOKED
    locked.sequence += 1
    try:
        with transaction.atomic():
            locked.save()
    except IntegrityError:
        raise TimeTaken(nearest_free(locked.visit_type, starts_at, person)) from None
    _tell_patient(locked, Notification.Kind.APPOINTMENT_MOVED)
    return locked


@transaction.atomic
def appointment_set_status(*, appointment: Appointment, status: str) -> Appointment:
    """Staff record what happened (completed, no-show) or confirm a pending or to-rebook visit, by the status
    table; the request follows its appointment, and confirming tells the patient."""
    from .availability import staff_conflict

    locked = Appointment.objects.select_for_update().select_related("visit_type").get(pk=appointment.pk)
    if not locked.may_become(status):
        old, new = locked.get_status_display().lower(), Appointment.Status(status).label.lower()
        raise NotAllowed(f"An appointment that is {old} cannot become {new} (now).")
    if status in HOLDS_TIME and not locked.holds_time:
        if conflict := staff_conflict(locked.physiotherapist, locked.visit_type, locked.starts_at, exclude=locked.pk):
            raise NotAllowed(conflict)
    confirming = status == Appointment.Status.BOOKED
    locked.status = status
    locked.sequence += confirming
    try:
        with transaction.atomic():
            locked.save()
    except IntegrityError:
        raise NotAllowed("That time was just taken by another booking: choose another.") from None
    if locked.booking_request_id:
        locked.booking_request.follow(locked)
    if confirming:
        _tell_patient(locked, Notification.Kind.APPOINTMENT_BOOKED)
    return locked


def _check_self_service(appointment: Appointment):
    cutoff = appointment.starts_at - BookingPolicy.load().self_service_cutoff
    if timezone.now() >= cutoff:
        raise NotAllowed("It is too close to the appointment to change it online: please call us.")


def _tell_patient(appointment: Appointment, kind: str | None):
    """Queue the message on the patient's channels (sent by the worker once this commits), and schedule the
    appointment's reminders afresh: a move retires the old ones, a cancellation leaves none."""
    from .notifications import queue_patient_messages, queue_reminders
    from .services import send_after_commit

    booking = appointment.booking_request
    if booking is None:
        return
    queue_reminders(appointment)
    if kind:
        send_after_commit(queue_patient_messages(booking, kind, appointment))


def manage_token(appointment: Appointment) -> str:
    """The signed, unguessable part of the patient's manage link (it goes in the query string, which the access
    log leaves out)."""
    return signing.dumps(appointment.reference, salt=MANAGE_SALT)


def appointment_for_token(token: str) -> Appointment | None:
    """The appointment a manage link names; None when the link was tampered with or is too old."""
    max_age = timedelta(days=BookingPolicy.load().horizon_days + 30)
    try:
        reference = signing.loads(token, salt=MANAGE_SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    related = ("visit_type", "physiotherapist", "booking_request")
    return Appointment.objects.select_related(*related).filter(reference=reference).first()


def appointment_book_by_staff(
    *, physiotherapist, visit_type: VisitType, starts_at, booking_request: BookingRequest | None = None
) -> Appointment:
    """The front desk books a time (for a call-back request, when given): held to working and opening hours,
    closures, absences and other visits, not to the patients' notice or horizon. NotAllowed names the conflict."""
    from .availability import staff_conflict

    with transaction.atomic():
        if booking_request is not None:
            _check_bookable(booking_request)
        if conflict := staff_conflict(physiotherapist, visit_type, starts_at):
            raise NotAllowed(conflict)
        appointment = Appointment(physiotherapist=physiotherapist, booking_request=booking_request)
        appointment.set_time(starts_at, visit_type)
        if not _insert(appointment, timezone.now()):
            raise NotAllowed(staff_conflict(physiotherapist, visit_type, starts_at) or "That time was just taken.")
        if booking_request is not None:
            booking_request.follow(appointment)
            _tell_patient(appointment, Notification.Kind.APPOINTMENT_BOOKED)
    return appointment


def appointment_book_by_phone(
    *, physiotherapist, visit_type: VisitType, starts_at, patient: BookingRequest
) -> Appointment:
    """The front desk books a patient who called: their details (unsaved, consent given on the phone) are kept as a
    request, and the time is booked for it, in one transaction; the rules are the staff booking's."""
    from .privacy import PRIVACY_NOTICE_VERSION

    local = timezone.localtime(starts_at)
    with transaction.atomic():
        patient.visit_type = visit_type.kind
        patient.preferred_date, patient.preferred_time = local.date(), time_of_day(local)
        patient.consent_version, patient.consent_at = f"{PRIVACY_NOTICE_VERSION} (by phone)", timezone.now()
        patient.save()
        return appointment_book_by_staff(
            physiotherapist=physiotherapist, visit_type=visit_type, starts_at=starts_at, booking_request=patient
        )


def _check_bookable(booking_request: BookingRequest):
    """A request gets one appointment, and only while it may still become confirmed."""
    if existing := Appointment.objects.filter(booking_request=booking_request).first():
        raise NotAllowed(f"This request already has appointment {existing.reference}: move that one instead.")
    if not booking_request.may_become(BookingRequest.Status.CONFIRMED):
        status = booking_request.get_status_display().lower()
        raise NotAllowed(f"This request is {status}: it cannot be booked a time.")
