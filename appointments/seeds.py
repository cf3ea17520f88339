"""The diary's seed data for a fresh install: visit types, the booking policy, and two placeholder
physiotherapists with working hours, so `make run` books a time end to end. The physiotherapists are marked as
placeholders: the live site never offers them to patients (BOOKING_OFFERS_PLACEHOLDERS) until staff replace them."""

from datetime import time

from clinic.models import Physiotherapist, Weekday, WorkingHours

from .models import BookingPolicy, VisitType

VISIT_TYPES = [
    {"slug": "first-assessment", "name": "First assessment", "kind": "new", "duration_minutes": 60,
     "buffer_minutes": 15, "position": 0,
     "description": "For new patients, or a new problem: we examine you and plan your treatment."},
    {"slug": "follow-up", "name": "Follow-up session", "kind": "follow_up", "duration_minutes": 45,
     "buffer_minutes": 15, "position": 1, "description": "For patients continuing a treatment plan."},
]  # fmt: skip
WEEKDAYS = [Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY, Weekday.FRIDAY]
PLACEHOLDERS = [
    # (name, weekday spans, Saturday span): inside the seeded opening hours, one in the mornings, one later.
    ("PLACEHOLDER: Physiotherapist A (staff to replace)", [("09:00", "13:30"), ("16:30", "18:30")], ("09:00", "14:00")),
    ("PLACEHOLDER: Physiotherapist B (staff to replace)", [("10:00", "13:30"), ("16:30", "20:30")], None),
]


def seed_diary() -> bool:
    """Seed an empty diary; False (nothing done) when visit types exist already."""
    if VisitType.objects.exists():
        return False
    for fields in VISIT_TYPES:
        VisitType.objects.create(**fields)
    if not BookingPolicy.objects.exists():
        BookingPolicy.load().save()
    for name, spans, saturday in PLACEHOLDERS:
        person = Physiotherapist.objects.create(name=name, qualification="PLACEHOLDER", is_placeholder=True)
        days = [(weekday, span) for weekday in WEEKDAYS for span in spans]
        days += [(Weekday.SATURDAY, saturday)] if saturday else []
        for weekday, (starts, ends) in days:
            WorkingHours.objects.create(
                physiotherapist=person,
                weekday=weekday,
                starts=time.fromisoformat(starts),
                ends=time.fromisoformat(ends),
            )
    return True
