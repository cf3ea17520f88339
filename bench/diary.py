"""`make bench-diary`: the cost of the one availability rule, in one process, on PostgreSQL.

Builds a throwaway copy of the DATABASE_URL database (<name>_bench_diary, dropped afterwards) with the seed
data, 5 physiotherapists working Monday to Saturday and 2,000 appointments around today (past visits completed,
coming ones booked, some cancelled, a few held), then times free_times() for one visit type over 14 days with
anyone (the patient's page) and with one physiotherapist, and counts the queries for 1 day and for 14 days.
Budgets (issue #11): p95 ≤ 30 ms, and a query count that does not grow with the days. Reports; does not fail.
"""

import argparse
import io
import os
import random
import statistics
import sys
import time
from datetime import datetime, timedelta
from datetime import time as clock
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools.production_like import production_env  # noqa: E402

P95_BUDGET_MS = 30
PHYSIOTHERAPISTS = 5
APPOINTMENTS = 2000
DAYS = 14
# Monday to Friday inside the clinic's two spans, Saturday mornings (the seeded opening hours).
WEEKDAY_HOURS = [("09:00", "13:00"), ("16:30", "20:30")]
SATURDAY_HOURS = [("09:00", "14:00")]
MIX = random.Random(11)  # noqa: S311 - the same diary every run, not a secret


def setup():
    """Django with the production settings on a fresh copy of the DATABASE_URL database; the original's name."""
    database_url = os.environ["DATABASE_URL"]
    os.environ.update(production_env(database_url, DJANGO_LOG_LEVEL="WARNING"))
    os.chdir(ROOT)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    original = connection.settings_dict["NAME"]
    connection.settings_dict["TEST"]["NAME"] = f"{original}_bench_diary"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    call_command("load_initial_data", verbosity=0, stdout=io.StringIO())
    return original


def build_diary():
    """5 physiotherapists and 2,000 appointments that never overlap, from 60 days ago to 28 days ahead."""
    from django.utils import timezone

    from appointments.models import Appointment, VisitType
    from clinic.models import Physiotherapist, WorkingHours

    visit = VisitType.objects.get(slug="follow-up")  # 45 minutes and a 15-minute buffer: an hour each
    team = [Physiotherapist.objects.create(name=f"Dr. Bench {n} (PT)", qualification="MPT") for n in range(5)]
    WorkingHours.objects.bulk_create(
        WorkingHours(physiotherapist=person, weekday=weekday, starts=clock.fromisoformat(start),
                     ends=clock.fromisoformat(end))
        for person in team
        for weekday in range(6)
        for start, end in (SATURDAY_HOURS if weekday == 5 else WEEKDAY_HOURS)
    )  # fmt: skip
    now, today = timezone.now(), timezone.localdate()
    hours = ["09:00", "10:00", "11:00", "12:00", "16:30", "17:30", "18:30", "19:30"]
    slots = [
        (person, datetime.combine(today + timedelta(days=offset), clock.fromisoformat(hour),
                                  tzinfo=timezone.get_current_timezone()))
        for offset in range(-60, 29)
        if (today + timedelta(days=offset)).weekday() < 5
        for person in team
        for hour in hours
    ]  # fmt: skip
    chosen = MIX.sample(slots, APPOINTMENTS)
    Appointment.objects.bulk_create(appointment(person, visit, starts_at, now) for person, starts_at in chosen)
    return visit, team


def appointment(person, visit, starts_at, now):
    from appointments.models import Appointment

    draw = MIX.random()
    if starts_at < now:
        status = Appointment.Status.COMPLETED if draw < 0.9 else Appointment.Status.CANCELLED
    else:
        status = Appointment.Status.BOOKED if draw < 0.85 else Appointment.Status.CANCELLED
    booked = Appointment(physiotherapist=person, status=status)
    if starts_at > now and draw > 0.97:
        booked.status, booked.hold_expires_at = Appointment.Status.HELD, now + timedelta(minutes=5)
    booked.set_time(starts_at, visit)
    return booked


def time_calls(call, count):
    """[(wall ms, CPU ms)] of each call."""
    times = []
    for _ in range(count):
        wall, cpu = time.perf_counter(), time.process_time()
        call()
        times.append(((time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000))
    return times


def queries(call):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


def measure(name, visit, physiotherapist, runs):
    from django.utils import timezone

    from appointments.availability import free_times

    today = timezone.localdate()
    fortnight = lambda: free_times(visit, today, today + timedelta(days=DAYS - 1), physiotherapist)  # noqa: E731
    one_day = lambda: free_times(visit, today + timedelta(days=1), today + timedelta(days=1), physiotherapist)  # noqa: E731
    offered = len(fortnight())
    time_calls(fortnight, 20)  # warm up
    wall, cpu = zip(*time_calls(fortnight, runs), strict=True)
    p95, cpu_p95 = statistics.quantiles(wall, n=20)[-1], statistics.quantiles(cpu, n=20)[-1]
    day_queries, fortnight_queries = queries(one_day), queries(fortnight)
    print(
        f"free_times, {name}, {DAYS} days ({offered} free times), {runs} calls: "
        f"p95 {p95:.1f} ms (budget ≤ {P95_BUDGET_MS} ms: {'ok' if p95 <= P95_BUDGET_MS else 'OVER'}), "
        f"p95 of CPU time {cpu_p95:.1f} ms, median {statistics.median(wall):.1f} ms; "
        f"queries: {day_queries} for 1 day, {fortnight_queries} for {DAYS} days "
        f"({'same' if day_queries == fortnight_queries else 'GROWS with the days'})"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=400, help="calls to time (after 20 to warm up)")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        print("bench-diary: skipped: the budget is for PostgreSQL, set DATABASE_URL=postgres://… to measure it")
        return

    original = setup()
    from django.db import connection

    try:
        visit, team = build_diary()
        print(
            f"PostgreSQL {connection.pg_version // 10000}, {PHYSIOTHERAPISTS} physiotherapists, {APPOINTMENTS} "
            f"appointments, visit type {visit.name!r} ({visit.duration_minutes}+{visit.buffer_minutes} min); "
            f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (wall-clock times include waiting for one)"
        )
        measure("anyone", visit, None, args.runs)
        measure("one physiotherapist", visit, team[0], args.runs)
    finally:
        connection.creation.destroy_test_db(original, verbosity=0)


if __name__ == "__main__":
    main()
