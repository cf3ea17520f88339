import pytest
from django.urls import reverse

from appointments.models import Notification
from tests.appointments.test_admin import make_request

pytestmark = pytest.mark.django_db


def failed(booking, attempts, recipient):
    return Notification.objects.create(
        booking_request=booking, kind="patient_ack", recipient=recipient, state="failed", attempts=attempts
    )


def test_the_admin_front_page_asks_staff_to_call_only_for_notifications_given_up(staff_client, settings):
    booking = make_request()
    for recipient in ("a@example.com", "b@example.com"):
        failed(booking, settings.BOOKING_NOTIFICATION_MAX_ATTEMPTS, recipient)
    failed(booking, 1, "still-trying@example.com")
    page = staff_client.get(reverse("admin:index")).content.decode()
    assert "2 e-mail notifications could not be sent and will not be tried again." in page
    assert "1 e-mail notification failed so far and will be tried again automatically." in page

    given_up = staff_client.get("/admin/appointments/notification/?retries=given_up").content.decode()
    assert "a@example.com" in given_up and "b@example.com" in given_up
    assert "still-trying@example.com" not in given_up


def test_a_notification_still_being_retried_is_not_called_a_failure_to_act_on(staff_client):
    failed(make_request(), 1, "a@example.com")
    page = staff_client.get(reverse("admin:index")).content.decode()
    assert "call those patients" not in page
    assert "will be tried again automatically" in page


def test_the_admin_front_page_is_calm_when_nothing_failed(staff_client):
    page = staff_client.get(reverse("admin:index")).content.decode()
    assert "could not be sent" not in page
    assert "All e-mail notifications have been sent or are queued." in page
