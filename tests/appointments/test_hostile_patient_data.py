"""What patients type (and staff details that reach files) stays inert: admin, CSV, e-mail, calendar, JSON-LD."""

import csv
import io
import json
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
from bs4 import BeautifulSoup
from django.core import mail

from appointments.calendar import appointment_file
from appointments.models import BookingRequest, NotificationRecipient
from clinic.models import ClinicDetails, Physiotherapist
from tests.appointments.booking import send
from tests.web.test_hostile_input import HOSTILE, assert_inert, hostile_condition

WEDNESDAY_MORNING = datetime(2026, 12, 2, 10, 0, tzinfo=ZoneInfo("Asia/Kolkata"))
FORMULA_STARTS = ("=", "+", "-", "@")


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(WEDNESDAY_MORNING, tick=False)
    return time_machine


@pytest.fixture
def sent(seeded, clock, client, django_capture_on_commit_callbacks):
    """Send one booking request with hostile text in the name and message; e-mails go out as in production."""
    NotificationRecipient.objects.create(email="frontdesk@dmphysios.test", description="Front desk")

    def sender(text):
        with django_capture_on_commit_callbacks(execute=True):
            response = send(client, clock, full_name=text[:100], message=text[:2000], email="priya@example.com")
        assert response.status_code in (200, 302)
        return response

    return sender


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_patient_answers_are_inert_in_the_admin_the_csv_export_and_the_emails(sent, staff_client, text):
    response = sent(text)
    if response.status_code == 200:  # refused by the form's own validation: nothing saved, nothing to show
        assert not BookingRequest.objects.exists()
        return
    booking = BookingRequest.objects.get()
    for url in ("/admin/appointments/bookingrequest/", f"/admin/appointments/bookingrequest/{booking.pk}/change/"):
        page = staff_client.get(url)
        assert page.status_code == 200
        assert_inert(page.content.decode())

    export = staff_client.post(
        "/admin/appointments/bookingrequest/", {"action": "export_csv", "_selected_action": [booking.pk]}
    )
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    # A validated phone number in E.164 form (+91…) is a plain number to a spreadsheet, not a formula.
    formulas = [cell for row in rows[1:] for cell in row if cell.startswith(FORMULA_STARTS)]
    assert [cell for cell in formulas if not re.fullmatch(r"\+\d{8,15}", cell)] == []

    assert mail.outbox, "the clinic alert and the patient's acknowledgement were sent"
    for message in mail.outbox:
        raw = message.message().as_string()
        headers = raw.split("\n\n", 1)[0]
        assert "victim@example.com" not in headers
        assert "\r" not in message.subject and "\n" not in message.subject


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_staff_details_cannot_add_lines_to_a_calendar_file(seeded, clock, text):
    ClinicDetails.objects.filter(pk=1).update(name=text[:100], street_address=text[:180] + "\rX-INJECTED:1")
    physio = Physiotherapist.objects.create(name=text[:100], qualification="MPT")
    from tests.appointments.diary import appointment, visit_type
    from tests.appointments.test_admin import make_request

    booked = appointment(physio, visit_type(name=text[:60]), WEDNESDAY_MORNING.replace(day=3),
                         booking_request=make_request(email="priya@example.com"))  # fmt: skip
    ics = appointment_file(booked).decode()
    lines = ics.split("\r\n")
    properties = [line.split(":", 1)[0].split(";", 1)[0] for line in lines if line and not line.startswith(" ")]
    assert "BCC" not in properties
    assert "X-INJECTED" not in properties
    assert not [line for line in lines if "\n" in line or "\r" in line]
    assert properties.count("DESCRIPTION") == 1
    assert len(icalendar.Calendar.from_ical(ics).walk("VEVENT")) == 1


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_content_in_structured_data_stays_data(client, db, text):
    condition = hostile_condition(text)
    soup = BeautifulSoup(client.get(condition.get_absolute_url()).content, "html.parser")
    blocks = soup.find_all("script", type="application/ld+json")
    assert blocks, "the condition page carries JSON-LD"
    for block in blocks:
        raw = block.string
        assert "</script" not in raw.lower()
        assert "<" not in raw, "angle brackets are escaped inside JSON-LD"
        json.loads(raw)
