from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command

from appointments.models import BookingRequest, Notification
from clinic.models import Physiotherapist
from tests.builders import make_booking_request

pytestmark = pytest.mark.usefixtures("booking_db")
Status = BookingRequest.Status


def request_made(days_ago, status, clock):
    """A request created `days_ago` days before now, in `status`."""
    clock.shift(-timedelta(days=days_ago))
    booking = make_booking_request()
    clock.shift(timedelta(days=days_ago))
    if status in BookingRequest.BOOKED_STATUSES:
        booking.appointment_at = booking.created_at
        booking.physiotherapist = Physiotherapist.objects.get_or_create(name="Dr. A", qualification="MPT")[0]
    booking.status = status
    booking.save()
    return booking.reference


@pytest.fixture
def history(clock):
    return {
        "old_completed": request_made(400, Status.COMPLETED, clock),
        "old_cancelled": request_made(400, Status.CANCELLED, clock),
        "old_no_show": request_made(366, Status.NO_SHOW, clock),
        "old_open": request_made(400, Status.REQUESTED, clock),
        "old_confirmed": request_made(400, Status.CONFIRMED, clock),
        "recent_completed": request_made(300, Status.COMPLETED, clock),
        "recent_open": request_made(10, Status.CONTACTED, clock),
    }


def remaining():
    return set(BookingRequest.objects.values_list("reference", flat=True))


def run(*args):
    from io import StringIO

    out = StringIO()
    call_command("purge_booking_requests", *args, stdout=out)
    return out.getvalue()


def test_the_purge_deletes_only_closed_requests_older_than_the_retention_period(history):
    output = run()
    assert "Deleted 3 closed booking request(s) older than 365 days." in output
    kept = {"old_open", "old_confirmed", "recent_completed", "recent_open"}
    assert remaining() == {history[name] for name in kept}
    assert not Notification.objects.exclude(booking_request__reference__in=remaining()).exists()


def test_open_requests_past_the_retention_period_are_listed_for_staff_and_kept(history):
    output = run()
    assert "2 open request(s) older than 365 days need closing by staff" in output
    assert history["old_open"] in output and history["old_confirmed"] in output
    assert history["recent_open"] not in output


def test_a_dry_run_says_what_would_go_and_deletes_nothing(history):
    before = remaining()
    output = run("--dry-run")
    assert "Would delete 3 closed booking request(s)" in output
    assert remaining() == before


def test_older_than_sets_the_age(history):
    assert "Deleted 4 closed" in run("--older-than", "200")
    assert history["recent_completed"] not in remaining()
    assert history["recent_open"] in remaining()


@pytest.mark.parametrize("days", ["0", "-30"])
def test_an_age_of_zero_or_less_is_refused_and_nothing_is_deleted(history, days):
    before = remaining()
    with pytest.raises(CommandError, match="--older-than must be a number of days above 0"):
        run("--older-than", days)
    assert remaining() == before


def test_the_retention_period_is_a_setting(history, settings):
    settings.BOOKING_RETENTION_DAYS = 390
    assert "Deleted 2 closed booking request(s) older than 390 days." in run()
    assert history["old_no_show"] in remaining()
