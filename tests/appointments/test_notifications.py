import logging
import time

import pytest
from django.core.management import call_command
from django.utils import timezone

from appointments.models import BookingRequest, Notification, NotificationRecipient
from appointments.notifications import claim, send_notifications
from tests.appointments.booking import send
from tests.appointments.mailserver import SilentServer, body
from tests.builders import make_booking_request

pytestmark = pytest.mark.usefixtures("booking_db")
PATIENT = "priya@example.com"


def book(client, clock, capture, **changes):
    with capture(execute=True):
        return send(client, clock, **changes)


def test_the_clinic_and_the_patient_receive_their_emails_through_real_smtp(
    client, clock, mail_server, front_desk_inbox, django_capture_on_commit_callbacks
):
    book(client, clock, django_capture_on_commit_callbacks, email=PATIENT)

    booking = BookingRequest.objects.get()
    [alert] = mail_server.inbox.to(front_desk_inbox)
    assert alert["Subject"] == f"New booking request {booking.reference}"
    alert_text = body(alert)
    for expected in ("Priya Sharma", "+919876543210", PATIENT, "Glutes Spasm", "New patient",
                     "Thursday 3 December 2026, morning (IST)", "Pain in the left buttock when sitting."):  # fmt: skip
        assert expected in alert_text
    [acknowledgement] = mail_server.inbox.to(PATIENT)
    assert booking.reference in acknowledgement["Subject"]
    ack_text = body(acknowledgement)
    assert "Thursday 3 December 2026, in the morning (IST)" in ack_text
    assert "we'll call you from 0120-0000000 within 4 working hours" in ack_text
    assert "&#x27;" not in ack_text
    assert set(Notification.objects.values_list("state", flat=True)) == {Notification.State.SENT}


def test_an_urgent_request_is_flagged_in_the_clinics_subject_and_the_patients_email_gives_emergency_advice(
    client, clock, mail_server, front_desk_inbox, django_capture_on_commit_callbacks
):
    book(client, clock, django_capture_on_commit_callbacks, email=PATIENT, red_flags=["saddle_numbness"])
    [alert] = mail_server.inbox.to(front_desk_inbox)
    assert alert["Subject"].startswith("URGENT")
    assert "Numbness around the genitals or buttocks" in body(alert)
    assert "Call 112, or 108 for an ambulance" in body(mail_server.inbox.to(PATIENT)[0])


def test_without_an_email_address_only_the_clinic_is_told(
    client, clock, mail_server, front_desk_inbox, django_capture_on_commit_callbacks
):
    book(client, clock, django_capture_on_commit_callbacks)
    assert [m["To"] for m in mail_server.inbox.messages] == [front_desk_inbox]


def test_with_no_recipients_set_up_the_alert_goes_to_the_clinics_public_address(
    client, clock, mail_server, django_capture_on_commit_callbacks
):
    assert not NotificationRecipient.objects.exists()
    book(client, clock, django_capture_on_commit_callbacks)
    assert [m["To"] for m in mail_server.inbox.messages] == ["appointments@example.com"]


def test_with_the_mail_server_down_the_request_is_saved_and_its_mail_goes_out_once_the_server_is_back(
    client, clock, mail_server, front_desk_inbox, django_capture_on_commit_callbacks
):
    mail_server.stop()
    response = book(client, clock, django_capture_on_commit_callbacks, email=PATIENT)

    assert response.status_code == 302
    assert client.get(response.url).status_code == 200
    booking = BookingRequest.objects.get()
    for notification in booking.notifications.all():
        assert notification.state == Notification.State.FAILED
        assert notification.attempts == 1
        assert "Connection refused" in notification.last_error or "ConnectionRefusedError" in notification.last_error

    call_command("send_notifications")  # too soon: waits for the backoff
    assert not mail_server.inbox.messages

    mail_server.start()
    clock.shift(2 * 60)
    call_command("send_notifications")
    call_command("send_notifications")
    assert len(mail_server.inbox.to(front_desk_inbox)) == 1
    assert len(mail_server.inbox.to(PATIENT)) == 1
    sent = booking.notifications.all()
    assert {(n.state, n.attempts, n.last_error) for n in sent} == {(Notification.State.SENT, 2, "")}


@pytest.fixture
def hanging_mail_server(settings):
    server = SilentServer()
    server.start()
    settings.EMAIL_PORT = server.port
    yield server
    server.stop()


