"""Reminders and the patient's messages, on a frozen clock (Wednesday 2 December 2026, 10:00 IST): on the channels
the patient chose, in their language, never at night by SMS or WhatsApp, and exactly once across moves."""

import pytest

from appointments.diary import appointment_book_by_staff, appointment_cancel, appointment_move
from appointments.models import BookingRequest, MessageTemplate, Notification
from appointments.notifications import reminder_time
from appointments.tasks import tick
from tests.appointments.booking import send
from tests.appointments.diary import at, physiotherapist, visit_type
from tests.appointments.mailserver import body
from tests.builders import make_booking_request
from tests.fakes import fixtures

fake_msg91, fake_meta = fixtures.fake_msg91, fixtures.fake_meta
pytestmark = pytest.mark.usefixtures("booking_db")
Kind, Channel, State = Notification.Kind, Notification.Channel, Notification.State
EVERY_CHANNEL = ["email", "sms", "whatsapp"]


@pytest.fixture
def physio(db):
    return physiotherapist("Dr. Reminder", hours=[("all", "09:00", "20:00")])


@pytest.fixture
def texts(fake_msg91, fake_meta):
    """SMS and WhatsApp configured, each with a fake provider."""
    return fake_msg91, fake_meta


def book(physio, starts_at, **fields):
    fields = {"email": "priya@example.com", "message_channels": EVERY_CHANNEL} | fields
    booking = make_booking_request(**fields)
    # The call-back request's own messages (the clinic's alert, the acknowledgement) are not these tests' subject.
    booking.notifications.all().delete()
    return appointment_book_by_staff(
        physiotherapist=physio, visit_type=visit_type(), starts_at=starts_at, booking_request=booking
    )


def live_reminders(appointment):
    rows = appointment.notifications.filter(kind__in=Notification.REMINDERS, retired_at__isnull=True)
    return {(row.kind, row.channel, row.next_attempt_at) for row in rows}


def test_a_booked_appointment_is_reminded_a_day_before_everywhere_and_two_hours_before_on_whatsapp(physio, texts):
    appointment = book(physio, at("2026-12-04", "11:00"))

    assert live_reminders(appointment) == {
        (Kind.APPOINTMENT_REMINDER, Channel.EMAIL, at("2026-12-03", "11:00")),
        (Kind.APPOINTMENT_REMINDER, Channel.SMS, at("2026-12-03", "11:00")),
        (Kind.APPOINTMENT_REMINDER, Channel.WHATSAPP, at("2026-12-03", "11:00")),
        (Kind.APPOINTMENT_REMINDER_SOON, Channel.WHATSAPP, at("2026-12-04", "09:00")),
    }


def test_a_moved_appointment_is_reminded_of_its_new_time_only_and_once(clock, physio, texts, mail_server):
    sms, whatsapp = texts
    appointment = book(physio, at("2026-12-04", "11:00"))
    appointment = appointment_move(appointment=appointment, starts_at=at("2026-12-05", "11:00"), by_patient=False)
    appointment = appointment_move(appointment=appointment, starts_at=at("2026-12-05", "12:00"), by_patient=False)
    assert live_reminders(appointment) == {
        (Kind.APPOINTMENT_REMINDER, Channel.EMAIL, at("2026-12-04", "12:00")),
        (Kind.APPOINTMENT_REMINDER, Channel.SMS, at("2026-12-04", "12:00")),
        (Kind.APPOINTMENT_REMINDER, Channel.WHATSAPP, at("2026-12-04", "12:00")),
        (Kind.APPOINTMENT_REMINDER_SOON, Channel.WHATSAPP, at("2026-12-05", "10:00")),
    }
    tick()  # the booked and moved messages go now
    mail_server.inbox.messages.clear()
    sms.received.clear()

    clock.move_to(at("2026-12-03", "11:01"), tick=False)  # the first time's reminders would have been due
    tick()
    assert mail_server.inbox.messages == [] and sms.received == []

    clock.move_to(at("2026-12-04", "12:01"), tick=False)
    tick()
    tick()
    [reminder] = mail_server.inbox.to("priya@example.com")
    assert "Saturday 5 December 2026, 12:00 IST" in body(reminder)
    assert len(sms.received) == 1


