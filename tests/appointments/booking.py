"""Fill in and send the booking form the way a patient's browser does."""

import re

from bs4 import BeautifulSoup

BOOK = "/book/"

VALID = {
    "full_name": "Priya Sharma",
    "booking_for": "myself",
    "phone": "98765 43210",
    "email": "",
    "condition": "glutes-spasm",
    "visit_type": "new",
    "preferred_date": "2026-12-03",
    "preferred_time": "morning",
    "message": "Pain in the left buttock when sitting.",
    "consent": "on",
}


def form_stamp(client, path=BOOK):
    html = client.get(path).text
    return BeautifulSoup(html, "html.parser").find("input", attrs={"name": "started"})["value"]


def send(client, clock, seconds_to_fill=30, **changes):
    """Open the form, take `seconds_to_fill` seconds, send it with `changes` to the valid answers."""
    data = {**VALID, "started": form_stamp(client), **changes}
    clock.shift(seconds_to_fill)
    return client.post(BOOK, {key: value for key, value in data.items() if value is not None})


def page(response):
    return BeautifulSoup(response.content, "html.parser")


def error_next_to(response, field):
    """The error text shown under a field, tied to it by aria-describedby."""
    soup = page(response)
    errors = soup.find(id=f"id_{field}_error")
    return " ".join(errors.get_text(" ").split()) if errors else ""


def text(response):
    return re.sub(r"\s+", " ", page(response).get_text(" "))
