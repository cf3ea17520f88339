"""A patient on a 360 px phone books a free time from the glutes spasm page with the keyboard alone: with
JavaScript, and again with it switched off (every step is a server-rendered page). axe checks every step."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from appointments import diary
from appointments.models import Appointment
from tests.appointments.diary import physiotherapist

from .checks import (
    FOCUS_JS,
    axe_violations,
    focus_problems,
    labels_under_boxes,
    sideways_overflow,
    tab_to,
    undersized_choices,
    undersized_targets,
)
from .conftest import PHONE

CONSENT = "I have read the privacy notice and agree to DMPhysios using these details to arrange this appointment."


@pytest.fixture
def diary_site(site, settings):
    """The live site with a real physiotherapist who works all the clinic's hours, and no fill-time check."""
    settings.BOOKING_MIN_FILL_SECONDS = 0
    cache.clear()  # the Book buttons were cached pointing at the call-back form
    physiotherapist("Dr. Asha Rao (PT)", hours=[("all", "09:00", "20:30")])
    yield site
    cache.clear()


@pytest.fixture(params=[True, False], ids=["with JavaScript", "without JavaScript"])
def javascript(request):
    return request.param


@pytest.fixture
def patient(javascript, browser, browser_context_args, diary_site):
    """A patient's 360 px wide browser, with JavaScript on or off, and the checks to make on each page."""
    args = {**browser_context_args, "viewport": PHONE}
    context = browser.new_context(**args, java_script_enabled=javascript)
    # With JavaScript off a page cannot run axe (its promises never settle): a second browser, whose own scripts
    # are blocked, checks a copy of the very page the patient sees.
    checker = browser.new_context(**args)
    checker.route("**/*.js", lambda route: route.abort())
    patient = Patient(context.new_page(), checker.new_page(), javascript, diary_site)
    yield patient
    context.close()
    checker.close()


class Patient:
    def __init__(self, page, checker, javascript, site):
        self.page, self.checker, self.javascript, self.site = page, checker, javascript, site
        for tab in (page, checker):
            tab.set_default_timeout(5_000)

    def tab_to(self, name):
        return tab_to(self.page, name) if self.javascript else tab_to_without_scripts(self.page, name)

    def press(self, key):
        self.page.keyboard.press(key)

    def type(self, text):
        self.page.keyboard.type(text)

    def looks_right(self, step):
        """No axe violation, nothing wider than the screen, targets big enough, each label beside its box."""
        page = self.page
        if not self.javascript:
            self.checker.goto(self.site + "/robots.txt")
            self.checker.set_content(page.content())
        assert axe_violations(self.checker if not self.javascript else page) == [], step
        assert sideways_overflow(page) == 0, step
        assert undersized_targets(page) + undersized_choices(page) == [], step
        assert labels_under_boxes(page) == [], step


