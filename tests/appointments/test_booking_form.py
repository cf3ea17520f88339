import re

import pytest

from appointments.models import BookingRequest
from appointments.privacy import PRIVACY_NOTICE_VERSION
from tests.appointments.booking import BOOK, VALID, error_next_to, page, send, text

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
    assert booking.email == "priya@example.com"
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
    from django.test import Client

    assert Client().get(response.url).status_code == 404
    assert client.get(response.url).status_code == 200


INVALID = [
    ("full_name", "", "This field is required."),
    ("full_name", "1", "Please enter your full name"),
    ("booking_for", None, "This field is required."),
    ("phone", "", "This field is required."),
    ("phone", "12345", "an Indian mobile number has 10"),
    ("email", "priya@", "Enter a valid email address."),
    ("condition", "", "This field is required."),
    ("visit_type", None, "This field is required."),
    ("preferred_date", "", "This field is required."),
    ("preferred_date", "2026-12-01", "That date has passed."),
    ("preferred_date", "2027-03-01", "We take requests up to 60 days ahead."),
    ("preferred_date", "2026-12-06", "The clinic is closed on Sundays."),
    ("preferred_time", None, "This field is required."),
    ("message", "x" * 1001, "Ensure this value has at most 1000 characters"),
    ("consent", None, "Please tick this box so we can use your details to call you back."),
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


def test_several_mistakes_are_each_explained_and_counted_at_the_top(client, clock):
    response = send(client, clock, full_name="", phone="98765 ABCDE", preferred_date="2026-12-06")
    assert "Please check 3 answers below" in text(response)
    assert "This field is required." in error_next_to(response, "full_name")
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
    clock.move_to("2026-12-02T14:00+05:30")
    response = send(client, clock, preferred_date="2026-12-02", preferred_time="morning")
    assert "we can see you in the afternoon or evening" in error_next_to(response, "preferred_time")


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
