"""The one rule for free time, table-driven on a frozen clock (Wednesday 2 December 2026, 10:00 IST).

The seeded clinic opens Monday to Friday 09:00–13:30 and 16:30–20:30, Saturday 09:00–14:00, and is closed on
Sundays and on 26 January 2027 (Republic Day). The default policy: 2 hours' notice, 28 days ahead, 15-minute steps.
"""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from appointments.availability import free_times, is_free, staff_conflict
from appointments.models import Appointment, BookingPolicy
from clinic.models import Absence
from tests.appointments.diary import appointment, at, physiotherapist, policy, visit_type

pytestmark = pytest.mark.usefixtures("booking_db")
THURSDAY, SATURDAY = "2026-12-03", "2026-12-05"


def starts(times):
    return [free.local.strftime("%H:%M") for free in times]


def on(day, person, visit=None, **kwargs):
    visit = visit or visit_type()
    when = date.fromisoformat(day)
    return starts(free_times(visit, when, when, person, **kwargs))


def quarter_hours(first, last):
    moment, result = datetime.strptime(first, "%H:%M"), []
    while moment <= datetime.strptime(last, "%H:%M"):
        result.append(moment.strftime("%H:%M"))
        moment += timedelta(minutes=15)
    return result


@pytest.mark.parametrize(
    ("hours", "expected", "why"),
    [
        ([("thu", "09:00", "13:00")], quarter_hours("09:00", "12:00"), "the last visit ends as work does"),
        ([("thu", "09:00", "11:00"), ("thu", "12:00", "13:00")], [*quarter_hours("09:00", "10:00"), "12:00"],
         "no visit runs through a break"),
        ([("thu", "07:00", "15:00")], quarter_hours("09:00", "12:30"), "only inside the clinic's opening hours"),
        ([("thu", "12:00", "18:00")], ["12:00", "12:15", "12:30", "16:30", "16:45", "17:00"],
         "the clinic's own break at 13:30–16:30"),
        ([("fri", "09:00", "13:00")], [], "not on a day the physiotherapist does not work"),
    ],
)  # fmt: skip
def test_free_times_are_working_hours_inside_opening_hours(hours, expected, why):
    assert on(THURSDAY, physiotherapist(hours=hours)) == expected, why


def test_a_visit_that_would_run_past_closing_is_not_offered():
    person = physiotherapist(hours=[("sat", "09:00", "17:00")])  # the clinic closes at 14:00 on Saturdays
    assert on(SATURDAY, person)[-1] == "13:00"


def test_a_booked_visit_and_both_buffers_keep_their_time():
    person = physiotherapist(hours=[("thu", "09:00", "13:00")])
    visit = visit_type(duration=60, buffer=15)

    appointment(person, visit, at(THURSDAY, "10:00"))  # holds 10:00–11:15 with its buffer
    # 09:00 would end at 10:00 but its own buffer runs to 10:15; the next start is after 11:15.
    assert on(THURSDAY, person, visit) == ["11:15", "11:30", "11:45", "12:00"]


@pytest.mark.parametrize(
    ("status", "expires_in_minutes", "blocks"),
    [
        (Appointment.Status.HELD, 5, True),
        (Appointment.Status.HELD, -1, False),
        (Appointment.Status.PENDING, None, True),
        (Appointment.Status.CANCELLED, None, False),
        (Appointment.Status.EXPIRED, None, False),
        (Appointment.Status.TO_REBOOK, None, False),
    ],
)
def test_holds_block_until_they_expire_and_cancelled_visits_free_their_time(status, expires_in_minutes, blocks):
    from django.utils import timezone

    person = physiotherapist(hours=[("thu", "09:00", "10:15")])
    visit = visit_type(duration=60, buffer=15)
    fields = {}
    if expires_in_minutes is not None:
        fields["hold_expires_at"] = timezone.now() + timedelta(minutes=expires_in_minutes)
    appointment(person, visit, at(THURSDAY, "09:00"), status=status, **fields)
    assert on(THURSDAY, person, visit) == ([] if blocks else ["09:00", "09:15"])


def test_an_absence_takes_its_time_out_of_the_day():
    person = physiotherapist(hours=[("thu", "09:00", "13:00")])
    Absence.objects.create(physiotherapist=person, starts_at=at(THURSDAY, "10:30"), ends_at=at(THURSDAY, "12:00"))
    assert on(THURSDAY, person, visit_type(duration=45, buffer=0)) == ["09:00", "09:15", "09:30", "09:45", "12:00",
                                                                        "12:15"]  # fmt: skip


def test_a_closure_day_offers_nothing(settings):
    policy(horizon_days=90)
    person = physiotherapist(hours=[("all", "09:00", "13:00")])
    assert on("2027-01-26", person) == []  # Republic Day, a Tuesday
    assert on("2027-01-27", person) != []