def test_a_cancelled_appointment_gets_no_reminder(clock, physio, texts, mail_server):
    sms, whatsapp = texts
    appointment = book(physio, at("2026-12-04", "11:00"))
    appointment_cancel(appointment=appointment, by_patient=False)
    assert live_reminders(appointment) == set()
    tick()
    sent_kinds = set(appointment.notifications.filter(state=State.SENT).values_list("kind", flat=True))
    assert sent_kinds == {Kind.APPOINTMENT_BOOKED, Kind.APPOINTMENT_CANCELLED}

    clock.move_to(at("2026-12-04", "10:00"), tick=False)
    before = len(mail_server.inbox.messages), len(sms.received), len(whatsapp.received)
    tick()
    assert (len(mail_server.inbox.messages), len(sms.received), len(whatsapp.received)) == before


def test_a_reminder_cancelled_behind_the_diary_s_back_is_retired_when_it_comes_due(clock, physio, texts):
    appointment = book(physio, at("2026-12-04", "11:00"))
    type(appointment).objects.filter(pk=appointment.pk).update(status="cancelled")  # e.g. an admin bulk edit
    clock.move_to(at("2026-12-04", "10:00"), tick=False)
    tick()
    reminders = appointment.notifications.filter(kind__in=Notification.REMINDERS)
    assert reminders.filter(state=State.SENT).count() == 0
    assert reminders.filter(retired_at__isnull=True).count() == 0


def test_no_sms_or_whatsapp_reminder_at_night_it_goes_the_evening_before(physio, texts):
    appointment = book(physio, at("2026-12-05", "09:00"))  # two hours before is 07:00: too early

    assert (Kind.APPOINTMENT_REMINDER_SOON, Channel.WHATSAPP, at("2026-12-04", "20:30")) in live_reminders(appointment)
    assert (Kind.APPOINTMENT_REMINDER, Channel.SMS, at("2026-12-04", "09:00")) in live_reminders(appointment)


def test_quiet_hours_are_for_texts_only_an_email_may_arrive_at_night():
    assert reminder_time(at("2026-12-05", "08:00"), 2, Channel.EMAIL) == at("2026-12-05", "06:00")
    assert reminder_time(at("2026-12-05", "08:00"), 2, Channel.SMS) == at("2026-12-04", "20:30")
    assert reminder_time(at("2026-12-05", "23:30"), 1, Channel.WHATSAPP) == at("2026-12-05", "20:30")


def test_a_confirmation_the_patient_just_asked_for_goes_at_once_even_at_night(clock, physio, texts):
    sms, _ = texts
    clock.move_to(at("2026-12-02", "22:30"), tick=False)
    book(physio, at("2026-12-04", "11:00"), message_channels=["sms"], email="")
    tick()
    assert len(sms.received) == 1  # the booking message, at 22:30


def test_messages_go_only_on_the_channels_the_patient_chose(physio, texts):
    sms, whatsapp = texts
    appointment = book(physio, at("2026-12-04", "11:00"), email="", message_channels=["whatsapp"])
    tick()
    channels = set(appointment.notifications.values_list("channel", flat=True))
    assert channels == {Channel.WHATSAPP}
    assert sms.received == [] and len(whatsapp.received) == 1


def test_a_channel_without_a_provider_is_neither_offered_nor_used(client, physio, fake_meta):
    form = client.get("/book/").text
    assert 'value="whatsapp"' in form and 'value="sms"' not in form

    appointment = book(physio, at("2026-12-04", "11:00"), message_channels=EVERY_CHANNEL)
    assert set(appointment.notifications.values_list("channel", flat=True)) == {Channel.EMAIL, Channel.WHATSAPP}


