"""Public pages answer only the methods they serve, and no public page reads an upload."""

import pytest
from django import test

from appointments.models import BookingRequest
from tests.appointments.booking import VALID

PAGES = ["/book/", "/conditions/search/?q=back", "/conditions/glutes-spasm/", "/"]


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("method", ["TRACE", "PUT", "PATCH", "DELETE"])
def test_methods_a_page_does_not_serve_get_405(seeded, client, path, method):
    response = client.generic(method, path)
    assert response.status_code == 405
    assert "GET" in response["Allow"]


@pytest.mark.parametrize("path", PAGES)
def test_get_and_head_are_answered(seeded, client, path):
    assert client.get(path).status_code == 200
    assert client.head(path).status_code == 200


def test_the_search_page_is_read_only(seeded, client):
    assert client.post("/conditions/search/", {"q": "back"}).status_code == 405


def test_a_multipart_booking_is_refused_unread_and_nothing_is_saved(seeded):
    response = test.Client().post("/book/", {**VALID, "attachment": "x" * 10_000})  # Django's client sends multipart
    assert response.status_code == 415
    assert "Sorry, we could not read that" in response.content.decode()
    assert not BookingRequest.objects.exists()


def test_the_admin_still_takes_multipart_forms(seeded):
    response = test.Client().post("/admin/login/", {"username": "nobody", "password": "wrong-password"})
    assert response.status_code == 200
    assert "Please enter the correct username and password" in response.content.decode()
