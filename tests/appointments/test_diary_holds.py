"""Held times: one per browser session, a few per client address (so a bot cannot hold the whole diary), a lapsed
hold never blocks anyone, and bookings made from holds count against the booking rate limits.

On a frozen clock (Wednesday 2 December 2026, 10:00 IST); the default hold lasts 10 minutes.
"""

from datetime import timedelta

import pytest

from appointments import limits
from appointments.availability import is_free
from appointments.diary import TimeTaken, TooManyHolds, appointment_book, appointment_hold
from appointments.models import Appointment, BookingRequest
from tests.appointments.diary import appointment, at, physiotherapist, visit_type

pytestmark = pytest.mark.usefixtures("booking_db")
THURSDAY = "2026-12-03"
PHONE = "+919876543210"


@pytest.fixture
def asha():
    return physiotherapist("Dr. Asha Rao (PT)", hours=[("thu", "09:00", "13:00"), ("thu", "16:30", "20:30")])


@pytest.fixture
def visit():
    return visit_type(duration=45, buffer=15)  # an hour of the diary each


def hold(person, visit, clock_time, session="session-1", address="203.0.113.9"):
    starts_at = at(THURSDAY, clock_time)
    return appointment_hold(
        visit_type=visit, starts_at=starts_at, physiotherapist=person, session_key=session, client_ip=address
    )


def book(held, phone=PHONE, address="203.0.113.9"):
    patient = BookingRequest(full_name="Priya Sharma", booking_for="myself", phone=phone, email="")
    return appointment_book(hold=held, booking=patient, client_ip=address, form_token=f"form-{held.reference}")


def status_of(appointment):
    appointment.refresh_from_db()
    return appointment.status


# One held time per browser session


def test_a_new_hold_from_the_same_session_lets_the_earlier_time_go(asha, visit):
    first = hold(asha, visit, "09:00")
    second = hold(asha, visit, "11:00")

    assert status_of(first) == Appointment.Status.EXPIRED
    assert status_of(second) == Appointment.Status.HELD
    assert is_free(visit, asha, at(THURSDAY, "09:00")), "the earlier time is free for others again"
    assert not is_free(visit, asha, at(THURSDAY, "11:00"))


def test_a_session_changing_its_mind_many_times_never_reaches_the_address_limit(asha, visit, settings):
    settings.BOOKING_HOLDS_PER_ADDRESS = 2
    for clock_time in ["09:00", "10:00", "11:00", "12:00", "16:30", "17:30"]:
        hold(asha, visit, clock_time)
    assert Appointment.objects.filter(status=Appointment.Status.HELD).count() == 1


def test_the_session_and_the_address_are_kept_only_as_keyed_hashes(asha, visit):
    held = hold(asha, visit, "09:00", session="the-session-key", address="203.0.113.9")

    assert held.held_by_session and held.held_by_session != "the-session-key"
    assert held.held_from_address and "203.0.113" not in held.held_from_address


# A few held times per client address


def test_one_address_holds_no_more_times_than_the_setting_allows(asha, visit, settings):
    settings.BOOKING_HOLDS_PER_ADDRESS = 2
    hold(asha, visit, "09:00", session="bot-1")
    hold(asha, visit, "10:00", session="bot-2")

    with pytest.raises(TooManyHolds):
        hold(asha, visit, "11:00", session="bot-3")
    assert is_free(visit, asha, at(THURSDAY, "11:00")), "the refused hold keeps nothing"
    assert Appointment.objects.filter(status=Appointment.Status.HELD).count() == 2


def test_another_address_may_still_hold_while_one_is_at_its_limit(asha, visit, settings):
    settings.BOOKING_HOLDS_PER_ADDRESS = 1
    hold(asha, visit, "09:00", session="bot-1", address="198.51.100.7")

    assert hold(asha, visit, "10:00", session="patient", address="203.0.113.9").status == Appointment.Status.HELD


def test_the_address_may_hold_again_once_its_holds_lapse(asha, visit, settings, clock):
    settings.BOOKING_HOLDS_PER_ADDRESS = 1
    hold(asha, visit, "09:00", session="bot-1")
    with pytest.raises(TooManyHolds):
        hold(asha, visit, "10:00", session="bot-2")

    clock.shift(timedelta(minutes=11))
    assert hold(asha, visit, "10:00", session="bot-2").status == Appointment.Status.HELD