def tab_to_without_scripts(page, name, limit=120):
    """checks.tab_to for a page without JavaScript, where Playwright can only evaluate code that does not wait."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        settle(page)
        state = page.evaluate(FOCUS_JS)
        assert not focus_problems(state), focus_problems(state)
        if state["name"] == name if isinstance(name, str) else name.search(state["name"]):
            return state
    raise AssertionError(f"{name!r} never received focus after {limit} presses of Tab")


def settle(page):
    """Wait until smooth scrolling to the focused element is over: the page still for three looks in a row."""
    still, last = 0, None
    for _ in range(60):
        where = page.evaluate("() => [scrollX, scrollY]")
        still = still + 1 if where == last else 0
        if still == 3:
            return
        last = where
        page.wait_for_timeout(30)


def test_a_keyboard_only_patient_books_a_free_time_on_a_phone(patient):
    page = patient.page
    page.goto(patient.site + "/conditions/glutes-spasm/")
    patient.tab_to("Skip to main content")
    patient.press("Enter")
    patient.tab_to("Book an appointment")
    patient.press("Enter")
    expect(page).to_have_url(re.compile(r"/book/time/\?condition=glutes-spasm$"))
    patient.looks_right("safety questions")

    patient.tab_to(re.compile("^First assessment"))
    patient.press("Space")
    patient.tab_to("See free times")
    patient.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a time")
    patient.looks_right("times")

    chosen = patient.tab_to(re.compile(r"\d\d:\d\d IST"))
    patient.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your details")
    clock = re.search(r"\d\d:\d\d IST", chosen["name"]).group()
    expect(page.locator(".appointment-held")).to_contain_text(clock)
    expect(page.locator(".appointment-held")).to_contain_text("Held for you until")
    patient.looks_right("details")

    patient.tab_to("Your full name")
    patient.type("Priya Sharma")
    patient.tab_to("Myself")
    patient.press("Space")
    patient.tab_to("Mobile number")
    patient.type("12345")
    patient.tab_to("Book this time")
    patient.press("Enter")
    expect(page.locator("#form-problems")).to_contain_text("Please check 2 answers")
    expect(page.get_by_label("Your full name")).to_have_value("Priya Sharma")
    if patient.javascript:  # the script takes the patient to the list of what to fix
        expect(page.locator("#form-problems")).to_be_focused()
    patient.looks_right("details with mistakes")

    patient.tab_to("Mobile number")
    patient.press("ControlOrMeta+A")
    patient.type("98765 43210")
    patient.tab_to(CONSENT)
    patient.press("Space")
    patient.tab_to("Book this time")
    patient.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Your appointment is booked")
    reference = page.locator(".appointment-reference").inner_text()
    appointment = Appointment.objects.get(reference=reference)
    assert appointment.status == Appointment.Status.BOOKED
    assert appointment.booking_request.condition.slug == "glutes-spasm"
    expect(page.locator(".appointment-facts")).to_contain_text(clock)
    expect(page.get_by_role("link", name=re.compile("Add to your calendar"))).to_be_visible()
    # The reference is read out over the phone: on one line.
    assert page.locator(".appointment-reference").evaluate("e => e.getClientRects().length") == 1
    patient.looks_right("booked")


def test_an_emergency_answer_shows_the_advice_and_no_times_with_or_without_javascript(patient):
    page = patient.page
    page.goto(patient.site + "/book/time/?condition=glutes-spasm")
    patient.tab_to("Loss of bladder or bowel control")
    patient.press("Space")
    if patient.javascript:  # the script shows the advice as soon as the box is ticked
        expect(page.locator("#red-flag-advice")).to_be_visible()
        expect(page.locator("#urgent-flag-advice")).to_be_hidden()
        patient.looks_right("advice beside the questions")
    patient.tab_to("See free times")
    patient.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Your answers need emergency care first")
    expect(page.get_by_role("link", name="112")).to_be_visible()
    assert page.get_by_role("button", name=re.compile("IST")).count() == 0
    patient.looks_right("emergency advice")


def test_a_time_taken_while_the_patient_types_offers_the_nearest_times_and_keeps_their_details(patient):
    page = patient.page
    page.goto(patient.site + "/book/time/?condition=glutes-spasm")
    page.get_by_label(re.compile("First assessment")).check()
    page.get_by_role("button", name="See free times").click()
    page.get_by_role("link", name=re.compile("free times? on")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Free times on")
    patient.looks_right("a day's times")
    page.get_by_role("button", name=re.compile(r"\d\d:\d\d IST")).first.click()
    page.get_by_label("Your full name").fill("Priya Sharma")
    page.get_by_label("Myself").check()
    page.get_by_label("Mobile number").fill("98765 43210")
    page.get_by_label(CONSENT).check()
    held = Appointment.objects.get(status=Appointment.Status.HELD)
    # The hold lapses while the patient types, and someone else takes the time.
    Appointment.objects.filter(pk=held.pk).update(hold_expires_at=timezone.now() - timedelta(minutes=1))
    diary.appointment_hold(
        visit_type=held.visit_type, starts_at=held.starts_at, session_key="someone else", client_ip="10.0.0.9"
    )
    page.get_by_role("button", name="Book this time").click()

    expect(page.locator("#time-taken")).to_contain_text("That time was just taken — here are the nearest free times")
    expect(page.get_by_label("Your full name")).to_have_value("Priya Sharma")
    expect(page.get_by_label(CONSENT)).to_be_checked()
    if patient.javascript:  # the script takes the patient to the news first
        expect(page.locator("#time-taken")).to_be_focused()
    patient.looks_right("time taken")

    page.locator("#time-taken").get_by_role("button").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your appointment is booked")
    booked = Appointment.objects.get(reference=page.locator(".appointment-reference").inner_text())
    assert booked.booking_request.full_name == "Priya Sharma" and booked.starts_at != held.starts_at
