import threading

import pytest
from django.conf import settings as live_settings

from appointments import limits
from appointments.models import BookingRequest
from dmphysios import settings as production
from tests.appointments.booking import BOOK, VALID, form_stamp, page, send, text
from tests.client import Client

pytestmark = pytest.mark.usefixtures("booking_db")


def test_a_filled_honeypot_is_turned_away_politely_and_nothing_is_saved(client, clock):
    response = send(client, clock, website="http://spam.example")
    assert response.status_code == 400
    assert "Please call us to book" in text(response)
    assert not BookingRequest.objects.exists()


def test_the_honeypot_is_hidden_from_people_and_screen_readers(client):
    wrapper = page(client.get(BOOK)).find("input", attrs={"name": "website"}).find_parent("div", class_="booking-hp")
    assert wrapper["aria-hidden"] == "true"


def test_a_form_sent_faster_than_a_person_can_fill_it_is_not_saved_but_can_be_sent_again(client, clock):
    stamp = form_stamp(client)
    clock.shift(1)
    too_fast = client.post(BOOK, {**VALID, "started": stamp})
    assert too_fast.status_code == 200
    assert text(too_fast).count("That was quicker than we expected") == 1
    assert "That was quicker than we expected" in page(too_fast).find(id="form-problems").get_text()
    assert page(too_fast).find("input", attrs={"name": "full_name"})["value"] == "Priya Sharma"
    assert not BookingRequest.objects.exists()

    clock.shift(10)
    assert client.post(BOOK, {**VALID, "started": stamp}).status_code == 302
    assert BookingRequest.objects.count() == 1


def test_a_form_left_open_for_days_asks_to_be_sent_again_and_then_works(client, clock):
    stamp = form_stamp(client)
    clock.shift(3 * 24 * 60 * 60)
    expired = client.post(BOOK, {**VALID, "preferred_date": "2026-12-07", "started": stamp})
    assert "This form was open too long" in text(expired)
    renewed = page(expired).find("input", attrs={"name": "started"})["value"]
    assert renewed != stamp
    clock.shift(10)
    assert client.post(BOOK, {**VALID, "preferred_date": "2026-12-07", "started": renewed}).status_code == 302


def test_a_forged_form_stamp_saves_nothing(client, clock):
    response = client.post(BOOK, {**VALID, "started": "made-up:1:abc"})
    assert "This form was open too long" in text(response)
    assert not BookingRequest.objects.exists()


def test_a_double_click_or_a_resent_form_creates_one_request(client, clock):
    data = {**VALID, "started": form_stamp(client)}
    clock.shift(20)
    first = client.post(BOOK, data)
    second = client.post(BOOK, data)
    assert BookingRequest.objects.count() == 1
    assert first.url == second.url == BookingRequest.objects.get().get_absolute_url()
    assert client.get(second.url).status_code == 200


def test_going_back_and_resending_the_same_form_shows_the_first_request_again_without_a_warning(client, clock):
    data = {**VALID, "started": form_stamp(client)}
    clock.shift(20)
    first = client.post(BOOK, data)
    clock.shift(60)
    again = client.post(BOOK, data)
    assert again.url == first.url
    assert "already sent" not in text(client.get(again.url))


def test_going_back_and_resending_with_a_change_says_the_request_was_already_sent_and_how_to_change_it(client, clock):
    data = {**VALID, "started": form_stamp(client)}
    clock.shift(20)
    client.post(BOOK, data)
    clock.shift(60)
    changed = client.post(BOOK, {**data, "preferred_time": "evening"})

    booking = BookingRequest.objects.get()
    assert booking.preferred_time == "morning"
    shown = text(client.get(changed.url))
    assert f"This request was already sent (reference {booking.reference})" in shown
    assert "To change it, call us on 0120-0000000" in shown
    assert "Thursday 3 December 2026, morning (IST)" in shown
    assert "already sent" not in text(client.get(changed.url)), "the warning belongs to that one resend"


