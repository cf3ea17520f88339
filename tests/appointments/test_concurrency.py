import pytest
from django.conf import settings
from django.db import connection

from appointments.models import BookingRequest, Notification
from tests.appointments.booking import BOOK, VALID, form_stamp
from tests.client import Client
from tests.threads import all_at_once

ON_POSTGRESQL = "postgresql" in settings.DATABASES["default"]["ENGINE"]
pytestmark = [
    pytest.mark.skipif(not ON_POSTGRESQL, reason="SQLite serialises writers; concurrency is tested on PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]
THREADS = 20


def post_together(browsers, forms):
    """POST each form from its browser, all released at the same moment; the status codes, in finishing order."""

    def submit(browser, data):
        try:
            return browser.post(BOOK, data).status_code
        finally:
            connection.close()  # each thread has its own database connection

    return all_at_once(submit, zip(browsers, forms, strict=True))


def test_twenty_simultaneous_submissions_create_twenty_requests_with_twenty_references(seeded, clock, settings):
    settings.BOOKING_RATE_LIMIT_PER_IP_PER_HOUR = 100  # all twenty come from 127.0.0.1
    browsers = [Client() for _ in range(THREADS)]
    forms = [
        {**VALID, "phone": f"98765 000{n:02d}", "started": form_stamp(browser)} for n, browser in enumerate(browsers)
    ]
    clock.shift(30)
    statuses = post_together(browsers, forms)

    assert statuses == [302] * THREADS
    assert BookingRequest.objects.count() == THREADS
    assert len(set(BookingRequest.objects.values_list("reference", flat=True))) == THREADS
    assert Notification.objects.count() == THREADS  # one clinic alert each


def test_the_same_form_sent_twenty_times_at_once_creates_one_request(seeded, clock):
    browser = Client()
    data = {**VALID, "started": form_stamp(browser)}
    clock.shift(30)
    statuses = post_together([browser] * THREADS, [data] * THREADS)

    assert statuses == [302] * THREADS
    assert BookingRequest.objects.count() == 1
    assert Notification.objects.count() == 1


def test_a_burst_of_twenty_different_forms_from_one_phone_saves_only_the_daily_limit(seeded, clock):
    browsers = [Client() for _ in range(THREADS)]
    forms = [{**VALID, "started": form_stamp(browser)} for browser in browsers]
    clock.shift(30)
    statuses = post_together(browsers, forms)

    assert sorted(statuses) == [302] * 3 + [429] * (THREADS - 3)
    assert BookingRequest.objects.count() == 3
    assert Notification.objects.count() == 3
