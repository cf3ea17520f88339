import json
import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from appointments.forms import BookingRequestForm
from appointments.models import BookingRequest
from appointments.privacy import PRIVACY_NOTICE_VERSION
from tests.appointments.booking import BOOK, VALID, error_next_to, form_stamp, page, send, text
from tests.client import Client

pytestmark = pytest.mark.usefixtures("booking_db")


def test_the_book_button_on_a_condition_page_opens_the_form_with_that_condition_chosen(client):
    condition_page = page(client.get("/conditions/glutes-spasm/"))
    link = condition_page.find("a", string="Book an appointment", href=lambda href: "condition=" in href)["href"]

    chosen = page(client.get(link)).find("select", attrs={"name": "condition"}).find("option", selected=True)

    assert chosen["value"] == "glutes-spasm"
    assert chosen.get_text() == "Glutes Spasm"


def test_the_condition_list_offers_published_conditions_and_other(client):
    options = [
        o.get_text() for o in page(client.get(BOOK)).find("select", attrs={"name": "condition"}).find_all("option")
    ]
    assert "Sciatica" in options
    assert options[-1] == "Other / not sure"


def test_the_consent_box_is_not_ticked_and_links_to_the_privacy_notice(client):
    form = page(client.get(BOOK))
    consent = form.find("input", attrs={"name": "consent"})
    assert not consent.has_attr("checked")
    assert form.find("label", attrs={"for": "id_consent"}).find("a")["href"] == "/privacy/"


def test_a_valid_request_is_saved_and_the_confirmation_shows_reference_day_window_and_callback(client, clock):
    response = send(client, clock)

    booking = BookingRequest.objects.get()
    assert response.status_code == 302
    assert response.url == f"/book/sent/{booking.reference}/"
    confirmation = client.get(response.url)
    shown = text(confirmation)
    assert booking.reference in shown
    assert "Thursday 3 December 2026, morning (IST)" in shown
    assert "We'll call you from 0120-0000000 within 4 working hours" in shown
    assert page(confirmation).find("a", href="tel:01200000000")
    assert page(confirmation).find("a", href=lambda href: href and href.startswith("https://wa.me/910000000000"))
    for personal in ("Priya", "Sharma", "98765", "43210", "left buttock when sitting"):
        assert personal not in confirmation.text


def test_the_request_stores_what_the_patient_gave_and_the_notice_they_accepted(client, clock):
    send(client, clock, email="Priya@Example.com", booking_for="someone_else", patient_name="Asha Sharma",
         relationship="parent_guardian", patient_is_minor="on")  # fmt: skip

    booking = BookingRequest.objects.get()
    assert booking.phone == "+919876543210"
    assert booking.email == "Priya@Example.com", "kept as typed (the rate limit counts its mailbox)"
    assert booking.condition.slug == "glutes-spasm"
    assert (booking.patient_name, booking.relationship, booking.patient_is_minor) == (
        "Asha Sharma",
        "parent_guardian",
        True,
    )
    assert booking.consent_version == PRIVACY_NOTICE_VERSION
    assert booking.consent_at == booking.created_at
    assert booking.status == BookingRequest.Status.REQUESTED
    assert not booking.is_urgent


def test_other_not_sure_saves_a_request_without_a_condition(client, clock):
    send(client, clock, condition="other")
    assert BookingRequest.objects.get().condition is None


def test_another_browser_cannot_open_the_confirmation_page(client, clock, django_user_model):
    response = send(client, clock)
    assert Client().get(response.url).status_code == 404
    assert client.get(response.url).status_code == 200


