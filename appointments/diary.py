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
from .models import Appointment, BookingPolicy, BookingRequest, BookingWindow, Notification, TimeOfDay, VisitType

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
    """The free times closest to `starts_at` over the next few days, in time order."""
    day = timezone.localdate(starts_at)
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
        # A confirmed request must name its time and physiotherapist (booking_request_booked_has_time_and_physio)
        # until the time lives in the appointment only; appointment_move keeps the copy in step.
        booking.appointment_at, booking.physiotherapist = held.starts_at, held.physiotherapist
        booking, created = booking_request_create(
            booking=booking, client_ip=client_ip, form_token=form_token, appointment=held
        )
        if not created:
            return booking.appointment
        held.booking_request = booking
        held.status = Appointment.Status.BOOKED if policy.confirm_online_bookings else Appointment.Status.PENDING
        held.hold_expires_at = None
        held.save()
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
        BookingRequest.objects.filter(pk=locked.booking_request_id).update(status=BookingRequest.Status.CANCELLED)
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
    if not is_free(locked.visit_type, person, starts_at, exclude=locked.pk):
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
    # The request's copy of the time (see appointment_book), while it has one.
    BookingRequest.objects.filter(appointment=locked).update(appointment_at=starts_at, physiotherapist=person)
    _tell_patient(locked, Notification.Kind.APPOINTMENT_MOVED)
    return locked


def _check_self_service(appointment: Appointment):
    cutoff = appointment.starts_at - BookingPolicy.load().self_service_cutoff
    if timezone.now() >= cutoff:
        raise NotAllowed("It is too close to the appointment to change it online: please call us.")


def _tell_patient(appointment: Appointment, kind: str):
    from .services import send_after_commit

    booking = appointment.booking_request
    if booking is None or not booking.email:
        return
    notification = Notification.objects.create(booking_request=booking, kind=kind, recipient=booking.email)
    send_after_commit([notification])


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
        if conflict := staff_conflict(physiotherapist, visit_type, starts_at):
            raise NotAllowed(conflict)
        appointment = Appointment(physiotherapist=physiotherapist, booking_request=booking_request)
        appointment.set_time(starts_at, visit_type)
        if not _insert(appointment, timezone.now()):
            raise NotAllowed(staff_conflict(physiotherapist, visit_type, starts_at) or "That time was just taken.")
        if booking_request is not None:
            booking_request.status = BookingRequest.Status.CONFIRMED
            booking_request.save(update_fields=["status", "updated_at"])
            _tell_patient(appointment, Notification.Kind.APPOINTMENT_BOOKED)
    return appointment