def test_a_hanging_mail_server_keeps_nobody_waiting_and_the_worker_delivers_later(
    client, clock, settings, mail_server, hanging_mail_server, front_desk_inbox, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    from appointments.tasks import tick

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # as in production
    settings.EMAIL_TIMEOUT = 3
    started = time.monotonic()
    response = book(client, clock, django_capture_on_commit_callbacks, email=PATIENT)
    waited = time.monotonic() - started

    assert response.status_code == 302
    assert client.get(response.url).status_code == 200
    assert waited < 1, "the request queues its e-mails: it never talks to the mail server"
    assert hanging_mail_server.accepted == []
    booking = BookingRequest.objects.get()
    assert set(booking.notifications.values_list("state", flat=True)) == {Notification.State.PENDING}
    assert DBTaskResult.objects.get().task_path == "appointments.tasks.send_outbox"

    tick()  # the worker's round, against the hanging server
    assert len(hanging_mail_server.accepted) == 1, "one connection for the clinic's alert and the patient's e-mail"
    for notification in booking.notifications.all():
        assert notification.state == Notification.State.FAILED
        assert "timed out" in notification.last_error

    settings.EMAIL_PORT = mail_server.port  # the mail server answers again
    clock.shift(2 * 60)
    tick()
    assert len(mail_server.inbox.to(front_desk_inbox)) == 1
    assert len(mail_server.inbox.to(PATIENT)) == 1
    assert set(booking.notifications.values_list("state", flat=True)) == {Notification.State.SENT}


def test_one_batch_sends_every_message_over_a_single_connection(booking_db, mail_server, front_desk_inbox):
    make_notification()
    assert send_notifications() == {Notification.State.SENT: 2}
    assert len(mail_server.inbox.messages) == 2
    assert len(set(mail_server.inbox.peers)) == 1


def test_retries_back_off_and_stop_after_the_last_attempt(booking_db, clock, settings, mail_server):
    settings.BOOKING_NOTIFICATION_MAX_ATTEMPTS = 3
    mail_server.stop()
    notification = make_notification()
    delays = []
    for _ in range(3):
        send_notifications()
        notification.refresh_from_db()
        delays.append((notification.next_attempt_at - timezone.now()).total_seconds())
        clock.shift(60 * 60)
    assert delays == [60, 120, 240]
    assert notification.attempts == 3
    send_notifications()
    notification.refresh_from_db()
    assert notification.attempts == 3


def make_notification(email=PATIENT):
    booking = make_booking_request(email=email)
    return booking.notifications.get(kind=Notification.Kind.PATIENT_ACKNOWLEDGEMENT)


def test_a_row_claimed_by_one_sender_is_never_sent_by_another(booking_db, mail_server):
    notification = make_notification()
    assert claim(notification.pk)
    assert not claim(notification.pk)
    send_notifications()
    assert not mail_server.inbox.to(PATIENT)
    notification.refresh_from_db()
    assert (notification.state, notification.attempts) == (Notification.State.SENDING, 1)


def test_the_on_commit_path_and_the_command_never_send_one_message_twice(
    client, clock, mail_server, front_desk_inbox, django_capture_on_commit_callbacks
):
    book(client, clock, django_capture_on_commit_callbacks, email=PATIENT)
    call_command("send_notifications")
    assert len(mail_server.inbox.messages) == 2


def test_staff_see_a_failure_in_the_admin_and_resend_it(
    client, clock, mail_server, front_desk_inbox, staff_client, django_capture_on_commit_callbacks
):
    mail_server.stop()
    book(client, clock, django_capture_on_commit_callbacks)
    failed = Notification.objects.get()
    listing = staff_client.get("/admin/appointments/notification/?state__exact=failed").text
    assert "Connection" in listing and failed.recipient in listing

    mail_server.start()
    with django_capture_on_commit_callbacks(execute=True):  # queued for the worker (run at once in tests)
        staff_client.post(
            "/admin/appointments/notification/", {"action": "resend_selected", "_selected_action": [failed.pk]}
        )
    failed.refresh_from_db()
    assert failed.state == Notification.State.SENT
    assert len(mail_server.inbox.messages) == 1


def test_no_name_phone_email_or_message_reaches_the_log(
    client, clock, mail_server, front_desk_inbox, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.DEBUG)
    mail_server.stop()
    book(client, clock, django_capture_on_commit_callbacks, email=PATIENT, red_flags=["fall_accident"])
    mail_server.start()
    clock.shift(300)
    call_command("send_notifications")
    # Everything the site logs; "mail.log" is the test's own SMTP server, which production doesn't run.
    logged = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("mail.log"))
    assert "Booking request" in logged and "failed" in logged and "sent" in logged
    for personal in ("Priya", "Sharma", "98765", "43210", "priya@", "frontdesk@", "left buttock when sitting"):
        assert personal not in logged
