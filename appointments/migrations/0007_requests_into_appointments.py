"""The time of each confirmed call-back request moves into an appointment of the diary, where times live now.

A confirmed request becomes a booked appointment, a completed or no-show one an appointment in that status, with
the seeded visit type of the request's kind. One whose time overlaps an appointment already in the diary (an earlier
request migrated, or a time booked since the diary arrived) comes in as "to rebook": it holds no time, and the admin
lists it for the front desk. Visits that happened are migrated first, then the rest in the order they were asked for.

The appointment takes the request's reference where it is free, and SEQUENCE from where the request's calendar file
left it: the patient's calendar then updates the event it already has when the time is moved or cancelled.

Requests in other statuses that had a time noted keep it in their staff notes.
"""

from datetime import timedelta

from django.db import migrations
from django.utils import timezone

# As appointments/seeds.py had them: a migration must not change when the seeds do.
VISIT_TYPES = {
    "new": {"slug": "first-assessment", "name": "First assessment", "kind": "new", "duration_minutes": 60,
            "buffer_minutes": 15, "position": 0,
            "description": "For new patients, or a new problem: we examine you and plan your treatment."},
    "follow_up": {"slug": "follow-up", "name": "Follow-up session", "kind": "follow_up", "duration_minutes": 45,
                  "buffer_minutes": 15, "position": 1, "description": "For patients continuing a treatment plan."},
}
STATUS_FOR = {"completed": "completed", "no_show": "no_show", "confirmed": "booked"}
HAPPENED = ("completed", "no_show")
HOLDS_TIME = ["held", "pending", "booked", "completed", "no_show"]
TO_REBOOK = "to_rebook"


def requests_into_appointments(apps, schema_editor):
    BookingRequest = apps.get_model("appointments", "BookingRequest")
    timed = BookingRequest.objects.filter(
        appointment_at__isnull=False, physiotherapist__isnull=False, appointment__isnull=True
    ).select_related("physiotherapist")
    for booking in sorted(timed.filter(status__in=STATUS_FOR), key=migration_order):
        migrate_request(apps, booking)
    for booking in timed.exclude(status__in=STATUS_FOR):
        note_time(booking)


def migration_order(booking):
    return (booking.status not in HAPPENED, booking.created_at, booking.pk)


def migrate_request(apps, booking):
    Appointment = apps.get_model("appointments", "Appointment")
    visit_type = seeded_visit_type(apps, booking.visit_type)
    starts_at = booking.appointment_at
    ends_at = starts_at + timedelta(minutes=visit_type.duration_minutes)
    blocked_until = ends_at + timedelta(minutes=visit_type.buffer_minutes)
    clashes = Appointment.objects.filter(
        physiotherapist_id=booking.physiotherapist_id,
        status__in=HOLDS_TIME,
        starts_at__lt=blocked_until,
        blocked_until__gt=starts_at,
    ).exists()
    reference = booking.reference
    if Appointment.objects.filter(reference=reference).exists():
        reference = Appointment._meta.get_field("reference").default()
    Appointment.objects.create(
        reference=reference,
        status=TO_REBOOK if clashes else STATUS_FOR[booking.status],
        physiotherapist_id=booking.physiotherapist_id,
        visit_type=visit_type,
        starts_at=starts_at,
        ends_at=ends_at,
        blocked_until=blocked_until,
        booking_request=booking,
        # The old calendar file's SEQUENCE: the seconds from the request's creation to its last change.
        sequence=max(int((booking.updated_at - booking.created_at).total_seconds()), 0),
        created_at=booking.updated_at,
    )


def seeded_visit_type(apps, kind):
    VisitType = apps.get_model("appointments", "VisitType")
    fields = VISIT_TYPES[kind]
    return VisitType.objects.filter(slug=fields["slug"]).first() or VisitType.objects.create(**fields)


def note_time(booking):
    """A time typed on a request never confirmed (or since cancelled) stays in its notes, for staff only."""
    when = timezone.localtime(booking.appointment_at).strftime("%a %d %b %Y %H:%M")
    line = f"Before the diary, this request had the time {when} IST with {booking.physiotherapist.name}."
    booking.internal_notes = f"{booking.internal_notes}\n\n{line}".strip()
    booking.save(update_fields=["internal_notes"])


def appointments_into_requests(apps, schema_editor):
    """Back to times on requests (as 0006 expects them); the appointments stay, and are not migrated again."""
    Appointment = apps.get_model("appointments", "Appointment")
    BookingRequest = apps.get_model("appointments", "BookingRequest")
    for appointment in Appointment.objects.filter(booking_request__isnull=False):
        BookingRequest.objects.filter(pk=appointment.booking_request_id).update(
            appointment_at=appointment.starts_at, physiotherapist_id=appointment.physiotherapist_id
        )


class Migration(migrations.Migration):

    dependencies = [
        ('appointments', '0006_remove_booked_has_time_constraint'),
    ]

    operations = [
        migrations.RunPython(requests_into_appointments, appointments_into_requests),
    ]
