"""Anonymous visitors share cached pages; staff never see or fill them; any content save retires them."""

import gzip

import pytest
from django.urls import reverse

from clinic.models import ClinicDetails
from conditions.models import Condition
from tests.builders import add_section, make_condition
from tests.client import Client
from web.page_cache import CACHE_HEADER

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(condition):
    return condition.get_absolute_url()


def test_a_second_visitor_gets_the_page_from_the_cache_without_a_database_query(page, django_assert_num_queries):
    assert Client().get(page)[CACHE_HEADER] == "miss"
    with django_assert_num_queries(0):
        response = Client().get(page)
    assert response[CACHE_HEADER] == "hit"
    assert "Test Condition" in response.content.decode()


def test_visitors_holding_a_csrf_cookie_share_the_cached_page(page):
    Client().get(page)
    visitor = Client()
    visitor.cookies["csrftoken"] = "a" * 32
    assert visitor.get(page)[CACHE_HEADER] == "hit"


def test_logged_in_staff_neither_receive_nor_fill_the_public_cache(page, staff_client):
    assert CACHE_HEADER not in staff_client.get(page)
    assert Client().get(page)[CACHE_HEADER] == "miss"
    assert CACHE_HEADER not in staff_client.get(page)


def test_a_staff_draft_preview_never_reaches_visitors(staff_client):
    draft = make_condition("Hidden Draft", status=Condition.Status.DRAFT)
    assert "Draft preview" in staff_client.get(draft.get_absolute_url()).content.decode()
    assert Client().get(draft.get_absolute_url()).status_code == 404


def test_editing_a_condition_shows_the_new_text_to_the_next_visitor(page, condition):
    Client().get(page)
    condition.summary = "A rewritten summary."
    condition.save()
    response = Client().get(page)
    assert response[CACHE_HEADER] == "miss"
    assert "A rewritten summary." in response.content.decode()


def test_adding_a_section_invalidates_the_cached_page(page, condition):
    Client().get(page)
    add_section(condition, heading="Brand new section")
    assert "Brand new section" in Client().get(page).content.decode()


def test_unpublishing_with_the_admin_action_removes_the_page_at_once(page, condition, staff_client):
    Client().get(page)
    changelist = reverse("admin:conditions_condition_changelist")
    staff_client.post(changelist, {"action": "unpublish", "_selected_action": [condition.pk]})
    assert Client().get(page).status_code == 404


def test_publishing_with_the_admin_action_updates_the_conditions_index(staff_client):
    draft = make_condition("Newly Published", status=Condition.Status.DRAFT)
    index = reverse("conditions:condition-list")
    assert "Newly Published" not in Client().get(index).content.decode()
    changelist = reverse("admin:conditions_condition_changelist")
    staff_client.post(changelist, {"action": "publish", "_selected_action": [draft.pk]})
    assert "Newly Published" in Client().get(index).content.decode()


def test_changing_the_clinic_phone_updates_every_cached_page(page):
    ClinicDetails.objects.create(street_address="C-12", phone="0120-1111111", email="a@dmphysios.in")
    assert "0120-1111111" in Client().get(page).content.decode()
    details = ClinicDetails.load()
    details.phone = "0120-2222222"
    details.save()
    assert "0120-2222222" in Client().get(page).content.decode()


def test_a_deleted_condition_is_gone_for_the_next_visitor(page, condition):
    Client().get(page)
    condition.delete()
    assert Client().get(page).status_code == 404


def test_pages_that_render_a_csrf_token_are_never_cached(staff_client):
    login = reverse("admin:login")
    Client().get(login)
    assert CACHE_HEADER not in Client().get(login)


def test_the_booking_page_and_not_found_pages_are_never_cached():
    booking = reverse("appointments:booking-request")
    Client().get(booking)
    assert CACHE_HEADER not in Client().get(booking)
    Client().get("/conditions/no-such-thing/")
    assert CACHE_HEADER not in Client().get("/conditions/no-such-thing/")


def test_query_strings_are_cached_as_different_pages(page):
    Client().get(page)
    assert Client().get(page + "?utm_source=x")[CACHE_HEADER] == "miss"


def test_the_page_cache_can_be_turned_off(page, settings):
    settings.PAGE_CACHE_SECONDS = 0
    Client().get(page)
    assert CACHE_HEADER not in Client().get(page)


def test_a_browser_that_accepts_gzip_gets_the_cached_page_compressed_and_one_that_does_not_gets_plain_html(page):
    assert Client(HTTP_ACCEPT_ENCODING="gzip, deflate, br").get(page)[CACHE_HEADER] == "miss"
    compressed = Client(HTTP_ACCEPT_ENCODING="gzip, deflate, br").get(page)
    assert compressed[CACHE_HEADER] == "hit"
    assert compressed["Content-Encoding"] == "gzip"
    assert "Test Condition" in gzip.decompress(compressed.content).decode()

    plain = Client().get(page)
    assert plain[CACHE_HEADER] == "miss"  # kept apart from the compressed copy
    assert "Content-Encoding" not in plain
    assert "Test Condition" in plain.content.decode()
    again = Client().get(page)
    assert again[CACHE_HEADER] == "hit"
    assert "Content-Encoding" not in again
    # So that a cache in front of the site keeps the two apart as well.
    assert "Accept-Encoding" in again["Vary"]
    assert "Accept-Encoding" in compressed["Vary"]
