from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from appointments.models import Appointment, BookingRequest, Notification
from clinic.models import Physiotherapist
from tests.appointments.diary import appointment, visit_type
from tests.builders import make_booking_request

pytestmark = pytest.mark.usefixtures("booking_db")
Status = BookingRequest.Status


APPOINTMENT_FOR = {Status.CONFIRMED: Appointment.Status.BOOKED, Status.COMPLETED: Appointment.Status.COMPLETED}


def request_made(days_ago, status, clock):
    """A request created `days_ago` days before now, in `status`; a confirmed or completed one has its appointment."""
    clock.shift(-timedelta(days=days_ago))
    booking = make_booking_request()
    if status in APPOINTMENT_FOR:
        physio = Physiotherapist.objects.get_or_create(name="Dr. A", qualification="MPT")[0]
        starts_at = timezone.now() + timedelta(days=1, hours=2 * Appointment.objects.count())  # none overlap
        appointment(physio, visit_type(), starts_at, APPOINTMENT_FOR[status], booking_request=booking)
    clock.shift(timedelta(days=days_ago))
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
    assert set(Appointment.objects.values_list("booking_request__reference", flat=True)) == {
        history["old_confirmed"], history["recent_completed"],
    }  # fmt: skip


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


def test_a_request_marked_closed_is_kept_while_its_appointment_is_still_to_come(history, clock):
    booking = BookingRequest.objects.get(reference=history["old_confirmed"])
    BookingRequest.objects.filter(pk=booking.pk).update(status=Status.CANCELLED)
    run()
    assert booking.reference in remaining()
    assert Appointment.objects.filter(booking_request=booking).exists()


def test_a_request_whose_visit_is_over_goes_even_if_the_request_was_never_closed(history):
    Appointment.objects.filter(booking_request__reference=history["old_confirmed"]).update(
        status=Appointment.Status.NO_SHOW
    )
    assert "Deleted 4 closed booking request(s)" in run()
    assert history["old_confirmed"] not in remaining()


def held_time(hold_expired_ago, status=Appointment.Status.HELD, **fields):
    physio = Physiotherapist.objects.get_or_create(name="Dr. A", qualification="MPT")[0]
    starts_at = timezone.now() + timedelta(days=3, hours=2 * Appointment.objects.count())  # none overlap
    expires = timezone.now() - hold_expired_ago
    return appointment(physio, visit_type(), starts_at, status, hold_expires_at=expires, **fields).reference


def test_held_times_nobody_booked_go_a_day_after_the_hold_ran_out_and_staff_bookings_stay(booking_db):
    old_hold = held_time(timedelta(days=1, minutes=1))
    old_lapsed = held_time(timedelta(days=2), Appointment.Status.EXPIRED)
    recent_lapsed = held_time(timedelta(hours=23), Appointment.Status.EXPIRED)
    live_hold = held_time(-timedelta(minutes=5))
    staff_booking = held_time(timedelta(days=30), Appointment.Status.BOOKED)  # booked by the front desk, no request

    output = run()

    assert "Deleted 2 lapsed hold(s) nobody booked." in output
    kept = set(Appointment.objects.values_list("reference", flat=True))
    assert kept == {recent_lapsed, live_hold, staff_booking}
    assert old_hold not in kept and old_lapsed not in kept


def test_a_dry_run_counts_the_lapsed_holds_too(booking_db):
    held_time(timedelta(days=2), Appointment.Status.EXPIRED)
    assert "Would delete 1 lapsed hold(s) nobody booked." in run("--dry-run")
    assert Appointment.objects.count() == 1
