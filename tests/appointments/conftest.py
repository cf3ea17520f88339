"""Booking tests run on a frozen clock in IST from a seeded database (tests/conftest.py empties the cache)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

IST = ZoneInfo("Asia/Kolkata")
# A Wednesday morning; the clinic (per the fixture) is open Mon–Sat, closed on Sundays.
WEDNESDAY_MORNING = datetime(2026, 12, 2, 10, 0, tzinfo=IST)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(WEDNESDAY_MORNING, tick=False)
    return time_machine


@pytest.fixture
def booking_db(seeded, clock):
    """The seeded database, at Wednesday 2 December 2026, 10:00 IST."""


@pytest.fixture
def mail_server(settings):
    """Django sends through real SMTP to a server on 127.0.0.1; `mail_server.stop()` is the server going down."""
    from tests.appointments.mailserver import MailServer

    server = MailServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()


@pytest.fixture
def front_desk_inbox(db):
    from appointments.models import NotificationRecipient

    return NotificationRecipient.objects.create(email="frontdesk@dmphysios.test", description="Front desk").email