def test_with_no_text_provider_the_form_offers_no_text_messages(client):
    assert 'name="message_channels"' not in client.get("/book/").text


def test_the_form_records_the_channels_with_the_consent_and_the_language(client, clock, fake_meta):
    send(client, clock, email="priya@example.com", message_channels=["whatsapp"])
    booking = BookingRequest.objects.get()
    assert booking.message_channels == ["email", "whatsapp"]
    assert booking.language == "en"
    assert set(booking.notifications.filter(kind=Kind.PATIENT_ACKNOWLEDGEMENT).values_list("channel", flat=True)) == {
        Channel.EMAIL,
        Channel.WHATSAPP,
    }


def test_the_patient_hears_in_their_language(physio, texts):
    _, whatsapp = texts
    MessageTemplate.objects.create(
        channel="whatsapp",
        kind="appt_booked",
        language="hi",
        text="नमस्ते {{1}}, DMPhysios में आपका अपॉइंटमेंट {{2}} को {{3}} बजे है।",
        provider_template_id="appt_booked_hi",
    )
    book(physio, at("2026-12-04", "11:00"), email="", message_channels=["whatsapp"], language="hi")
    tick()
    [sent] = whatsapp.received
    assert sent.json["template"]["name"] == "appt_booked_hi"
    assert sent.json["template"]["language"]["code"] == "hi"
    assert Notification.objects.get(kind=Kind.APPOINTMENT_BOOKED).language == "hi"


def test_a_provider_that_fails_then_recovers_is_retried_with_backoff_and_sends_once(clock, physio, fake_msg91):
    fake_msg91.server_error().rate_limited()
    book(physio, at("2026-12-04", "11:00"), email="", message_channels=["sms"])
    row = Notification.objects.get(kind=Kind.APPOINTMENT_BOOKED)

    tick()
    row.refresh_from_db()
    assert (row.state, row.attempts) == (State.FAILED, 1)
    assert row.next_attempt_at == at("2026-12-02", "10:01")
    tick()  # too soon: waits for the backoff
    assert len(fake_msg91.received) == 1

    clock.shift(60)
    tick()
    row.refresh_from_db()
    assert (row.state, row.attempts, row.next_attempt_at) == (State.FAILED, 2, at("2026-12-02", "10:03"))

    clock.shift(120)
    tick()
    tick()
    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_error) == (State.SENT, 3, "")
    assert row.provider_message_id
    assert len(fake_msg91.received) == 3


def test_a_provider_that_refuses_for_good_is_not_retried_and_staff_see_it(clock, physio, fake_msg91):
    fake_msg91.invalid_number()
    book(physio, at("2026-12-04", "11:00"), email="", message_channels=["sms"])
    tick()
    clock.shift(24 * 60 * 60)
    tick()
    row = Notification.objects.get(kind=Kind.APPOINTMENT_BOOKED)
    assert (row.state, row.attempts, row.gave_up) == (State.FAILED, 1, True)
    assert row in Notification.objects.given_up()


def test_a_whatsapp_message_left_mid_send_by_a_dead_worker_is_marked_unknown_and_an_email_is_retried(
    clock, physio, texts, mail_server
):
    _, whatsapp = texts
    appointment = book(physio, at("2026-12-04", "11:00"), message_channels=["email", "whatsapp"])
    booked = appointment.notifications.filter(kind=Kind.APPOINTMENT_BOOKED)
    booked.update(state=State.SENDING, claimed_at=at("2026-12-02", "10:00"), attempts=1)  # the worker died

    clock.shift(10 * 60)
    tick()
    assert booked.get(channel=Channel.WHATSAPP).state == State.UNKNOWN
    assert booked.get(channel=Channel.EMAIL).state == State.SENT
    assert whatsapp.received == []
