"""Builders for diary tests: physiotherapists with working hours, visit types, appointments."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from appointments.models import Appointment, BookingPolicy, VisitType
from clinic.models import Physiotherapist, WorkingHours

IST = ZoneInfo("Asia/Kolkata")
WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}


def at(day: str, clock: str) -> datetime:
    """at("2026-12-03", "09:15") → that moment in IST."""
    return datetime.combine(datetime.fromisoformat(day).date(), time.fromisoformat(clock), tzinfo=IST)


def physiotherapist(name="Dr. Test Physio", hours=(), **fields):
    """hours: ("thu", "09:00", "13:00"), … ; "all" for every weekday."""
    person = Physiotherapist.objects.create(name=name, qualification="MPT", **fields)
    for day, starts, ends in hours:
        for weekday in WEEKDAYS.values() if day == "all" else [WEEKDAYS[day]]:
            WorkingHours.objects.create(
                physiotherapist=person,
                weekday=weekday,
                starts=time.fromisoformat(starts),
                ends=time.fromisoformat(ends),
            )
    return person


def visit_type(duration=60, buffer=15, slug=None, kind="new", name=None):
    slug = slug or f"visit-{duration}-{buffer}"
    return VisitType.objects.get_or_create(
        slug=slug,
        defaults={"name": name or f"Visit of {duration} min", "kind": kind, "duration_minutes": duration,
                  "buffer_minutes": buffer},
    )[0]  # fmt: skip


def appointment(person, visit, starts_at, status=Appointment.Status.BOOKED, **fields):
    booked = Appointment(physiotherapist=person, status=status, **fields)
    booked.set_time(starts_at, visit)
    if status == Appointment.Status.HELD and "hold_expires_at" not in fields:
        booked.hold_expires_at = timezone.now() + timedelta(minutes=10)
    booked.save()
    return booked


def policy(**fields):
    """The booking policy with these fields changed."""
    current = BookingPolicy.load()
    for name, value in fields.items():
        setattr(current, name, value)
    current.save()
    return current
