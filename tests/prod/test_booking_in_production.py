"""The booking form on real gunicorn servers: a database outage, fifty patients at once, limits across servers."""

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from appointments.models import BookingRequest
from clinic.models import Closure
from tests.prod.servers import Browser, gunicorn, production_env, unused_port
from tests.services import REDIS_URL, redis_is_reachable
from tests.threads import all_at_once

pytestmark = pytest.mark.usefixtures("collected_static")

ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
needs_postgresql = pytest.mark.skipif(
    not ON_POSTGRESQL, reason="simultaneous writers need PostgreSQL: run with DATABASE_URL=postgres://…"
)
# The form refuses answers sent faster than a person types; the tests wait that long, as a patient would.
FILL_SECONDS = settings.BOOKING_MIN_FILL_SECONDS + 0.5


def open_day():
    """A weekday soon on which the clinic is open (it is closed on Sundays and on dated closures)."""
    day = timezone.localdate() + timedelta(days=2)
    while day.weekday() >= 5 or Closure.objects.filter(date=day).exists():
        day += timedelta(days=1)
    return day


def answers(browser, phone="98765 43210", **changes):
    """Open the form in `browser` and fill it in; returns what the browser will post."""
    html = browser.get("/book/").text
    stamp = Browser.field_value(html, "started")
    return {
        "csrfmiddlewaretoken": Browser.csrf_token(html),
        "started": stamp,
        "full_name": "Priya Sharma",
        "booking_for": "myself",
        "phone": phone,
        "email": "",
        "condition": "glutes-spasm",
        "visit_type": "new",
        "preferred_date": open_day().isoformat(),
        "preferred_time": "morning",
        "message": "Pain in the left buttock when sitting.",
        "consent": "on",
    } | changes


def test_a_request_sent_while_the_database_is_down_keeps_what_was_typed_and_saves_when_sent_again(
    seeded_for_servers,
):
    nowhere = f"postgres://dmphysios@127.0.0.1:{unused_port()}/dmphysios"
    with gunicorn(production_env()) as healthy, gunicorn(production_env(DATABASE_URL=nowhere)) as broken:
        patient = Browser(healthy, host="localhost")
        form = answers(patient, message="Pain since Monday.\nWorse when sitting.")
        time.sleep(FILL_SECONDS)
        # The database goes away between opening the form and sending it: same site, another server.
        patient.base = Browser(broken).base
        failed = patient.post("/book/", form)

        assert failed.status == 503
        assert "your request could not be saved" in failed.text
        assert "has <strong>not</strong> been sent" in failed.text
        assert "0120-4567890" in failed.text
        for typed in ("Priya Sharma", "98765 43210", "Pain since Monday.<br>Worse when sitting.", "morning"):
            assert typed in failed.text
        resend = dict(Browser.hidden_fields(failed.text))
        assert resend == form
        assert BookingRequest.objects.count() == 0

        # The database is back: "Send again" posts the same answers and the request is saved.
        patient.base = Browser(healthy).base
        again = patient.post("/book/", resend)
    assert again.status == 302
    assert BookingRequest.objects.get().full_name == "Priya Sharma"


def several_workers_env(**overrides):
    """Several workers share one cache, as production runs them (gunicorn refuses several without Redis)."""
    import uuid

    return production_env(REDIS_URL=REDIS_URL, CACHE_KEY_PREFIX=f"test-{uuid.uuid4().hex[:8]}", **overrides)


needs_redis = pytest.mark.skipif(not redis_is_reachable(), reason=f"several workers need a shared Redis at {REDIS_URL}")


@needs_postgresql
@needs_redis
def test_fifty_simultaneous_requests_are_all_saved_with_fifty_references(seeded_for_servers):
    env = several_workers_env(BOOKING_RATE_LIMIT_PER_IP_PER_HOUR="100")  # all fifty come from 127.0.0.1
    with gunicorn(env, workers=3) as url:
        statuses = submit_at_once(url, 50)
    assert sorted(statuses) == [302] * 50
    assert BookingRequest.objects.count() == 50
    assert BookingRequest.objects.values("reference").distinct().count() == 50


@needs_postgresql
@needs_redis
def test_fifty_simultaneous_requests_under_the_production_limits_are_saved_or_politely_refused(seeded_for_servers):
    with gunicorn(several_workers_env(), workers=3) as url:
        statuses = submit_at_once(url, 50)
    assert set(statuses) <= {302, 429}, statuses
    # Three workers count against one limit: ten an hour from one address means ten.
    assert statuses.count(302) == settings.BOOKING_RATE_LIMIT_PER_IP_PER_HOUR
    # None lost: every patient told "sent" has a saved request, and nobody else does.
    assert BookingRequest.objects.count() == statuses.count(302)


def submit_at_once(url, count):
    patients = [Browser(url) for _ in range(count)]
    forms = [answers(patient, phone=f"98765 {n:05d}") for n, patient in enumerate(patients)]
    time.sleep(FILL_SECONDS)
    return all_at_once(lambda patient, form: patient.post("/book/", form).status, zip(patients, forms, strict=True))


@needs_postgresql
@needs_redis
def test_a_rate_limit_reached_on_one_server_holds_on_the_other(seeded_for_servers):
    env = several_workers_env()
    limit = settings.BOOKING_RATE_LIMIT_PER_PHONE_PER_DAY
    with gunicorn(env) as server_a, gunicorn(env) as server_b:
        patients = [Browser(server_a) for _ in range(limit)] + [Browser(server_b)]
        forms = [answers(patient) for patient in patients]
        time.sleep(FILL_SECONDS)
        on_a = [patient.post("/book/", form).status for patient, form in zip(patients[:-1], forms, strict=False)]
        on_b = patients[-1].post("/book/", forms[-1])
    assert on_a == [302] * limit
    assert on_b.status == 429
    assert "0120" in on_b.text  # the polite refusal gives the clinic's number
    assert BookingRequest.objects.count() == limit
