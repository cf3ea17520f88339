"""A patient opens the link from their e-mail on a phone and moves, then cancels, their appointment by keyboard."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from appointments.availability import free_times
from appointments.diary import appointment_book, appointment_hold, manage_token
from appointments.models import BookingRequest, VisitType
from tests.appointments.diary import physiotherapist

from .checks import axe_violations, sideways_overflow, tab_to, undersized_targets
from .conftest import PHONE


@pytest.fixture
def manage_link(site):
    """The manage link of an appointment booked online three days or more from now."""
    person = physiotherapist("Dr. Asha Rao (PT)", hours=[("all", "09:00", "13:00"), ("all", "16:30", "20:30")])
    visit = VisitType.objects.get(slug="follow-up")
    later = timezone.localdate() + timedelta(days=3)
    starts_at = free_times(visit, later, later + timedelta(days=7), person)[0].starts_at
    hold = appointment_hold(
        visit_type=visit, starts_at=starts_at, physiotherapist=person, session_key="browser", client_ip="127.0.0.1"
    )
    patient = BookingRequest(full_name="Priya Sharma", booking_for="myself", phone="+919876543210", email="")
    booked = appointment_book(hold=hold, booking=patient, client_ip="127.0.0.1", form_token="browser-form")
    return f"{site}/book/manage/?t={manage_token(booked)}"


def check_page(page):
    assert axe_violations(page) == []
    assert sideways_overflow(page) == 0
    assert undersized_targets(page) == []


def test_on_a_phone_by_keyboard_a_patient_moves_and_then_cancels_their_appointment(page, manage_link):
    page.set_viewport_size(PHONE)
    # Scrolling to each focused button at once, as with reduced motion: on a busy machine a smooth scroll may not
    # have started when the focus check looks, and the button would seem off screen.
    page.emulate_media(reduced_motion="reduce")
    page.goto(manage_link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your appointment")
    check_page(page)

    first_time = page.locator("#move-form button").first
    moving_to = datetime.fromisoformat(first_time.get_attribute("value"))
    tab_to(page, first_time.inner_text())
    page.keyboard.press("Enter")

    expect(page.locator("#change-done")).to_contain_text("Your appointment has moved")
    expect(page.get_by_role("main").locator("dd").first).to_contain_text(f"{moving_to:%-d %B %Y, %H:%M} IST")
    check_page(page)

    tab_to(page, "Reason (optional)")
    page.keyboard.type("Feeling better, thank you")
    tab_to(page, "Cancel this appointment")
    page.keyboard.press("Enter")

    expect(page.locator("#change-done")).to_contain_text("Your appointment is cancelled")
    expect(page.locator("#appointment-status")).to_have_text("Cancelled")
    expect(page.get_by_role("main").get_by_role("button")).to_have_count(0)
    check_page(page)


def test_a_link_that_does_not_work_says_so_plainly(page, site):
    page.set_viewport_size(PHONE)
    page.goto(f"{site}/book/manage/?t=not-a-token")

    expect(page.get_by_role("heading", level=1)).to_have_text("This link does not work")
    check_page(page)
