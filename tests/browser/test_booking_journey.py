"""A patient books from the glutes spasm page, makes mistakes, fixes them and gets a reference: mouse and keyboard."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

pytest.importorskip(
    "appointments.forms", reason="/book/ is still the 'coming soon' placeholder: the booking form is not merged yet"
)

from appointments.models import BookingRequest  # noqa: E402

from .checks import (  # noqa: E402
    axe_violations,
    focus_problems,
    focused,
    labels_under_boxes,
    sideways_overflow,
    tab_to,
    undersized_choices,
    undersized_targets,
)
from .conftest import DESKTOP, PHONE  # noqa: E402

THANK_YOU = "Thank you: we've received your request"


@pytest.fixture
def booking_site(site, settings):
    """The live site with the booking form's timing and rate limits out of a fast test's way."""
    settings.BOOKING_MIN_FILL_SECONDS = 0
    cache.clear()
    yield site
    cache.clear()


def next_weekday():
    """A day the clinic is open in the morning (Monday to Friday per the fixture), after today."""
    day = timezone.localdate() + timedelta(days=1)
    while day.weekday() > 4 or day.isoformat() == "2027-01-26":  # Republic Day closure in the fixture
        day += timedelta(days=1)
    return day


def error_summary(page):
    return page.locator("#form-problems")


def test_a_patient_fixes_their_mistakes_and_gets_a_reference_using_a_mouse(page, booking_site):
    page.goto(booking_site + "/conditions/glutes-spasm/")
    page.get_by_role("main").get_by_role("link", name="Book an appointment").first.click()
    expect(page.get_by_label("Condition or concern")).to_have_value("glutes-spasm")

    page.get_by_label("Your full name").fill("P")
    page.get_by_label("Myself").check()
    page.get_by_label("Mobile number").fill("12345")
    page.get_by_label("No, I'm a new patient").check()
    page.get_by_label("Preferred date").fill(next_weekday().isoformat())
    page.get_by_label("Morning").check()
    page.get_by_role("button", name="Send request").click()

    expect(error_summary(page)).to_contain_text("Please check 3 answers")
    expect(page.get_by_label("Your full name")).to_have_value("P")
    expect(page.get_by_label("Mobile number")).to_have_value("12345")
    expect(page.get_by_label("Your full name")).to_have_accessible_description(
        re.compile("Please enter your full name")
    )
    expect(page.get_by_label("Mobile number")).to_have_accessible_description(
        re.compile("an Indian mobile number has 10")
    )
    expect(page.get_by_label("Mobile number")).to_have_attribute("aria-invalid", "true")
    assert axe_violations(page) == []

    error_summary(page).get_by_role("link", name=re.compile("an Indian mobile number has 10")).click()
    expect(page.get_by_label("Mobile number")).to_be_focused()
    page.get_by_label("Mobile number").fill("98765 43210")
    page.get_by_label("Your full name").fill("Priya Sharma")
    page.get_by_label("I have read the privacy notice").check()
    page.get_by_role("button", name="Send request").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(THANK_YOU)
    reference = page.locator(".booking-reference").inner_text()
    assert BookingRequest.objects.get(reference=reference).full_name == "Priya Sharma"
    assert axe_violations(page) == []


def test_a_patient_books_with_the_keyboard_alone_and_always_sees_where_they_are(page, booking_site):
    page.goto(booking_site + "/conditions/glutes-spasm/")
    tab_to(page, "Skip to main content")
    page.keyboard.press("Enter")
    tab_to(page, "Book an appointment")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Book an appointment")

    tab_to(page, "Your full name")
    page.keyboard.type("P")
    tab_to(page, "Myself")
    page.keyboard.press("Space")
    tab_to(page, "Mobile number")
    page.keyboard.type("12345")
    tab_to(page, "No, I'm a new patient")
    page.keyboard.press("Space")
    tab_to(page, "Preferred date")
    # Headless Chromium's date field reads month, day, year whatever the page's locale.
    page.keyboard.type(next_weekday().strftime("%m%d%Y"))
    tab_to(page, "Morning (09:00–12:00 IST)")
    page.keyboard.press("Space")
    tab_to(page, "Send request")
    page.keyboard.press("Enter")

    expect(error_summary(page)).to_contain_text("Please check 3 answers")
    expect(error_summary(page)).to_be_focused()
    summary_link = tab_to(page, re.compile(r"^Please enter your full name"))  # the summary's first link
    assert summary_link["html"].startswith('<a class="alert-link" href="#id_full_name"')
    page.keyboard.press("Enter")
    expect(page.get_by_label("Your full name")).to_be_focused()
    assert focus_problems(focused(page)) == []
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.type("Priya Sharma")
    tab_to(page, "Mobile number")
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.type("98765 43210")
    tab_to(
        page, "I have read the privacy notice and agree to DMPhysios using these details to arrange this appointment."
    )
    page.keyboard.press("Space")
    tab_to(page, "Send request")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text(THANK_YOU)
    reference = page.locator(".booking-reference").inner_text()
    assert BookingRequest.objects.get(reference=reference).phone == "+919876543210"


@pytest.mark.parametrize(
    "path", ["/book/", "/book/?condition=glutes-spasm", "/privacy/"], ids=["empty", "for", "privacy"]
)
def test_axe_finds_no_violations_on_the_booking_form_and_privacy_notice(page, booking_site, path):
    page.goto(booking_site + path)

    assert axe_violations(page) == []


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone 360x800", "desktop 1280x800"])
def test_the_booking_form_fits_the_screen_with_big_enough_boxes_and_labels_beside_them(page, booking_site, viewport):
    page.set_viewport_size(viewport)
    for path in ["/book/?condition=glutes-spasm", "/privacy/"]:
        page.goto(booking_site + path)

        assert sideways_overflow(page) == 0, path
        assert undersized_targets(page) + undersized_choices(page) == [], path
        assert labels_under_boxes(page) == [], path


def test_axe_finds_no_violations_when_a_red_flag_answer_reveals_the_emergency_advice(page, booking_site):
    page.goto(booking_site + "/book/")
    page.get_by_label("A recent fall or accident").check()

    expect(page.locator("#red-flag-advice")).to_be_visible()
    assert axe_violations(page) == []