INVALID = [
    ("full_name", "", "Please enter your full name."),
    ("full_name", "1", "Please enter your full name, e.g. Priya Sharma."),
    ("booking_for", None, "Please choose who the appointment is for."),
    ("phone", "", "Please enter a mobile number we can call."),
    ("phone", "12345", "an Indian mobile number has 10"),
    ("email", "priya@", "Enter a valid email address."),
    ("condition", "", "Please choose a condition, or 'Other / not sure'."),
    ("visit_type", None, "Please tell us if you are a new patient or coming for a follow-up."),
    ("preferred_date", "", "Please choose the day you'd like to come."),
    ("preferred_date", "next week", "Please enter a date, e.g. 3 December 2026."),
    ("preferred_date", "2026-12-01", "That date has passed."),
    ("preferred_date", "2027-03-01", "We take requests up to 60 days ahead."),
    ("preferred_date", "2026-12-06", "The clinic is closed on Sundays."),
    ("preferred_time", None, "Please choose a time of day."),
    ("message", "x" * 1001, "Ensure this value has at most 1000 characters"),
    ("consent", None, "Please tick the consent box to agree to the privacy notice"),
]


@pytest.mark.parametrize(("field", "value", "message"), INVALID)
def test_each_invalid_answer_gets_its_own_message_next_to_its_field_and_nothing_typed_is_lost(
    client, clock, field, value, message
):
    response = send(client, clock, **{field: value})

    assert response.status_code == 200
    assert message in error_next_to(response, field)
    form = page(response)
    assert form.find(attrs={"aria-describedby": re.compile(rf"\bid_{field}_error\b")}), "error not tied to its field"
    for other in ("full_name", "phone"):
        if other != field:
            assert form.find("input", attrs={"name": other})["value"] == VALID[other]
    if field != "message":
        assert form.find("textarea", attrs={"name": "message"}).get_text().strip() == VALID["message"]
    if field != "condition":
        assert form.find("select", attrs={"name": "condition"}).find("option", selected=True)["value"] == "glutes-spasm"
    assert not BookingRequest.objects.exists()


def test_no_answer_is_ever_met_with_a_bare_this_field_is_required(client, clock):
    everything_missing = {field: None for field in VALID if field != "started"}
    response = send(client, clock, **everything_missing)
    assert "This field is required" not in response.text
    for field in ("full_name", "booking_for", "phone", "condition", "visit_type", "preferred_date"):
        assert error_next_to(response, field).startswith("Please"), field
    assert error_next_to(response, "preferred_time") == "Please choose a time of day."
    assert error_next_to(response, "consent").startswith("Please tick the consent box")


def test_the_summary_at_the_top_links_each_mistake_to_its_field_and_can_take_focus(client, clock):
    response = send(client, clock, full_name="", booking_for=None, phone="12", consent=None)
    summary = page(response).find(id="form-problems")
    assert summary["tabindex"] == "-1"
    links = {link.get_text(): link["href"] for link in summary.find_all("a")}
    assert links == {
        "Please enter your full name.": "#id_full_name",
        "Please choose who the appointment is for.": "#id_booking_for_0",
        "That number has 2 digits; an Indian mobile number has 10, e.g. 98765 43210.": "#id_phone",
        "Please tick the consent box to agree to the privacy notice: we need it to use your details and call you.": (
            "#id_consent"
        ),
    }
    for href in links.values():
        assert page(response).find(id=href[1:]).name == "input"


def test_the_asterisk_is_explained_once_at_the_top_of_the_form(client):
    form = page(client.get(BOOK)).find("form", class_="booking-form")
    [note] = [p for p in form.find_all("p") if "are required" in p.get_text()]
    assert " ".join(note.get_text().split()) == "Questions marked * are required."
    assert form.find("p") is note
    assert form.find("label", attrs={"for": "id_full_name"}).find(class_="asteriskField")


def test_the_form_carries_exactly_one_csrf_token(client):
    assert len(page(client.get(BOOK)).find_all("input", attrs={"name": "csrfmiddlewaretoken"})) == 1


def test_several_mistakes_are_each_explained_and_counted_at_the_top(client, clock):
    response = send(client, clock, full_name="", phone="98765 ABCDE", preferred_date="2026-12-06")
    assert "Please check 3 answers below" in text(response)
    assert "Please enter your full name." in error_next_to(response, "full_name")
    assert "digits only" in error_next_to(response, "phone")
    assert "closed on Sundays" in error_next_to(response, "preferred_date")
    assert page(response).find("input", attrs={"name": "phone"})["value"] == "98765 ABCDE"


