"""The patient's manage link: a GET only shows (mail scanners open links), a POST cancels or moves up to the
self-service cut-off, a tampered or old link shows nothing, and every change e-mails an updated calendar file.

On a frozen clock: Wednesday 2 December 2026, 10:00 IST. The appointment is on Thursday 3 December at 11:00 IST,
25 hours ahead; the default cut-off is 12 hours before it.
"""

from datetime import timedelta

import icalendar
import pytest
from django.conf import settings
from django.utils import timezone

from appointments.availability import is_free
from appointments.diary import appointment_book, appointment_hold, manage_token
from appointments.models import Appointment, BookingRequest, Notification, VisitType
from appointments.notifications import build_message
from clinic.models import ClinicDetails
from tests.appointments.booking import page, text
from tests.appointments.diary import appointment, at, physiotherapist, policy
from tests.appointments.mailserver import body
from tests.client import Client
from web.page_cache import CACHE_HEADER

pytestmark = pytest.mark.usefixtures("booking_db")
THURSDAY = "2026-12-03"
MANAGE = "/book/manage/"
ADDRESS = "203.0.113.9"


@pytest.fixture
def asha():
    return physiotherapist("Dr. Asha Rao (PT)", hours=[("thu", "09:00", "13:00"), ("fri", "09:00", "13:00")])


@pytest.fixture
def follow_up():
    return VisitType.objects.get(slug="follow-up")


def book(person, starts_at, visit_type, email="priya@example.com", session="patient-session"):
    """Hold a time and book it, as the patient's booking pages do."""
    hold = appointment_hold(
        visit_type=visit_type, starts_at=starts_at, physiotherapist=person, session_key=session, client_ip=ADDRESS
    )
    patient = BookingRequest(full_name="Priya Sharma", booking_for="myself", phone="+919876543210", email=email)
    return appointment_book(hold=hold, booking=patient, client_ip=ADDRESS, form_token=f"token-{session}")


@pytest.fixture
def booked(asha, follow_up):
    return book(asha, at(THURSDAY, "11:00"), follow_up)


def link(appointment, **query):
    return f"{MANAGE}?{'&'.join(f'{k}={v}' for k, v in {'t': manage_token(appointment), **query}.items())}"


def time_buttons(response, form="move-form"):
    """The moves the page offers, as (starts_at, physiotherapist) pairs a POST sends."""
    found = page(response).find("form", id=form)
    if found is None:
        return []
    who = found.find("input", attrs={"name": "physiotherapist"})["value"]
    return [(button["value"], who) for button in found.find_all("button", attrs={"name": "starts_at"})]


def move(client, appointment, starts_at, who, url=None):
    data = {"action": "move", "starts_at": starts_at, "physiotherapist": who}
    return client.post(url or link(appointment), data)


def cancel(client, appointment, reason=""):
    return client.post(link(appointment), {"action": "cancel", "reason": reason})


def unchanged(appointment):
    before = Appointment.objects.filter(pk=appointment.pk).values().get()
    return lambda: Appointment.objects.filter(pk=appointment.pk).values().get() == before


# Opening the link


def test_the_page_shows_the_appointment_in_ist_with_its_physiotherapist_visit_type_address_and_status(client, booked):
    response = client.get(link(booked))

    assert response.status_code == 200
    shown = text(response)
    assert "Thursday 3 December 2026, 11:00 IST" in shown
    assert "Dr. Asha Rao (PT)" in shown
    assert "Follow-up" in shown
    assert ClinicDetails.load().one_line_address() in shown
    assert booked.reference in shown
    assert page(response).find(id="appointment-status").get_text(strip=True) == "Booked"


def test_opening_the_link_as_a_mail_scanner_would_changes_nothing(client, booked):
    still = unchanged(booked)
    messages = Notification.objects.count()

    for _ in range(3):
        assert client.get(link(booked)).status_code == 200
    assert client.head(link(booked)).status_code == 200
    assert client.get(link(booked, action="cancel")).status_code == 200  # a GET never acts, whatever it says

    assert still()
    assert Notification.objects.count() == messages


def test_the_choices_are_buttons_that_post(client, booked):
    html = page(client.get(link(booked)))

    assert html.find("form", id="cancel-form")["method"] == "post"
    assert html.find("form", id="move-form")["method"] == "post"
    assert time_buttons(client.get(link(booked)))


def test_the_page_is_kept_out_of_search_engines_and_out_of_every_cache(booked):
    visitor = Client()  # no session cookie: a request the page cache would otherwise answer
    first = visitor.get(link(booked))
    again = Client().get(link(booked))

    assert page(first).find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert "no-store" in first["Cache-Control"]
    assert CACHE_HEADER not in first and CACHE_HEADER not in again
    assert page(first).find("link", rel="canonical") is None  # the address carries the token


