"""The diary's seed data for a fresh install: visit types, the booking policy, and two placeholder
physiotherapists with working hours, so `make run` books a time end to end. The physiotherapists are marked as
placeholders: the live site never offers them to patients (BOOKING_OFFERS_PLACEHOLDERS) until staff replace them."""

import re
from datetime import time

from clinic.models import Physiotherapist, Weekday, WorkingHours

from .models import BookingPolicy, MessageChannel, MessageTemplate, VisitType

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


# The texts to register with DLT (SMS) and Meta (WhatsApp), in English; the ids are placeholders until then.
# Values, in order: patient_ack takes first name, reference and call-back hours; the others take first name, date
# and time (e.g. "Mon 3 Mar", "10:30 am"). Each value is at most 40 characters (MSG91's limit).
MESSAGE_TEXTS = {
    "patient_ack": "Dear {1}, DMPhysios has your request {2}. We will call you within {3} working hours.",
    "appt_booked": "Dear {1}, your DMPhysios physiotherapy appointment is booked for {2} at {3}.",
    "appt_moved": "Dear {1}, your DMPhysios appointment has moved to {2} at {3}.",
    "appt_cancelled": "Dear {1}, your DMPhysios appointment on {2} at {3} is cancelled.",
    "reminder_24h": "Dear {1}, a reminder of your DMPhysios appointment tomorrow, {2} at {3}.",
    "reminder_2h": "Dear {1}, your DMPhysios appointment is today, {2} at {3}. See you soon.",
}
PLACEHOLDER_TEMPLATE_ID = "PLACEHOLDER: register with DLT / Meta"


def seed_message_templates() -> int:
    """English SMS and WhatsApp texts for every kind not yet there; returns how many were added."""
    added = 0
    for kind, text in MESSAGE_TEXTS.items():
        for channel, variable in [(MessageChannel.SMS, "{#var#}"), (MessageChannel.WHATSAPP, "{{\\1}}")]:
            registered = re.sub(r"\{(\d)\}", variable, text)
            _, created = MessageTemplate.objects.get_or_create(
                channel=channel,
                kind=kind,
                language=MessageTemplate.Language.ENGLISH,
                defaults={"text": registered, "provider_template_id": PLACEHOLDER_TEMPLATE_ID},
            )
            added += created
    return added