def test_a_dated_closure_is_refused_with_its_reason(client, clock):
    clock.move_to("2027-01-20T10:00+05:30")
    response = send(client, clock, preferred_date="2027-01-26")
    assert "The clinic is closed on 26 January 2027 (Republic Day)" in error_next_to(response, "preferred_date")


def test_dates_are_judged_in_ist_not_utc(client, clock):
    # 23:30 UTC on 2 December is already 05:00 on 3 December in Noida: the 2nd has passed.
    clock.move_to("2026-12-02T23:30Z")
    assert "That date has passed" in error_next_to(send(client, clock, preferred_date="2026-12-02"), "preferred_date")
    assert send(client, clock, preferred_date="2026-12-03").status_code == 302


def test_a_time_of_day_outside_that_days_opening_hours_is_refused(client, clock):
    response = send(client, clock, preferred_date="2026-12-05", preferred_time="evening")  # Saturday: 09:00–14:00
    assert "On Saturday 5 December we can see you in the morning or afternoon" in error_next_to(
        response, "preferred_time"
    )


def test_a_time_of_day_already_over_today_is_refused(client, clock):
    # Wednesday 14:00, in the 13:30-16:30 break: the afternoon window (12:00-16:30) has no open time left.
    clock.move_to("2026-12-02T14:00+05:30")
    response = send(client, clock, preferred_date="2026-12-02", preferred_time="morning")
    assert "On Wednesday 2 December we can see you in the evening. Please choose one." in error_next_to(
        response, "preferred_time"
    )


@pytest.mark.parametrize(
    ("now", "time_of_day", "offered"),
    [
        ("2026-12-02T14:00+05:30", "afternoon", False),  # in the break: the afternoon's open time is over
        ("2026-12-02T13:00+05:30", "afternoon", True),  # half an hour of the afternoon is still open
        ("2026-12-02T11:59+05:30", "morning", True),
        ("2026-12-02T12:00+05:30", "morning", False),
        ("2026-12-02T20:00+05:30", "evening", True),
    ],
)
def test_today_a_time_of_day_is_offered_only_while_open_time_is_left_in_it(client, clock, now, time_of_day, offered):
    clock.move_to(now)
    response = send(client, clock, seconds_to_fill=10, preferred_date="2026-12-02", preferred_time=time_of_day)
    assert (response.status_code == 302) is offered


def test_on_saturday_after_closing_there_is_no_time_left_today(client, clock):
    clock.move_to("2026-12-05T14:30+05:30")  # Saturday: open 09:00-14:00
    response = send(client, clock, preferred_date="2026-12-05", preferred_time="afternoon")
    assert "There's no time left to see you that day. Please choose a later date." in error_next_to(
        response, "preferred_date"
    )
    assert not BookingRequest.objects.exists()


def test_the_script_is_told_which_times_of_day_are_left_today(client, clock):
    clock.move_to("2026-12-02T14:00+05:30")
    windows = json.loads(page(client.get(BOOK)).find(id="booking-windows").get_text())
    assert windows["today"] == "2026-12-02"
    assert windows["today_windows"] == ["evening"]
    assert windows["weekdays"]["5"] == ["morning", "afternoon"]


def test_checking_a_date_and_time_asks_the_database_once_for_closures_and_once_for_opening_hours(clock):
    data = {**VALID, "started": form_stamp(Client())}
    clock.shift(30)
    with CaptureQueriesContext(connection) as queries:
        assert BookingRequestForm(data, browser="").is_valid()
    asked = [q["sql"] for q in queries.captured_queries]
    assert sum('"clinic_closure"' in sql for sql in asked) == 1
    assert sum('"clinic_openinghours"' in sql for sql in asked) == 1


