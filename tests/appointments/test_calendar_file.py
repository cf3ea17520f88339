"""The calendar file a patient gets is an event any calendar program can import; a change keeps its UID."""

import icalendar
import pytest

from appointments.calendar import appointment_file
from appointments.diary import appointment_cancel
from appointments.models import Appointment, BookingRequest, Notification
from appointments.notifications import build_message
from clinic.models import ClinicDetails
from tests.appointments.conftest import WEDNESDAY_MORNING
from tests.appointments.diary import appointment, physiotherapist, visit_type
from tests.appointments.test_admin import make_request

pytestmark = pytest.mark.usefixtures("booking_db")


@pytest.fixture
def confirmed():
    """A confirmed request's appointment: Thursday 3 December 2026, 10:00 IST."""
    booking = make_request(email="priya@example.com")
    BookingRequest.objects.filter(pk=booking.pk).update(status=BookingRequest.Status.CONFIRMED)
    physio = physiotherapist("Dr. A. Sharma (PT)")
    return appointment(physio, visit_type(), WEDNESDAY_MORNING.replace(day=3), booking_request=booking)


def parsed(ics):
    calendar = icalendar.Calendar.from_ical(ics)
    [event] = calendar.walk("VEVENT")
    return calendar, event


def test_the_file_names_no_itip_method_without_the_organizer_rfc_5546_requires_for_it(confirmed):
    calendar, event = parsed(appointment_file(confirmed))
    assert "METHOD" not in calendar or "ORGANIZER" in event
    assert event["STATUS"] == "CONFIRMED"
    assert event.decoded("DTSTART") == WEDNESDAY_MORNING.replace(day=3)


def test_a_cancellation_says_so_with_the_organizer_under_the_same_uid_and_a_higher_sequence(confirmed):
    _, before = parsed(appointment_file(confirmed))
    cancelled = appointment_cancel(appointment=confirmed, by_patient=False)
    calendar, event = parsed(appointment_file(cancelled))
    assert calendar["METHOD"] == "CANCEL"
    assert event["STATUS"] == "CANCELLED"
    assert str(event["ORGANIZER"]) == f"mailto:{ClinicDetails.load().email}"
    assert event["UID"] == before["UID"] == f"{confirmed.reference}@dmphysios.in"
    assert event["SEQUENCE"] > before["SEQUENCE"]


def confirmation(appointment):
    """A patient's confirmation queued before the diary, as the old admin left it in the outbox."""
    booking = appointment.booking_request
    return Notification(booking_request=booking, kind=Notification.Kind.PATIENT_CONFIRMATION, recipient=booking.email)


def test_a_confirmation_queued_before_the_diary_tells_of_the_appointment_with_its_calendar_file(confirmed):
    message = build_message(confirmation(confirmed))
    assert "3 December 2026 at 10:00 IST" in message.subject
    assert "Thursday 3 December 2026, 10:00 IST" in message.body
    assert "Dr. A. Sharma (PT)" in message.body
    [(filename, content, mimetype)] = message.attachments
    assert filename == f"{confirmed.reference}.ics"
    assert mimetype == "text/calendar"
    assert content == appointment_file(confirmed).decode()  # Django keeps a text/* attachment as text


def test_a_confirmation_whose_time_clashed_asks_for_a_new_time_and_puts_nothing_in_the_calendar(confirmed):
    Appointment.objects.filter(pk=confirmed.pk).update(status=Appointment.Status.TO_REBOOK)
    message = build_message(confirmation(confirmed))
    assert "needs a new time" in message.subject
    assert "clashed with another visit, so we need to find you a new one" in message.body
    assert message.attachments == []
