"""A visit's time lives in its appointment only: old confirmed requests move into the diary, the request admin shows
the appointment (or offers to book one), and a request's status follows its appointment through one table."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from appointments.diary import NotAllowed, appointment_book_by_staff, appointment_cancel
from appointments.models import Appointment, BookingRequest
from appointments.models.requests import FOLLOWS_APPOINTMENT, REQUEST_TRANSITIONS
from tests.admin_forms import form_values
from tests.appointments.diary import appointment, at, physiotherapist, visit_type
from tests.appointments.test_admin import make_request

IST = ZoneInfo("Asia/Kolkata")
Status = BookingRequest.Status
BEFORE = ("appointments", "0006_remove_booked_has_time_constraint")
MOVED = ("appointments", "0007_requests_into_appointments")


# The migration, run on a database holding requests with times, as the old admin left them.


def migrate_to(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])
    return MigrationExecutor(connection).loader.project_state([target]).apps


def latest():
    [leaf] = MigrationExecutor(connection).loader.graph.leaf_nodes("appointments")
    return leaf


@pytest.fixture
def old_database(transactional_db):
    """The schema as it was before the diary took the time; the latest schema again afterwards."""
    try:
        yield migrate_to(BEFORE)
    finally:
        migrate_to(latest())


def old_request(apps, status, when=None, physio=None, kind="new", **fields):
    BookingRequest = apps.get_model("appointments", "BookingRequest")
    created = datetime(2026, 11, 20, 9, 0, tzinfo=IST)
    return BookingRequest.objects.create(
        status=status, appointment_at=when, physiotherapist=physio, full_name="Priya Sharma", booking_for="myself",
        phone="+919876543210", visit_type=kind, preferred_date=when.date() if when else created.date(),
        preferred_time="morning", consent_version="2026-11-25", consent_at=created, created_at=created, **fields,
    )  # fmt: skip


def test_the_migration_moves_confirmed_times_into_appointments_and_an_overlapping_one_to_rebook(old_database):
    apps = old_database
    Physiotherapist = apps.get_model("clinic", "Physiotherapist")
    sharma = Physiotherapist.objects.create(name="Dr. A. Sharma (PT)", qualification="MPT")
    verma = Physiotherapist.objects.create(name="Dr. B. Verma (PT)", qualification="MPT")
    ten = datetime(2026, 12, 3, 10, 0, tzinfo=IST)
    first = old_request(apps, "confirmed", ten, sharma)
    clash = old_request(apps, "confirmed", ten + timedelta(minutes=30), sharma)  # inside the first's 60 + 15 min
    after_buffer = old_request(apps, "confirmed", ten + timedelta(minutes=75), sharma)
    other_physio = old_request(apps, "confirmed", ten, verma, kind="follow_up")
    done = old_request(apps, "completed", ten - timedelta(days=7), verma)
    noted = old_request(apps, "contacted", ten, sharma, internal_notes="Prefers mornings.")
    asked = old_request(apps, "requested")

    migrate_to(MOVED)
    migrate_to(latest())

    booked = Appointment.objects.get(booking_request_id=first.pk)
    assert (booked.status, booked.starts_at, booked.physiotherapist.name) == ("booked", ten, "Dr. A. Sharma (PT)")
    assert booked.visit_type.slug == "first-assessment" and booked.ends_at == ten + timedelta(minutes=60)
    assert booked.reference == first.reference, "the patient's calendar file keeps its UID"
    rebook = Appointment.objects.get(booking_request_id=clash.pk)
    assert rebook.status == Appointment.Status.TO_REBOOK and not rebook.holds_time
    assert Appointment.objects.get(booking_request_id=after_buffer.pk).status == "booked"
    follow_up = Appointment.objects.get(booking_request_id=other_physio.pk)
    assert (follow_up.status, follow_up.visit_type.slug, follow_up.visit_type.duration_minutes) == (
        "booked", "follow-up", 45,
    )  # fmt: skip
    assert Appointment.objects.get(booking_request_id=done.pk).status == "completed"
    assert not Appointment.objects.filter(booking_request_id__in=[noted.pk, asked.pk]).exists()
    notes = BookingRequest.objects.get(pk=noted.pk).internal_notes
    assert notes.startswith("Prefers mornings.")
    assert "Before the diary, this request had the time Thu 03 Dec 2026 10:00 IST with Dr. A. Sharma (PT)." in notes
    assert BookingRequest.objects.get(pk=clash.pk).status == Status.CONFIRMED


def test_migrating_back_puts_the_times_on_the_requests_and_forward_again_changes_nothing(old_database):
    apps = old_database
    sharma = apps.get_model("clinic", "Physiotherapist").objects.create(name="Dr. A. Sharma (PT)", qualification="MPT")
    ten = datetime(2026, 12, 3, 10, 0, tzinfo=IST)
    booking = old_request(apps, "confirmed", ten, sharma)
    migrate_to(latest())

    apps = migrate_to(BEFORE)
    back = apps.get_model("appointments", "BookingRequest").objects.get(pk=booking.pk)
    assert (back.appointment_at, back.physiotherapist_id) == (ten, sharma.pk)

    migrate_to(latest())
    assert Appointment.objects.filter(booking_request_id=booking.pk).count() == 1


# The request admin: the appointment, or a link to book one.


@pytest.fixture
def sharma(booking_db):
    return physiotherapist("Dr. A. Sharma (PT)", hours=[("thu", "09:00", "13:00")])


def change_page(browser, booking):
    return browser.get(f"/admin/appointments/bookingrequest/{booking.pk}/change/").text


def test_a_request_without_an_appointment_offers_to_book_a_time_for_it(booking_db, staff_client):
    booking = make_request()
    page = change_page(staff_client, booking)
    add = reverse("admin:appointments_appointment_add")
    assert f'<a href="{add}?booking_request={booking.pk}">Book a time for this request</a>' in page
    assert 'name="appointment_at' not in page and 'name="physiotherapist"' not in page


def test_a_request_shows_its_appointment_and_takes_its_status_from_it(
    booking_db, staff_client, sharma, mail_server, django_capture_on_commit_callbacks
):
    booking = make_request(email="priya@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        booked = appointment_book_by_staff(
            physiotherapist=sharma,
            visit_type=visit_type(),
            starts_at=at("2026-12-03", "10:30"),
            booking_request=booking,
        )
    booking.refresh_from_db()
    assert booking.status == Status.CONFIRMED
    page = change_page(staff_client, booking)
    assert (
        f"Booked: Thu 03 Dec 2026, 10:30 IST, Visit of 60 min with Dr. A. Sharma (PT) (appointment {booked.reference})"
        in page
    )
    assert reverse("admin:appointments_appointment_change", args=[booked.pk]) in page
    assert "Book a time for this request" not in page
    assert 'name="status"' not in page, "the status follows the appointment"
    [told] = mail_server.inbox.to("priya@example.com")
    assert "3 December 2026 at 10:30 IST" in told["Subject"]


def test_a_request_whose_time_clashed_says_it_needs_rebooking_and_offers_no_calendar_file(
    booking_db, staff_client, sharma
):
    booking = make_request()
    clashed = appointment(sharma, visit_type(), at("2026-12-03", "10:30"), Appointment.Status.TO_REBOOK,
                          booking_request=booking)  # fmt: skip
    page = change_page(staff_client, booking)
    assert "To rebook (time clashed): Thu 03 Dec 2026, 10:30 IST" in page
    assert "give it a new time" in page
    assert "calendar.ics" not in page
    assert staff_client.get(f"/admin/appointments/bookingrequest/{booking.pk}/calendar.ics").status_code == 404
    assert clashed.reference in page


def test_the_admin_front_page_counts_the_appointments_to_rebook_and_links_to_them(booking_db, staff_client, sharma):
    for clock_time in ("10:00", "10:30"):
        appointment(sharma, visit_type(), at("2026-12-03", clock_time), Appointment.Status.TO_REBOOK,
                    booking_request=make_request())  # fmt: skip
    appointment(sharma, visit_type(), at("2026-12-03", "12:00"), booking_request=make_request())
    page = staff_client.get(reverse("admin:index")).text
    assert "2 appointments need a new time" in page
    assert 'href="/admin/appointments/appointment/?status__exact=to_rebook"' in page


def test_the_admin_front_page_says_nothing_of_rebooking_when_nothing_clashed(booking_db, staff_client):
    assert "need a new time" not in staff_client.get(reverse("admin:index")).text


# The request's own table of statuses.


@pytest.mark.parametrize("back_to", [Status.REQUESTED, Status.CONTACTED, Status.CONFIRMED, Status.CANCELLED])
def test_the_request_status_table_never_lets_a_completed_request_go_back(back_to):
    assert not BookingRequest(status=Status.COMPLETED).may_become(back_to)


def test_every_status_has_a_row_in_the_table_and_every_appointment_status_it_follows_exists():
    assert set(REQUEST_TRANSITIONS) == set(Status.values)
    assert set(FOLLOWS_APPOINTMENT) <= set(Appointment.Status.values)


def test_in_the_admin_a_completed_request_cannot_be_put_back_to_requested(booking_db, staff_client):
    booking = make_request()
    BookingRequest.objects.filter(pk=booking.pk).update(status=Status.COMPLETED)
    url = f"/admin/appointments/bookingrequest/{booking.pk}/change/"
    response = staff_client.post(url, form_values(staff_client.get(url).content, "bookingrequest_form") | {
        "status": "requested",
    })  # fmt: skip
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    booking.refresh_from_db()
    assert booking.status == Status.COMPLETED


def test_by_hand_staff_move_a_call_back_only_between_requested_contacted_and_cancelled(booking_db, staff_client):
    booking = make_request()
    url = f"/admin/appointments/bookingrequest/{booking.pk}/change/"
    values = form_values(staff_client.get(url).content, "bookingrequest_form")
    assert staff_client.post(url, values | {"status": "contacted"}).status_code == 302
    refused = staff_client.post(url, values | {"status": "confirmed"})
    assert "Select a valid choice" in refused.text
    booking.refresh_from_db()
    assert booking.status == Status.CONTACTED


def test_cancelling_an_appointment_cancels_its_request_but_never_a_completed_one(booking_db, sharma):
    booking, done = make_request(), make_request()
    BookingRequest.objects.filter(pk=booking.pk).update(status=Status.CONFIRMED)
    BookingRequest.objects.filter(pk=done.pk).update(status=Status.COMPLETED)
    visit = visit_type()
    for request, clock_time in ((booking, "10:00"), (done, "12:00")):
        status = Appointment.Status.BOOKED if request is booking else Appointment.Status.TO_REBOOK
        appointment_cancel(
            appointment=appointment(sharma, visit, at("2026-12-03", clock_time), status, booking_request=request),
            by_patient=False,
        )
    booking.refresh_from_db()
    done.refresh_from_db()
    assert (booking.status, done.status) == (Status.CANCELLED, Status.COMPLETED)


def test_the_front_desk_cannot_book_a_second_time_for_a_request_or_one_for_a_cancelled_request(booking_db, sharma):
    booked, cancelled = make_request(), make_request()
    first = appointment_book_by_staff(
        physiotherapist=sharma, visit_type=visit_type(), starts_at=at("2026-12-03", "09:00"), booking_request=booked
    )
    BookingRequest.objects.filter(pk=cancelled.pk).update(status=Status.CANCELLED)
    cancelled.refresh_from_db()
    with pytest.raises(NotAllowed, match=f"already has appointment {first.reference}"):
        appointment_book_by_staff(
            physiotherapist=sharma, visit_type=visit_type(), starts_at=at("2026-12-03", "11:00"), booking_request=booked
        )
    with pytest.raises(NotAllowed, match="This request is cancelled"):
        appointment_book_by_staff(
            physiotherapist=sharma, visit_type=visit_type(), starts_at=at("2026-12-03", "11:00"),
            booking_request=cancelled,
        )  # fmt: skip
    assert Appointment.objects.count() == 1


# Privacy.


def test_the_privacy_notice_has_a_new_version_that_names_what_the_diary_stores(client, seeded):
    from appointments.privacy import PRIVACY_NOTICE_VERSION

    assert PRIVACY_NOTICE_VERSION > "2026-11-25"
    notice = " ".join(client.get("/privacy/").text.split())
    assert f"Version {PRIVACY_NOTICE_VERSION}" in notice
    for stored in (
        "its date and time, the physiotherapist who will see you, the kind of visit",
        "the time you chose is held for you for a few minutes",
        "a coded mark of your browser session and one of your internet address",
        "a private link to move or cancel it",
        "We do not send appointment reminders by text message or WhatsApp yet",
        "together with your appointment and the record of the e-mails we sent you",
    ):
        assert stored in notice


def test_a_visit_the_front_desk_records_as_completed_or_missed_closes_its_request(booking_db):
    from appointments.diary import appointment_set_status

    person = physiotherapist(hours=[("tue", "09:00", "13:00")])
    for status in (Appointment.Status.COMPLETED, Appointment.Status.NO_SHOW):
        request = make_request(status=BookingRequest.Status.CONFIRMED)
        visit = appointment(person, visit_type(), at("2026-12-01", "09:00" if status == "completed" else "11:00"),
                            booking_request=request)  # fmt: skip
        appointment_set_status(appointment=visit, status=status)
        request.refresh_from_db()
        assert request.status == status