def test_a_patient_under_18_must_be_booked_by_a_parent_or_guardian(client, clock):
    myself = send(client, clock, patient_is_minor="on")
    assert "booked by a parent or guardian" in error_next_to(myself, "patient_is_minor")
    relative = send(client, clock, booking_for="someone_else", patient_name="Asha", relationship="friend_carer",
                    patient_is_minor="on")  # fmt: skip
    assert "must be booked by a parent or guardian" in error_next_to(relative, "relationship")
    assert not BookingRequest.objects.exists()


def test_someone_else_needs_the_patients_name_and_relationship(client, clock):
    response = send(client, clock, booking_for="someone_else")
    assert "Please give the patient's full name." in error_next_to(response, "patient_name")
    assert "Please choose your relationship to the patient." in error_next_to(response, "relationship")


def test_a_red_flag_answer_shows_emergency_advice_first_and_stores_the_request_as_urgent(client, clock):
    response = send(client, clock, red_flags=["bladder_bowel", "leg_weakness"])

    booking = BookingRequest.objects.get()
    assert booking.is_urgent
    assert booking.red_flags == ["bladder_bowel", "leg_weakness"]
    confirmation = page(client.get(response.url))
    first = confirmation.find("main").find(True)
    assert "Please seek emergency care now." in first.get_text()
    assert first.find("a", href="tel:112") and first.find("a", href="tel:108")
    assert "We have recorded your request and marked it urgent." in first.get_text()


def test_without_javascript_the_advice_shows_on_submit_even_when_the_form_has_mistakes(client, clock):
    response = send(client, clock, red_flags=["fall_accident"], phone="")
    first = page(response).find("main").find(True)
    assert "Please seek emergency care now." in first.get_text()
    assert "You can still send this request: we'll mark it urgent." in first.get_text()
    assert page(response).find("input", attrs={"value": "fall_accident"}).has_attr("checked")
    assert not BookingRequest.objects.exists()


def test_the_advice_beside_the_questions_is_hidden_until_a_box_is_ticked_and_the_script_is_deferred(client):
    form = page(client.get(BOOK))
    assert form.find(id="red-flag-advice").has_attr("hidden")
    script = form.find("script", src="/static/js/booking.js")
    assert script.has_attr("defer")
    assert not form.find("script", src=False, type=lambda t: t != "application/json")
    assert not form.find(attrs={"style": True})


def test_the_privacy_notice_has_a_version_rights_deletion_and_grievance_contact(client, seeded):
    notice = text(client.get("/privacy/"))
    assert f"Version {PRIVACY_NOTICE_VERSION}" in notice
    for heading in (
        "What we collect",
        "Why",
        "How long we keep it",
        "Your rights",
        "How to ask for deletion",
        "Grievances",
    ):
        assert heading in notice
    assert "Digital Personal Data Protection Act, 2023" in notice
    assert page(client.get("/")).find("footer").find("a", href="/privacy/")


def test_single_line_answers_stay_on_one_line_in_the_request_and_the_clinics_alert(
    client, clock, front_desk_inbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = send(
            client, clock, booking_for="someone_else", relationship="spouse_partner",
            full_name="Priya\x1b[31m Sharma\u2028URGENT", patient_name="Asha\r\nMobile: +91 99999 99999\nURGENT",
            message="Pain when sitting.\r\nWorse at night.\x07",
        )  # fmt: skip
    assert response.status_code == 302
    booking = BookingRequest.objects.get()
    assert booking.full_name == "Priya [31m Sharma URGENT"
    assert booking.patient_name == "Asha Mobile: +91 99999 99999 URGENT"
    assert booking.message == "Pain when sitting.\nWorse at night.", "a message keeps its line breaks, nothing else"
    alert = next(message for message in mail.outbox if front_desk_inbox in message.to)
    lines = alert.body.splitlines()
    assert not [line for line in lines if line.startswith(("Mobile: +91 99999", "URGENT"))]
