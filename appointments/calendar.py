"""A small RFC 5545 writer: one appointment as an .ics file, in IST, with a UID that never changes."""

from datetime import UTC

from django.utils import timezone

from clinic.models import ClinicDetails

from .models import BookingRequest

TZID = "Asia/Kolkata"
# Asia/Kolkata has had no daylight saving since 1945: one STANDARD rule describes it.
VTIMEZONE = [
    "BEGIN:VTIMEZONE",
    f"TZID:{TZID}",
    "BEGIN:STANDARD",
    "DTSTART:19700101T000000",
    "TZOFFSETFROM:+0530",
    "TZOFFSETTO:+0530",
    "TZNAME:IST",
    "END:STANDARD",
    "END:VTIMEZONE",
]


def escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        # A lone carriage return is a line break to some calendar programs: it must not start a property.
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545, 3.1)."""
    parts, current, size = [], "", 0
    for char in line:
        width = len(char.encode())
        if size + width > 75:
            parts.append(current)
            current, size = " ", 1
        current += char
        size += width
    parts.append(current)
    return "\r\n".join(parts)


def local_stamp(moment) -> str:
    return timezone.localtime(moment, timezone.get_fixed_timezone(330)).strftime("%Y%m%dT%H%M%S")


def utc_stamp(moment) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def appointment_calendar(booking: BookingRequest) -> bytes:
    clinic = ClinicDetails.load()
    with_whom = f" with {booking.physiotherapist}" if booking.physiotherapist else ""
    description = (
        f"Booking reference {booking.reference}. Physiotherapy appointment{with_whom}. "
        f"Times are IST. To change or cancel, call {clinic.phone}."
    )
    event = [
        "BEGIN:VEVENT",
        f"UID:{booking.reference}@dmphysios.in",
        # Each save may move the appointment; calendars keep the copy with the highest SEQUENCE.
        f"SEQUENCE:{int((booking.updated_at - booking.created_at).total_seconds())}",
        f"DTSTAMP:{utc_stamp(booking.updated_at)}",
        f"DTSTART;TZID={TZID}:{local_stamp(booking.appointment_at)}",
        f"DTEND;TZID={TZID}:{local_stamp(booking.appointment_ends_at)}",
        f"SUMMARY:{escape(f'Physiotherapy appointment at {clinic.name}')}",
        f"LOCATION:{escape(clinic.one_line_address())}",
        f"DESCRIPTION:{escape(description)}",
        "STATUS:CONFIRMED",
        "END:VEVENT",
    ]
    # No METHOD: it would make the file an iTIP message, and RFC 5546 wants an ORGANIZER in a PUBLISH. A plain
    # file to import is all a patient needs.
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//DMPhysios//Booking requests//EN", "CALSCALE:GREGORIAN"]
    lines += [*VTIMEZONE, *event, "END:VCALENDAR"]
    return ("\r\n".join(fold(line) for line in lines) + "\r\n").encode()


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
