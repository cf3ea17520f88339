import pytest
from django.urls import reverse

from appointments.models import Notification
from tests.appointments.test_admin import make_request

pytestmark = pytest.mark.django_db


def test_the_admin_front_page_says_how_many_notifications_failed_and_links_to_them(staff_client):
    booking = make_request()
    Notification.objects.create(booking_request=booking, kind="patient_ack", recipient="a@example.com", state="failed")
    Notification.objects.create(booking_request=booking, kind="patient_ack", recipient="b@example.com", state="failed")
    page = staff_client.get(reverse("admin:index")).content.decode()
    assert "2 e-mail notifications could not be sent." in page
    assert "/admin/appointments/notification/?state__exact=failed" in page


def test_the_admin_front_page_is_calm_when_nothing_failed(staff_client):
    page = staff_client.get(reverse("admin:index")).content.decode()
    assert "could not be sent" not in page
    assert "All e-mail notifications have been sent or are queued." in page
