"""An appointment in the diary as an .ics file, in IST, with a UID that never changes."""

from django.utils import timezone

from clinic.models import ClinicDetails


def appointment_file(appointment) -> bytes:
    """An appointment in the diary as a calendar file (icalendar). Its UID never changes; SEQUENCE grows with each
    change the patient is told of; a cancellation is METHOD:CANCEL with the ORGANIZER RFC 5546 asks for it."""
    import icalendar

    clinic = ClinicDetails.load()
    cancelled = appointment.status == appointment.Status.CANCELLED
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//DMPhysios//Diary//EN")
    calendar.add("version", "2.0")
    event = icalendar.Event()
    event.add("uid", f"{appointment.reference}@dmphysios.in")
    event.add("sequence", appointment.sequence)
    event.add("dtstamp", appointment.updated_at or timezone.now())
    event.add("dtstart", timezone.localtime(appointment.starts_at))
    event.add("dtend", timezone.localtime(appointment.ends_at))
    event.add("summary", f"{appointment.visit_type.name} at {clinic.name}")
    event.add("location", clinic.one_line_address())
    event.add(
        "description",
        f"Booking reference {appointment.reference}, with {appointment.physiotherapist}. Times are IST. "
        f"To change or cancel, use the link in your e-mail or call {clinic.phone}.",
    )
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if cancelled:
        calendar.add("method", "CANCEL")
        event.add("organizer", f"mailto:{clinic.email}", parameters={"cn": clinic.name})
        if appointment.booking_request and appointment.booking_request.email:
            event.add("attendee", f"mailto:{appointment.booking_request.email}")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
