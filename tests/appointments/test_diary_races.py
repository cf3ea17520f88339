"""Many patients racing for one time, in threads on PostgreSQL, where the exclusion constraint settles who wins:
exactly as many appointments as there are physiotherapists free then, and every loser told "that time was just
taken" with the nearest free times, never an error.
"""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection

from appointments.diary import TimeTaken, appointment_hold, manage_token
from appointments.models import Appointment
from tests.appointments.diary import appointment, at, physiotherapist, visit_type
from tests.client import Client
from tests.threads import all_at_once

ON_POSTGRESQL = "postgresql" in settings.DATABASES["default"]["ENGINE"]
pytestmark = [
    pytest.mark.skipif(not ON_POSTGRESQL, reason="SQLite serialises writers; races are tested on PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]
PATIENTS = 40
THURSDAY = "2026-12-03"
TEN = at(THURSDAY, "10:00")


@pytest.fixture
def visit(seeded, clock):
    return visit_type(duration=45, buffer=15)


def try_to_hold(visit, physiotherapist, n):
    """One patient's attempt, from a browser and an address of their own: the hold, or the exception."""
    try:
        return appointment_hold(
            visit_type=visit, starts_at=TEN, physiotherapist=physiotherapist,
            session_key=f"session-{n}", client_ip=f"10.0.{n // 250}.{n % 250}",
        )  # fmt: skip
    except Exception as error:  # counted by the test: only TimeTaken is expected
        return error
    finally:
        connection.close()  # each thread has its own database connection


def race(visit, physiotherapist):
    outcomes = all_at_once(try_to_hold, [(visit, physiotherapist, n) for n in range(PATIENTS)])
    assert len(outcomes) == PATIENTS
    holds = [outcome for outcome in outcomes if isinstance(outcome, Appointment)]
    refusals = [outcome for outcome in outcomes if not isinstance(outcome, Appointment)]
    assert all(isinstance(refusal, TimeTaken) for refusal in refusals), {type(r).__name__ for r in refusals}
    return holds, refusals


def holding_at_ten():
    return Appointment.objects.holding_time().filter(starts_at=TEN)


def test_forty_patients_at_once_for_one_time_with_one_physiotherapist_make_exactly_one_hold(visit):
    asha = physiotherapist("Dr. Asha Rao (PT)", hours=[("thu", "09:00", "13:00")])

    holds, refusals = race(visit, asha)

    assert len(holds) == 1 and len(refusals) == PATIENTS - 1
    assert holding_at_ten().count() == 1
    assert all(refusal.nearest for refusal in refusals), "every loser is offered other times"
    assert all(TEN not in [free.starts_at for free in refusal.nearest] for refusal in refusals)


def test_forty_patients_at_once_with_anyone_and_three_free_make_three_holds_with_three_physiotherapists(visit):
    team = [physiotherapist(f"Dr. {name} (PT)", hours=[("thu", "09:00", "13:00")]) for name in ("A", "B", "C")]
    physiotherapist("Dr. Busy (PT)", hours=[("thu", "09:00", "13:00")], takes_online_bookings=False)

    holds, refusals = race(visit, None)

    assert len(holds) == 3 and len(refusals) == PATIENTS - 3
    assert sorted(hold.physiotherapist.name for hold in holds) == sorted(person.name for person in team)
    assert holding_at_ten().count() == 3


def test_a_lapsed_hold_in_the_way_is_taken_over_by_exactly_one_of_forty(visit):
    asha = physiotherapist("Dr. Asha Rao (PT)", hours=[("thu", "09:00", "13:00")])
    lapsed = appointment(asha, visit, TEN, status=Appointment.Status.HELD,
                         hold_expires_at=TEN - timedelta(days=2))  # fmt: skip

    holds, _ = race(visit, asha)

    assert len(holds) == 1
    lapsed.refresh_from_db()
    assert lapsed.status == Appointment.Status.EXPIRED
    assert holding_at_ten().get() == holds[0]


def test_patients_moving_to_one_time_through_their_manage_links_at_once_move_exactly_one(visit):
    asha = physiotherapist("Dr. Asha Rao (PT)", hours=[("all", "09:00", "13:00")])
    times = [at(day, clock) for day in ("2026-12-04", "2026-12-07") for clock in ("09:00", "10:00", "11:00", "12:00")]
    patients = [appointment(asha, visit, starts_at) for starts_at in times]
    target = at(THURSDAY, "11:00")

    def move(patient):
        try:
            data = {"action": "move", "starts_at": target.isoformat(), "physiotherapist": str(asha.pk)}
            return Client().post(f"/book/manage/?t={manage_token(patient)}", data).status_code
        finally:
            connection.close()

    statuses = all_at_once(move, [(patient,) for patient in patients])

    assert sorted(statuses) == [302] + [409] * (len(patients) - 1)
    assert Appointment.objects.holding_time().filter(starts_at=target).count() == 1
