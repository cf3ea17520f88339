"""The front desk's day and week diary in a real browser: axe, the width of a 1280 px screen, and the keyboard."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import expect

from appointments.models import Appointment, VisitType
from appointments.roles import FRONT_DESK
from clinic.models import Absence, Physiotherapist
from tests.appointments.diary import appointment, at, physiotherapist
from tests.builders import make_booking_request

from .checks import axe_violations, focus_problems, focused, sideways_overflow

DIARY = "/admin/appointments/appointment/diary/"
WEEK = "/admin/appointments/appointment/diary/week/"
PASSWORD = "a-long-test-password"


def next_open_day():
    """Tomorrow or later, Monday to Saturday (the clinic's days), in IST."""
    day = timezone.localdate() + timedelta(days=1)
    return day + timedelta(days=1) if day.weekday() == 6 else day


@pytest.fixture
def diary_day(site):
    """Six physiotherapists (four real, two seeded placeholders), one with every kind of time on the day."""
    day = next_open_day().isoformat()
    meera = physiotherapist("Dr. Meera Iyer (PT)", hours=[("all", "09:00", "13:30"), ("all", "16:30", "20:30")])
    for name in ("Dr. Arjun Mehta (PT)", "Dr. Sana Qureshi (PT)", "Dr. Kavita Raghunathan-Subramaniam (PT)"):
        physiotherapist(name, hours=[("all", "10:00", "13:30")])
    visit = VisitType.objects.get(slug="first-assessment")
    patient = make_booking_request(full_name="Priya Sharma", email="priya@example.com")
    appointment(meera, visit, at(day, "09:00"), booking_request=patient)
    appointment(meera, visit, at(day, "10:15"), Appointment.Status.HELD)
    appointment(meera, visit, at(day, "11:30"), Appointment.Status.CANCELLED)
    appointment(meera, visit, at(day, "16:30"), Appointment.Status.PENDING)
    Absence.objects.create(physiotherapist=meera, starts_at=at(day, "12:30"), ends_at=at(day, "13:30"))
    return day


@pytest.fixture
def front_desk_page(page, site, django_user_model):
    user = django_user_model.objects.create_user("desk", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=FRONT_DESK))
    page.goto(site + "/admin/")
    page.get_by_label("Username").fill("desk")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(site + "/admin/")
    return page


@pytest.mark.parametrize("path", [DIARY, WEEK], ids=["day", "week"])
def test_axe_finds_nothing_on_the_diary_and_it_fits_1280_px_without_sideways_scrolling(
    front_desk_page, site, diary_day, path
):
    page = front_desk_page
    page.goto(f"{site}{path}?date={diary_day}")

    assert page.get_by_role("table").get_by_role("columnheader", name="Dr. Meera Iyer (PT)").is_visible()
    assert axe_violations(page) == []
    assert page.viewport_size["width"] == 1280
    assert sideways_overflow(page) == 0


def test_the_keyboard_reaches_every_appointment_link_with_focus_always_visible(front_desk_page, site, diary_day):
    page = front_desk_page
    page.goto(f"{site}{DIARY}?date={diary_day}")
    links = page.locator("table.diary-grid a[href*='/change/']")
    wanted = {links.nth(n).get_attribute("href") for n in range(links.count())}
    assert len(wanted) == 4  # booked, held, cancelled, pending

    reached = set()
    for _ in range(200):
        page.keyboard.press("Tab")
        state = focused(page)
        assert not focus_problems(state), focus_problems(state)
        href = page.evaluate("() => document.activeElement.getAttribute('href')")
        reached.add(href)
        if wanted <= reached:
            break
    assert wanted <= reached


def test_the_front_desk_books_a_free_time_from_the_diary_with_the_keyboard(front_desk_page, site, diary_day):
    page = front_desk_page
    page.goto(f"{site}{DIARY}?date={diary_day}")
    book = page.get_by_role("link", name="Book Dr. Arjun Mehta (PT) at 10:00 IST", exact=False)
    book.focus()
    page.keyboard.press("Enter")
    page.get_by_label("Visit type").select_option(label="First assessment (60 min)")
    page.get_by_label("Patient's full name").fill("Asha Verma")
    page.get_by_label("Patient's mobile number").fill("98765 43210")
    page.get_by_label("The patient agreed on the phone").check()
    page.get_by_role("button", name="Save", exact=True).focus()
    page.keyboard.press("Enter")

    page.wait_for_url(f"{site}{DIARY}?date={diary_day}")
    arjun = Physiotherapist.objects.get(name="Dr. Arjun Mehta (PT)")
    expect(page.locator(f'td[headers~="diary-p{arjun.pk}"]', has_text="Booked")).to_contain_text("10:00–11:00")
    assert Appointment.objects.get(physiotherapist=arjun).starts_at == at(diary_day, "10:00")