def test_booked_times_do_not_count_as_holds_of_the_address(asha, visit, settings):
    settings.BOOKING_HOLDS_PER_ADDRESS = 1
    book(hold(asha, visit, "09:00", session="first-patient"))

    assert hold(asha, visit, "10:00", session="second-patient").status == Appointment.Status.HELD


# A lapsed hold never blocks anyone


def test_a_hold_whose_time_has_passed_is_taken_over_by_the_next_patient(asha, visit, clock):
    lapsed = hold(asha, visit, "09:00", session="slow-patient", address="198.51.100.7")
    clock.shift(timedelta(minutes=10, seconds=1))

    assert is_free(visit, asha, at(THURSDAY, "09:00"))
    taken = hold(asha, visit, "09:00", session="quick-patient")
    assert taken.status == Appointment.Status.HELD
    assert status_of(lapsed) == Appointment.Status.EXPIRED


def test_a_lapsed_hold_written_straight_to_the_database_is_taken_over_too(asha, visit):
    # As a crashed request or an old row would leave it: still "held", its expiry long past.
    stale = appointment(asha, visit, at(THURSDAY, "09:00"), status=Appointment.Status.HELD,
                        hold_expires_at=at("2026-12-01", "09:00"))  # fmt: skip

    assert hold(asha, visit, "09:00").status == Appointment.Status.HELD
    assert status_of(stale) == Appointment.Status.EXPIRED


def test_a_live_hold_is_not_taken_over(asha, visit):
    hold(asha, visit, "09:00", session="first", address="198.51.100.7")

    with pytest.raises(TimeTaken) as taken:
        hold(asha, visit, "09:00", session="second")
    assert at(THURSDAY, "09:00") not in [free.starts_at for free in taken.value.nearest]
    assert at(THURSDAY, "10:00") in [free.starts_at for free in taken.value.nearest]


def test_a_patient_slower_than_the_hold_still_books_the_time_when_nobody_took_it(asha, visit, clock):
    held = hold(asha, visit, "09:00")
    clock.shift(timedelta(minutes=30))

    assert book(held).status == Appointment.Status.BOOKED


def test_a_patient_slower_than_the_hold_whose_time_was_taken_gets_the_nearest_times(asha, visit, clock):
    held = hold(asha, visit, "09:00", session="slow-patient")
    clock.shift(timedelta(minutes=11))
    hold(asha, visit, "09:00", session="quick-patient", address="198.51.100.7")

    with pytest.raises(TimeTaken) as taken:
        book(held)
    assert taken.value.nearest
    assert not BookingRequest.objects.exists(), "nothing saved for the patient who lost the time"


# The booking rate limits apply to bookings


def test_a_fourth_online_booking_from_one_phone_in_a_day_is_refused(asha, visit):
    for n, clock_time in enumerate(["09:00", "10:00", "11:00"]):
        book(hold(asha, visit, clock_time, session=f"tab-{n}", address=f"203.0.113.{n}"), address=f"203.0.113.{n}")
    fourth = hold(asha, visit, "12:00", session="tab-4", address="203.0.113.4")

    with pytest.raises(limits.OverLimit):
        book(fourth, address="203.0.113.4")
    assert BookingRequest.objects.filter(phone=PHONE).count() == 3
    assert status_of(fourth) == Appointment.Status.HELD, "refused: the time is not booked"
    assert Appointment.objects.filter(status=Appointment.Status.BOOKED).count() == 3


def test_the_same_booking_sent_twice_books_once_and_counts_once(asha, visit):
    held = hold(asha, visit, "09:00")
    first, again = book(held), book(held)

    assert first.pk == again.pk
    assert BookingRequest.objects.count() == 1
    for n, clock_time in enumerate(["10:00", "11:00"]):  # two more fit the phone's daily limit of three
        book(hold(asha, visit, clock_time, session=f"tab-{n}"))


def test_a_time_far_beyond_the_horizon_is_refused_with_the_nearest_free_times_not_an_error(booking_db):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from appointments.diary import TimeTaken, appointment_hold
    from tests.appointments.diary import physiotherapist, visit_type

    physiotherapist(hours=[("all", "09:00", "13:00")])
    far = datetime(9999, 12, 31, 9, 0, tzinfo=ZoneInfo("Asia/Kolkata"))
    with pytest.raises(TimeTaken) as taken:
        appointment_hold(visit_type=visit_type(), starts_at=far, session_key="s", client_ip="127.0.0.1")
    assert taken.value.nearest, "the nearest free times, from today"
