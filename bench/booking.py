"""The booking-submission row of `make bench`: valid POSTs, each with a fresh CSRF token and form stamp.

A patient's browser opens the form and then sends it, so each submission here is a GET of /book/ (for the
cookie, the token and the form's signed start time) followed by the POST; the rate counts submissions.
wrk cannot carry a token from one response into the next request, so this row always uses the bundled
Python generator: compare it with the other rows with that in mind.
"""

import http.client
import itertools
import os
import re
import threading
import urllib.parse
from datetime import date, timedelta

from bench import loadgen

# What the bench relaxes, in its own environment only, so one loopback address may send thousands of
# requests: abuse limits off (0 turns a limit off), no minimum time to fill the form, and e-mail to nowhere.
RELAXED_SETTINGS = {
    "BOOKING_MIN_FILL_SECONDS": "0",
    "BOOKING_RATE_LIMIT_PER_IP_PER_HOUR": "0",
    "BOOKING_RATE_LIMIT_PER_PHONE_PER_DAY": "0",
    "BOOKING_RATE_LIMIT_PER_EMAIL_PER_DAY": "0",
    # Since issue #12 the POST only queues its e-mails (the worker sends them, and no worker runs in the bench):
    # point this at a mail server that hangs (BENCH_EMAIL_URL=smtp://127.0.0.1:<port>) and p99 stays the same.
    "EMAIL_URL": os.environ.get("BENCH_EMAIL_URL", "dummymail://"),
}
BOOK = "/book/"


def open_weekday():
    day = date.today() + timedelta(days=7)
    while day.weekday() >= 5:  # the clinic is closed on Sundays and open short hours on Saturdays
        day += timedelta(days=1)
    return day.isoformat()


def submit(connection, phone):
    """GET the form, POST it back filled in; (status of the POST, bytes received)."""
    connection.request("GET", BOOK)
    response = connection.getresponse()
    html = response.read().decode()
    cookie = "; ".join(
        header.split(";", 1)[0] for header in response.headers.get_all("Set-Cookie") or [] if "csrftoken" in header
    )
    fields = {
        "csrfmiddlewaretoken": re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1),
        "started": re.search(r'name="started" value="([^"]+)"', html).group(1),
        "full_name": "Bench Patient",
        "booking_for": "myself",
        "phone": phone,
        "email": "bench@example.com",  # so the patient's e-mail is queued as well as the clinic's
        "condition": "glutes-spasm",
        "visit_type": "new",
        "preferred_date": open_weekday(),
        "preferred_time": "morning",
        "message": "Benchmark request.",
        "consent": "on",
    }
    body = urllib.parse.urlencode(fields)
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
    connection.request("POST", BOOK, body=body, headers=headers)
    response = connection.getresponse()
    received = len(response.read()) + len(html)
    # A saved request redirects to its confirmation; anything else (a form with errors) is counted as an error.
    return (response.status if response.status == 302 else 599), received


def has_booking_form(base_url):
    target = urllib.parse.urlsplit(base_url)
    connection = http.client.HTTPConnection(target.hostname, target.port, timeout=10)
    connection.request("GET", BOOK)
    html = connection.getresponse().read().decode()
    connection.close()
    return 'name="csrfmiddlewaretoken"' in html and 'name="started"' in html


def measure(base_url, seconds, connections):
    if not has_booking_form(base_url):
        return {"name": "booking submissions", "skipped": "the booking form is not on this branch"}
    print(f"Measuring booking submissions: GET + POST {base_url}{BOOK} (bundled Python generator)")
    numbers, lock = itertools.count(), threading.Lock()

    def one(connection):
        with lock:
            n = next(numbers)
        return submit(connection, f"98{n % 100_000_000:08d}")

    result = loadgen.run(base_url + BOOK, seconds, connections, make_request=one)
    return {"name": "booking submissions (Python generator, GET+POST each)", "url": base_url + BOOK} | result