def test_a_double_click_does_not_use_up_the_phones_daily_limit(client, clock):
    data = {**VALID, "started": form_stamp(client)}
    clock.shift(20)
    client.post(BOOK, data)
    client.post(BOOK, data)
    assert send(client, clock).status_code == 302
    assert send(client, clock).status_code == 302
    assert BookingRequest.objects.count() == 3
    assert send(client, clock).status_code == 429


def test_a_double_click_on_the_last_request_allowed_still_shows_its_confirmation(client, clock):
    send(client, clock)
    send(client, clock)
    data = {**VALID, "started": form_stamp(client)}
    clock.shift(20)
    first = client.post(BOOK, data)
    second = client.post(BOOK, data)
    assert second.status_code == 302
    assert second.url == first.url
    assert BookingRequest.objects.count() == 3


def test_a_burst_of_simultaneous_attempts_lets_at_most_the_limit_through(settings):
    settings.BOOKING_RATE_LIMIT_PER_PHONE_PER_DAY = 3
    start, passed = threading.Barrier(20), []

    def attempt():
        start.wait()
        try:
            passed.append(limits.reserve(phone="+919876543210", email="", ip=""))
        except limits.OverLimit:
            pass

    threads = [threading.Thread(target=attempt) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(passed) == 3
    with pytest.raises(limits.OverLimit):
        limits.reserve(phone="+919876543210", email="", ip="")
    limits.release(passed[0])  # a request that then failed to save gives its place back
    assert limits.reserve(phone="+919876543210", email="", ip="")


def test_three_requests_a_day_from_one_phone_then_a_polite_block_with_the_clinics_number(client, clock):
    for _ in range(3):
        assert send(client, clock).status_code == 302
    blocked = send(client, clock)
    assert blocked.status_code == 429
    assert "Please call us to book" in text(blocked)
    assert page(blocked).find("main").find("a", href="tel:01200000000")
    assert BookingRequest.objects.count() == 3


def test_the_phone_limit_counts_the_number_however_it_is_typed_and_resets_the_next_day(client, clock):
    for typed in ("98765 43210", "+91 98765 43210", "098765 43210"):
        send(client, clock, phone=typed)
    assert send(client, clock, phone="9876543210").status_code == 429
    clock.move_to("2026-12-03T09:00+05:30")
    assert send(client, clock, preferred_date="2026-12-04").status_code == 302


def test_three_requests_a_day_per_email_address(client, clock):
    for number in ("98765 00001", "98765 00002", "98765 00003"):
        assert send(client, clock, phone=number, email="same@example.com").status_code == 302
    assert send(client, clock, phone="98765 00004", email="SAME@example.com").status_code == 429


@pytest.mark.parametrize(
    "spellings",
    [
        ["priya@example.com", "priya+1@example.com", "Priya+clinic@EXAMPLE.com", "priya+4@example.com"],
        [
            "priya@bücher.example",
            "priya@xn--bcher-kva.example",
            "PRIYA@BÜCHER.example",
            "priya+x@xn--bcher-kva.example",
        ],
        ["priya.sharma@gmail.com", "priyasharma@gmail.com", "Priya.Sharma+1@googlemail.com", "p.riyasharma@gmail.com"],
    ],
)
def test_the_email_limit_counts_one_mailbox_however_its_address_is_spelt(client, clock, spellings):
    for number, email in zip(("98765 00001", "98765 00002", "98765 00003"), spellings, strict=False):
        assert send(client, clock, phone=number, email=email).status_code == 302
    assert send(client, clock, phone="98765 00004", email=spellings[3]).status_code == 429
    # Each request keeps the address as the patient typed it.
    assert sorted(BookingRequest.objects.values_list("email", flat=True)) == sorted(spellings[:3])


def test_requests_per_client_ip_are_limited_per_hour_and_mistakes_do_not_count(client, clock, settings):
    settings.BOOKING_RATE_LIMIT_PER_IP_PER_HOUR = 2
    for _ in range(5):
        assert send(client, clock, phone="12").status_code == 200  # validation errors don't use up the limit
    assert send(client, clock, phone="98765 00001").status_code == 302
    assert send(client, clock, phone="98765 00002").status_code == 302
    assert send(client, clock, phone="98765 00003").status_code == 429
    assert send(Client(REMOTE_ADDR="10.0.0.9"), clock, phone="98765 00004").status_code == 302
    clock.shift(60 * 60)
    assert send(client, clock, phone="98765 00005").status_code == 302


def test_x_forwarded_for_is_ignored_unless_trusted_proxies_are_configured(client, clock, settings):
    settings.BOOKING_RATE_LIMIT_PER_IP_PER_HOUR = 1
    spoofing = Client(HTTP_X_FORWARDED_FOR="203.0.113.1")
    assert send(spoofing, clock, phone="98765 00001").status_code == 302
    spoofing.defaults["HTTP_X_FORWARDED_FOR"] = "203.0.113.2"
    assert send(spoofing, clock, phone="98765 00002").status_code == 429


def test_behind_one_trusted_proxy_patients_on_different_addresses_are_counted_apart(client, clock, settings):
    settings.BOOKING_RATE_LIMIT_PER_IP_PER_HOUR = 1
    settings.PROXY_COUNT = 1
    assert send(Client(HTTP_X_FORWARDED_FOR="203.0.113.1"), clock, phone="98765 00001").status_code == 302
    assert send(Client(HTTP_X_FORWARDED_FOR="203.0.113.2"), clock, phone="98765 00002").status_code == 302
    # A client's own forged entry sits left of the one the proxy appended; only the proxy's is believed.
    forged = Client(HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.1")
    assert send(forged, clock, phone="98765 00003").status_code == 429


PROTECTIONS = ["BOOKING_MIN_FILL_SECONDS", "BOOKING_RATE_LIMIT_PER_PHONE_PER_DAY", "PROXY_COUNT"]


def test_with_the_production_defaults_a_bot_a_hurried_form_and_a_fourth_request_from_one_phone_are_refused(clock):
    # These tests run on the production values (nothing here overrides them): the form itself must block.
    assert [getattr(live_settings, name) for name in PROTECTIONS] == [getattr(production, name) for name in PROTECTIONS]
    assert send(Client(), clock, website="http://spam.example").status_code == 400
    assert "That was quicker than we expected" in text(send(Client(), clock, seconds_to_fill=1))
    for _ in range(3):
        assert send(Client(), clock, seconds_to_fill=5).status_code == 302
    assert send(Client(), clock, seconds_to_fill=5).status_code == 429
    assert BookingRequest.objects.count() == 3
    assert "django.middleware.csrf.CsrfViewMiddleware" in production.MIDDLEWARE


def test_the_form_carries_a_csrf_token_and_a_post_without_it_is_refused(clock):
    browser = Client(enforce_csrf_checks=True)
    assert page(browser.get(BOOK)).find("input", attrs={"name": "csrfmiddlewaretoken"})
    assert browser.post(BOOK, VALID).status_code == 403


def test_a_form_replayed_from_another_browser_shows_neither_the_request_nor_its_details(client, clock):
    data = {**VALID, "red_flags": ["leg_weakness"], "started": form_stamp(client)}
    clock.shift(20)
    client.post(BOOK, data)
    booking = BookingRequest.objects.get()

    replayed = Client().post(BOOK, data)
    shown = text(replayed)
    assert replayed.status_code == 200
    assert "This form has already been sent" in shown
    assert booking.reference not in shown
    assert "3 December" not in shown
    assert "marked it urgent" not in shown
    assert BookingRequest.objects.count() == 1

    again = client.post(BOOK, data)
    assert again.url == booking.get_absolute_url(), "the patient who sent it still sees their confirmation"
