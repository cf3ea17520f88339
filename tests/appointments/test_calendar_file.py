"""The calendar file a confirmed patient gets is a plain event that any calendar program can import."""

import pytest

from appointments.calendar import appointment_calendar
from appointments.models import BookingRequest, Notification
from appointments.notifications import build_message
from clinic.models import Physiotherapist
from tests.appointments.conftest import WEDNESDAY_MORNING
from tests.appointments.test_admin import make_request

pytestmark = pytest.mark.usefixtures("booking_db")


@pytest.fixture
def confirmed():
    booking = make_request(email="priya@example.com")
    physio = Physiotherapist.objects.create(name="Dr. A. Sharma (PT)", qualification="MPT")
    BookingRequest.objects.filter(pk=booking.pk).update(
        appointment_at=WEDNESDAY_MORNING.replace(day=3), physiotherapist=physio, status="confirmed"
    )
    booking.refresh_from_db()
    return booking


def property_names(ics):
    """The name of each property line; a line starting with a space continues the one before."""
    return [line.split(":", 1)[0].split(";", 1)[0] for line in ics.split("\r\n") if line and not line.startswith(" ")]


def test_the_file_names_no_itip_method_without_the_organizer_rfc_5546_requires_for_it(confirmed):
    ics = appointment_calendar(confirmed).decode()
    names = property_names(ics)
    assert "METHOD" not in names or "ORGANIZER" in names
    assert "\r\nBEGIN:VEVENT\r\n" in ics


def test_the_confirmation_email_attaches_the_file_as_a_plain_calendar(confirmed):
    notification = Notification(
        booking_request=confirmed, kind=Notification.Kind.PATIENT_CONFIRMATION, recipient=confirmed.email
    )
    [(filename, content, mimetype)] = build_message(notification).attachments
    assert filename == f"{confirmed.reference}.ics"
    assert mimetype == "text/calendar"
    assert content == appointment_calendar(confirmed).decode()  # Django keeps a text/* attachment as text
