"""The providers' hooks: a signed receipt updates its message, a forged one is refused and changes nothing; STOP
and the opt-out link end the patient's messages."""

import hashlib
import hmac
import json

import pytest

from appointments.models import BookingRequest, Notification
from tests.builders import make_booking_request
from tests.fakes import fixtures

fake_msg91, fake_meta = fixtures.fake_msg91, fixtures.fake_meta
pytestmark = pytest.mark.usefixtures("booking_db", "fake_meta", "fake_msg91")
APP_SECRET, SMS_SECRET = "test-meta-app-secret", "test-sms-webhook-secret"  # as tests/fakes/fixtures.py sets them
State = Notification.State
PHONE = "+919876543210"


@pytest.fixture
def sent_whatsapp(db):
    booking = make_booking_request(phone=PHONE, message_channels=["whatsapp", "sms"])
    return Notification.objects.create(
        booking_request=booking,
        channel="whatsapp",
        kind="appt_booked",
        recipient=PHONE,
        state=State.SENT,
        sent_at=booking.created_at,
        provider_message_id="wamid.HBgLOTE5ODc2NTQzMjEw00000001",
    )


def meta_post(client, payload, secret=APP_SECRET, path="/hooks/whatsapp/receipts/"):
    raw = json.dumps(payload).encode()
    signature = "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    return client.post(path, raw, content_type="application/json", headers={"X-Hub-Signature-256": signature})


def status(message_id, state):
    change = {"value": {"messaging_product": "whatsapp", "statuses": [{"id": message_id, "status": state}]}}
    return {"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [change]}]}


def stop_from(number):
    message = {"from": number, "type": "text", "text": {"body": "STOP"}}
    return {"entry": [{"changes": [{"value": {"messages": [message]}}]}]}


def test_a_signed_receipt_marks_the_message_delivered_then_read(client, sent_whatsapp):
    assert meta_post(client, status(sent_whatsapp.provider_message_id, "delivered")).status_code == 200
    sent_whatsapp.refresh_from_db()
    assert sent_whatsapp.state == State.DELIVERED

    meta_post(client, status(sent_whatsapp.provider_message_id, "read"))
    meta_post(client, status(sent_whatsapp.provider_message_id, "delivered"))  # late, out of order
    sent_whatsapp.refresh_from_db()
    assert sent_whatsapp.state == State.READ


def test_a_receipt_with_a_bad_signature_is_refused_and_changes_nothing(client, sent_whatsapp):
    response = meta_post(client, status(sent_whatsapp.provider_message_id, "failed"), secret="forged")
    assert response.status_code == 403
    sent_whatsapp.refresh_from_db()
    assert sent_whatsapp.state == State.SENT


def test_a_failed_receipt_tells_staff_to_call(client, sent_whatsapp):
    meta_post(client, status(sent_whatsapp.provider_message_id, "failed"))
    assert Notification.objects.given_up().get() == sent_whatsapp


def test_an_sms_receipt_needs_the_secret_token(client, db):
    booking = make_booking_request(phone=PHONE, message_channels=["sms"])
    row = Notification.objects.create(
        booking_request=booking, channel="sms", kind="appt_booked", recipient=PHONE, state=State.SENT,
        sent_at=booking.created_at, provider_message_id="3763646c0000000000000001",
    )  # fmt: skip
    report = json.dumps([{"requestId": row.provider_message_id, "report": [{"status": "1", "number": "919876543210"}]}])
    assert client.post("/hooks/sms/receipts/?token=wrong", {"data": report}).status_code == 403
    row.refresh_from_db()
    assert row.state == State.SENT
    assert client.post(f"/hooks/sms/receipts/?token={SMS_SECRET}", {"data": report}).status_code == 200
    row.refresh_from_db()
    assert row.state == State.DELIVERED


def test_hooks_answer_post_only_and_know_only_their_channels(client):
    assert client.get("/hooks/sms/receipts/").status_code == 405
    assert client.post("/hooks/pigeon/receipts/", {}).status_code == 404


def test_stop_on_whatsapp_ends_whatsapp_messages_and_retires_the_waiting_ones(client, sent_whatsapp):
    booking = sent_whatsapp.booking_request
    waiting = Notification.objects.create(
        booking_request=booking, channel="whatsapp", kind="appt_reminder", recipient=PHONE
    )
    assert meta_post(client, stop_from("919876543210")).status_code == 200
    booking.refresh_from_db()
    waiting.refresh_from_db()
    assert booking.message_channels == ["sms"]
    assert waiting.retired_at is not None
    assert waiting not in Notification.objects.due()


def test_a_forged_stop_is_refused(client, sent_whatsapp):
    assert meta_post(client, stop_from("919876543210"), secret="forged").status_code == 403
    assert BookingRequest.objects.get().message_channels == ["whatsapp", "sms"]


def test_stop_by_sms(client, sent_whatsapp):
    data = {"number": "919876543210", "message": "STOP"}
    assert client.post(f"/hooks/sms/inbound/?token={SMS_SECRET}", data).status_code == 200
    assert BookingRequest.objects.get().message_channels == ["whatsapp"]


def test_the_opt_out_link_asks_then_stops_every_message(client, sent_whatsapp):
    from appointments.notifications import opt_out_url

    booking = sent_whatsapp.booking_request
    path = opt_out_url(booking).removeprefix("http://127.0.0.1:8000")
    assert "Stop messages" in client.get(path).text
    booking.refresh_from_db()
    assert booking.message_channels == ["whatsapp", "sms"], "opening the link changes nothing"

    token = path.split("t=", 1)[1]
    from urllib.parse import unquote

    assert "no more messages" in client.post("/messages/stop/", {"t": unquote(token)}).text
    booking.refresh_from_db()
    assert booking.message_channels == []


def test_a_tampered_opt_out_link_changes_nothing(client, sent_whatsapp):
    assert client.post("/messages/stop/", {"t": "tampered"}).status_code == 400
    assert BookingRequest.objects.get().message_channels == ["whatsapp", "sms"]
