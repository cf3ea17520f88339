"""Booking tests run on a frozen clock in IST, with an empty rate-limit cache, from a seeded database."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache

IST = ZoneInfo("Asia/Kolkata")
# A Wednesday morning; the clinic (per the fixture) is open Mon–Sat, closed on Sundays.
WEDNESDAY_MORNING = datetime(2026, 12, 2, 10, 0, tzinfo=IST)


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(WEDNESDAY_MORNING, tick=False)
    return time_machine


@pytest.fixture
def booking_db(seeded, clock):
    """The seeded database, at Wednesday 2 December 2026, 10:00 IST."""