def test_minimum_notice_counts_from_now():
    person = physiotherapist(hours=[("wed", "09:00", "13:00")])
    # It is 10:00: with two hours' notice the first time is 12:00 (a 60-minute visit ends by 13:00).
    assert on("2026-12-02", person) == ["12:00"]
    policy(min_notice_minutes=0)
    assert on("2026-12-02", person)[0] == "10:00"


def test_nothing_is_offered_past_the_horizon():
    policy(horizon_days=7)
    person = physiotherapist(hours=[("all", "09:00", "13:00")])
    assert on("2026-12-09", person) != []
    assert on("2026-12-10", person) == []


def test_steps_come_from_the_policy():
    policy(slot_step_minutes=30)
    assert on(THURSDAY, physiotherapist(hours=[("thu", "09:00", "11:00")])) == ["09:00", "09:30", "10:00"]


def test_days_are_ist_days_even_when_it_is_still_yesterday_in_utc(clock):
    clock.move_to(datetime(2026, 12, 2, 19, 0, tzinfo=UTC))  # 00:30 IST on Thursday 3 December
    person = physiotherapist(hours=[("wed", "09:00", "13:00"), ("thu", "09:00", "10:00")])
    assert on(THURSDAY, person) == ["09:00"]
    assert on("2026-12-02", person) == [], "Wednesday is over in Noida"


def test_placeholder_physiotherapists_are_offered_only_while_developing(settings):
    person = physiotherapist(hours=[("thu", "09:00", "10:00")], is_placeholder=True)
    settings.BOOKING_OFFERS_PLACEHOLDERS = False
    assert on(THURSDAY, None) == []
    settings.BOOKING_OFFERS_PLACEHOLDERS = True
    assert on(THURSDAY, person) == ["09:00"]


def test_anyone_lists_every_bookable_physiotherapist_in_time_order():
    early = physiotherapist("Dr. Early", hours=[("thu", "09:00", "10:00")])
    late = physiotherapist("Dr. Late", hours=[("thu", "11:00", "12:00")])
    physiotherapist("Dr. Away", hours=[("thu", "09:00", "10:00")], is_active=False)
    physiotherapist("Dr. Phone Only", hours=[("thu", "09:00", "10:00")], takes_online_bookings=False)
    when = date.fromisoformat(THURSDAY)
    times = free_times(visit_type(), when, when)
    assert [(free.local.strftime("%H:%M"), free.physiotherapist) for free in times] == [("09:00", early),
                                                                                       ("11:00", late)]  # fmt: skip


def test_a_fortnight_costs_the_same_queries_as_a_day():
    person = physiotherapist(hours=[("all", "09:00", "13:00")])
    visit = visit_type()
    BookingPolicy.load()  # the policy is read once either way
    with CaptureQueriesContext(connection) as one_day:
        free_times(visit, date(2026, 12, 3), date(2026, 12, 3), person)
    with CaptureQueriesContext(connection) as fortnight:
        free_times(visit, date(2026, 12, 3), date(2026, 12, 16), person)
    assert len(fortnight) == len(one_day)


def test_is_free_agrees_with_the_list():
    person = physiotherapist(hours=[("thu", "09:00", "10:00")])
    visit = visit_type()
    assert is_free(visit, person, at(THURSDAY, "09:00"))
    assert not is_free(visit, person, at(THURSDAY, "09:05")), "not on the step"
    assert not is_free(visit, person, at(THURSDAY, "09:15")), "would run past the end of work"


def test_staff_conflicts_name_what_is_in_the_way():

    hours = [("mon", "09:00", "13:00"), ("wed", "09:00", "13:00"), ("thu", "09:00", "13:00")]
    person = physiotherapist("Dr. Meera", hours=hours)
    visit = visit_type()
    taken = appointment(person, visit, at(THURSDAY, "10:00"))
    assert staff_conflict(person, visit, at("2026-12-02", "10:30")) is None, "staff need no notice (it is 10:00)"
    assert staff_conflict(person, visit, at(THURSDAY, "11:15")) is None, "right after the visit and its buffer"
    assert "appointment" in staff_conflict(person, visit, at(THURSDAY, "09:00")), "its buffer would run into 10:00"
    assert f"appointment {taken.reference} at 10:00 IST" in staff_conflict(person, visit, at(THURSDAY, "10:30"))
    after_hours = staff_conflict(person, visit, at("2026-12-07", "21:30"))
    assert "Dr. Meera works 09:00–13:00 IST that day" in after_hours
    assert "does not work that day" in staff_conflict(person, visit, at("2026-12-06", "10:00"))  # a Sunday
    assert "closed on 26 January 2027 (Republic Day)" in staff_conflict(person, visit, at("2027-01-26", "10:00"))
    assert staff_conflict(person, visit, at(THURSDAY, "10:00"), exclude=taken.pk) is None, "moving within itself"