def test_the_token_travels_in_the_query_string_where_the_access_log_keeps_nothing(booked):
    url = link(booked)
    assert url.startswith(MANAGE + "?t=")
    assert booked.reference not in url.split("?")[0]


def test_the_manage_link_in_the_booking_email_opens_this_page(client, booked):
    notification = Notification.objects.get(kind=Notification.Kind.APPOINTMENT_BOOKED)
    [url] = [word for word in build_message(notification).body.split() if MANAGE in word]
    response = client.get(url.removeprefix(settings.SITE_URL))
    assert response.status_code == 200
    assert booked.reference in text(response)


# Links that do not work


def test_a_tampered_link_shows_a_clear_page_and_nothing_of_the_appointment(client, booked):
    token = manage_token(booked)
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")

    for url in (f"{MANAGE}?t={tampered}", f"{MANAGE}?t=", MANAGE, f"{MANAGE}?t={booked.reference}"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "This link does not work" in text(response)
        assert booked.reference not in text(response)
        assert "Asha" not in text(response)
        assert "no-store" in response["Cache-Control"]


def test_a_post_to_a_tampered_link_changes_nothing(client, booked):
    still = unchanged(booked)
    token = manage_token(booked)
    response = client.post(f"{MANAGE}?t={token[:-2]}", {"action": "cancel"})

    assert response.status_code == 404
    assert still()


def test_a_link_older_than_the_booking_horizon_and_a_month_no_longer_works(client, booked, clock):
    url = link(booked)
    clock.shift(timedelta(days=28 + 31))

    assert client.get(url).status_code == 404


# Cancelling


def test_a_post_cancels_the_appointment_and_keeps_it_with_its_reason(client, booked):
    response = cancel(client, booked, reason="Feeling better")

    assert response.status_code == 302
    after = client.get(response["Location"])
    assert "Your appointment is cancelled" in text(after)
    assert page(after).find(id="appointment-status").get_text(strip=True) == "Cancelled"
    assert time_buttons(after) == [] and page(after).find("form", id="cancel-form") is None
    booked.refresh_from_db()
    assert booked.status == Appointment.Status.CANCELLED
    assert booked.cancel_reason == "Feeling better"
    assert booked.booking_request.status == BookingRequest.Status.CANCELLED


def test_a_cancelled_time_is_free_for_the_next_patient(client, booked, asha, follow_up):
    assert not is_free(follow_up, asha, booked.starts_at)
    cancel(client, booked)
    assert is_free(follow_up, asha, booked.starts_at)


def test_cancelling_twice_says_it_is_already_cancelled(client, booked):
    cancel(client, booked)
    response = cancel(client, booked)

    assert response.status_code == 409
    assert "cancelled cannot be cancelled" in text(response)


def test_a_reason_longer_than_the_form_allows_is_an_error_next_to_it_not_a_500(client, booked):
    still = unchanged(booked)
    response = cancel(client, booked, reason="x" * 301)

    assert response.status_code == 400
    assert page(response).find(id="id_reason_error")
    assert still()


# Moving


def test_a_post_moves_the_appointment_to_a_free_time_the_page_offered(client, booked):
    offered = time_buttons(client.get(link(booked)))
    assert ("2026-12-03T11:00:00+05:30", str(booked.physiotherapist.pk)) not in offered  # its own time
    starts_at, who = offered[-1]

    response = move(client, booked, starts_at, who)

    assert response.status_code == 302
    assert "Your appointment has moved" in text(client.get(response["Location"]))
    booked.refresh_from_db()
    assert timezone.localtime(booked.starts_at).isoformat() == starts_at
    assert booked.status == Appointment.Status.BOOKED
    assert booked.sequence == 1


def test_the_patient_may_see_another_day_and_every_day_has_its_own_times(client, booked):
    days = page(client.get(link(booked))).select("nav a")
    friday = next(a["href"] for a in days if "Fri 4 Dec" in a.get_text())

    times = time_buttons(client.get(friday))
    assert times and all(starts_at.startswith("2026-12-04T") for starts_at, _ in times)


def test_with_anyone_the_patient_may_move_to_a_time_only_another_physiotherapist_has(client, booked, follow_up):
    meera = physiotherapist("Dr. Meera Iyer (PT)", hours=[("thu", "17:00", "20:00")])
    assert "17:00" not in text(client.get(link(booked)))

    offered = time_buttons(client.get(link(booked, who="any", day=THURSDAY)))
    assert ("2026-12-03T17:00:00+05:30", "any") in offered

    response = move(client, booked, "2026-12-03T17:00:00+05:30", "any")
    assert response.status_code == 302
    booked.refresh_from_db()
    assert booked.physiotherapist == meera
    assert f"{timezone.localtime(booked.starts_at):%H:%M}" == "17:00"


def test_a_time_taken_meanwhile_is_a_friendly_message_with_the_nearest_free_times(client, booked, asha, follow_up):
    offered = time_buttons(client.get(link(booked)))
    starts_at, who = offered[0]  # 09:00
    still = unchanged(booked)
    appointment(asha, follow_up, at(THURSDAY, "09:00"))  # another patient books it first

    response = move(client, booked, starts_at, who)

    assert response.status_code == 409
    assert "that time was just taken" in text(response)
    nearest = time_buttons(response, form="nearest-form")
    assert nearest and starts_at not in [time for time, _ in nearest]
    assert still()


def test_a_time_nobody_offered_is_refused_and_a_nonsense_post_is_a_400(client, booked):
    still = unchanged(booked)

    assert move(client, booked, "2026-12-03T03:00:00+05:30", "any").status_code == 409  # before opening
    for data in (
        {"action": "move", "starts_at": "not a time", "physiotherapist": "any"},
        {"action": "move", "starts_at": "2026-12-04T09:00:00+05:30", "physiotherapist": "'; DROP TABLE"},
        {"action": "move", "starts_at": "9999-12-31T23:59:00+00:00", "physiotherapist": "any"},
        {"action": "move", "starts_at": "0001-01-01T00:00:00+05:30", "physiotherapist": "any"},
        {"action": "move", "starts_at": "2026-12-04T09:00:00+05:30", "physiotherapist": "1" * 13},
        {"action": "move"},
        {"action": "delete"},
        {},
    ):
        assert client.post(link(booked), data).status_code == 400, data
    assert move(client, booked, "2026-12-04T09:00:00+05:30", "99999").status_code == 409  # nobody of that id
    assert still()


# After the cut-off


def test_after_the_cut_off_the_page_says_please_call_us_with_no_buttons(client, booked, clock):
    clock.move_to(booked.starts_at - timedelta(hours=11), tick=False)
    response = client.get(link(booked))

    assert response.status_code == 200
    assert "please call us" in text(response).lower()
    assert ClinicDetails.load().phone in text(response)
    assert page(response).find("main").find_all(["form", "button"]) == []


def test_after_the_cut_off_a_post_changes_nothing_and_says_why(client, booked, clock):
    offered = time_buttons(client.get(link(booked)))
    still = unchanged(booked)
    clock.move_to(booked.starts_at - timedelta(hours=11), tick=False)

    refused = cancel(client, booked)
    assert refused.status_code == 409
    assert "too close to the appointment" in text(refused)
    assert move(client, booked, *offered[-1]).status_code == 409
    assert still()


def test_the_cut_off_is_the_clinics_setting(client, booked):
    policy(self_service_cutoff_hours=30)
    assert "please call us" in text(client.get(link(booked))).lower()


# E-mails with calendar files, through a real SMTP server


def calendar_in(message):
    [attachment] = [part for part in message.iter_attachments() if part.get_content_type() == "text/calendar"]
    return icalendar.Calendar.from_ical(attachment.get_content()), attachment


def event_in(calendar):
    [event] = calendar.walk("VEVENT")
    return event


def test_a_move_emails_a_calendar_file_with_the_same_uid_and_a_higher_sequence(
    client, booked, mail_server, django_capture_on_commit_callbacks
):
    booked_message = Notification.objects.get(kind=Notification.Kind.APPOINTMENT_BOOKED)
    first = event_in(icalendar.Calendar.from_ical(build_message(booked_message).attachments[0][1]))
    starts_at, who = time_buttons(client.get(link(booked)))[-1]

    with django_capture_on_commit_callbacks(execute=True):
        assert move(client, booked, starts_at, who).status_code == 302

    [message] = mail_server.inbox.to("priya@example.com")
    calendar, _ = calendar_in(message)
    event = event_in(calendar)
    assert str(event["UID"]) == str(first["UID"])
    assert event["SEQUENCE"] > first["SEQUENCE"]
    assert event.decoded("DTSTART").isoformat() == starts_at
    assert str(event["STATUS"]) == "CONFIRMED"
    assert MANAGE in body(message)


def test_a_cancellation_emails_a_calendar_cancel_with_its_organizer(
    client, booked, mail_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert cancel(client, booked).status_code == 302

    [message] = mail_server.inbox.to("priya@example.com")
    calendar, attachment = calendar_in(message)
    event = event_in(calendar)
    assert str(calendar["METHOD"]) == "CANCEL"
    assert attachment.get_param("method") == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == f"{booked.reference}@dmphysios.in"
    assert event["SEQUENCE"] == 1
    assert str(event["ORGANIZER"]).startswith("mailto:")
    assert "is cancelled" in body(message)


def test_a_patient_without_an_email_address_can_still_cancel(client, asha, follow_up):
    booked = book(asha, at(THURSDAY, "09:00"), follow_up, email="")
    assert cancel(client, booked).status_code == 302
    assert not Notification.objects.filter(kind=Notification.Kind.APPOINTMENT_CANCELLED).exists()
