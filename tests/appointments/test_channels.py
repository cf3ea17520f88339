"""SMS through MSG91 and WhatsApp through Meta, against fake servers on loopback that answer as each documents."""

import hashlib
import hmac
import json
import logging
import socket

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from appointments import channels
from appointments.channels import OutgoingMessage, SendFailed
from appointments.models import MessageTemplate
from appointments.seeds import PLACEHOLDER_TEMPLATE_ID, seed_message_templates
from tests.fakes import fixtures
from tests.test_settings_guard import run_settings

fake_msg91, fake_meta = fixtures.fake_msg91, fixtures.fake_meta

PATIENT = "+919876543210"
APP_SECRET, SMS_SECRET = "test-meta-app-secret", "test-sms-webhook-secret"  # as tests/fakes/fixtures.py sets them
SMS_TEXT = "Dear {#var#}, your DMPhysios physiotherapy appointment is booked for {#var#} at {#var#}."
WHATSAPP_TEXT = "Dear {{1}}, your DMPhysios physiotherapy appointment is booked for {{2}} at {{3}}."
PARAMS = ["Asha", "Mon 3 Mar", "10:30 am"]


def sms_template(**fields):
    defaults = {
        "channel": "sms",
        "kind": "appt_booked",
        "text": SMS_TEXT,
        "provider_template_id": "1107170000000000001",
    }
    return MessageTemplate(**defaults | fields)


def whatsapp_template(**fields):
    defaults = {
        "channel": "whatsapp",
        "kind": "appt_booked",
        "text": WHATSAPP_TEXT,
        "provider_template_id": "appt_booked",
    }
    return MessageTemplate(**defaults | fields)


def sms(params=PARAMS, to=PATIENT, **fields):
    return OutgoingMessage("sms", to, sms_template(**fields), list(params), "notification-17")


def whatsapp(params=PARAMS, to=PATIENT, **fields):
    return OutgoingMessage("whatsapp", to, whatsapp_template(**fields), list(params), "notification-18")


def refusal(message) -> SendFailed:
    with pytest.raises(SendFailed) as raised:
        channels.send(message)
    return raised.value


# Sending by SMS


def test_an_sms_goes_to_msg91_with_the_dlt_fields_and_the_registered_text_filled_in(fake_msg91):
    message_id = channels.send(sms())

    request = fake_msg91.last
    assert request.path == "/api/v2/sendsms"
    assert request.headers["authkey"] == "test-msg91-auth-key"
    assert request.json["sender"] == "DMPHYS"
    assert request.json["PE_ID"] == "1201100000000000001"
    assert request.json["DLT_TE_ID"] == "1107170000000000001"
    assert request.json["route"] == "4"
    assert request.json["sms"] == [
        {
            "message": "Dear Asha, your DMPhysios physiotherapy appointment is booked for Mon 3 Mar at 10:30 am.",
            "to": ["919876543210"],
        }
    ]
    assert message_id.startswith("3763646c")


def test_an_sms_value_longer_than_40_characters_is_refused_before_msg91_sees_it(fake_msg91):
    failure = refusal(sms(params=["A" * 41, "Mon 3 Mar", "10:30 am"]))

    assert (failure.retry, failure.code) == (False, "variable-too-long")
    assert fake_msg91.received == []


def test_an_sms_value_of_exactly_40_characters_goes(fake_msg91):
    channels.send(sms(params=["A" * 40, "Mon 3 Mar", "10:30 am"]))

    assert "A" * 40 in fake_msg91.last.json["sms"][0]["message"]


def test_a_hindi_sms_goes_as_unicode(fake_msg91):
    channels.send(sms(text="नमस्ते {#var#}, {#var#} {#var#}", language="hi"))

    assert fake_msg91.last.json["unicode"] == 1


@pytest.mark.parametrize(
    "answer, retry, code",
    [
        ("invalid_number", False, "202"),
        ("bad_auth_key", False, "207"),
        ("bad_template", False, "400"),
        ("insufficient_balance", True, "301"),
        ("rate_limited", True, "http-429"),
        ("server_error", True, "http-503"),
    ],
)
def test_each_msg91_refusal_says_whether_to_try_again(fake_msg91, answer, retry, code):
    getattr(fake_msg91, answer)()

    failure = refusal(sms())

    assert (failure.retry, failure.code) == (retry, code)
    assert PATIENT[3:] not in str(failure) and "Asha" not in str(failure)


def test_an_sms_that_failed_goes_once_msg91_recovers(fake_msg91):
    fake_msg91.server_error().rate_limited()

    assert refusal(sms()).retry and refusal(sms()).retry
    assert channels.send(sms())
    assert len(fake_msg91.received) == 3


# Sending by WhatsApp


def test_a_whatsapp_message_goes_to_meta_as_the_approved_template_with_its_parameters(fake_meta):
    message_id = channels.send(whatsapp())

    request = fake_meta.last
    assert request.path == "/v21.0/106540352242922/messages"
    assert request.headers["authorization"] == "Bearer test-meta-token"
    assert request.json == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "919876543210",
        "type": "template",
        "template": {
            "name": "appt_booked",
            "language": {"code": "en"},
            "components": [{"type": "body", "parameters": [{"type": "text", "text": value} for value in PARAMS]}],
        },
        "biz_opaque_callback_data": "notification-18",
    }
    assert message_id.startswith("wamid.")


@pytest.mark.parametrize(
    "answer, retry, code",
    [
        ("bad_template", False, "132001"),
        ("invalid_number", False, "100"),
        ("bad_token", False, "190"),
        ("rate_limited", True, "130429"),
        ("server_error", True, "http-503"),
    ],
)
def test_each_meta_refusal_says_whether_to_try_again(fake_meta, answer, retry, code):
    getattr(fake_meta, answer)()

    failure = refusal(whatsapp())

    assert (failure.retry, failure.code) == (retry, code)
    assert PATIENT[3:] not in str(failure) and "Asha" not in str(failure)


def test_the_wrong_number_of_values_is_refused_before_the_provider_sees_it(fake_meta, fake_msg91):
    assert refusal(whatsapp(params=["Asha"])).code == "template-params"
    assert refusal(sms(params=["Asha"])).code == "template-params"
    assert fake_meta.received == [] and fake_msg91.received == []


def test_a_number_not_in_e164_form_is_refused(fake_meta):
    failure = refusal(whatsapp(to="09876543210"))

    assert (failure.retry, failure.code) == (False, "invalid-number")


# Timeouts and broken connections are worth retrying


@pytest.mark.parametrize("fake", ["fake_msg91", "fake_meta"])
def test_a_provider_that_hangs_times_out_and_is_retried_later(request, settings, fake):
    server = request.getfixturevalue(fake)
    settings.MESSAGING_TIMEOUT_SECONDS = 0.5
    server.hangs(5)

    failure = refusal(sms() if fake == "fake_msg91" else whatsapp())

    assert (failure.retry, failure.code) == (True, "timeout")


def test_a_provider_that_cannot_be_reached_is_retried_later(settings, fake_meta):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        settings.META_GRAPH_BASE_URL = f"http://127.0.0.1:{closed.getsockname()[1]}/v21.0"

    failure = refusal(whatsapp())

    assert (failure.retry, failure.code) == (True, "connection")


# Settings choose the provider


def test_the_console_provider_logs_the_template_but_neither_the_number_nor_the_text(settings, caplog):
    settings.SMS_PROVIDER = settings.WHATSAPP_PROVIDER = "console"

    with caplog.at_level(logging.DEBUG):
        ids = [channels.send(sms()), channels.send(whatsapp())]

    assert all(ids) and ids[0] != ids[1]
    assert "appt_booked" in caplog.text
    for private in ["9876543210", "919876543210", "Asha", "Mon 3 Mar", "physiotherapy appointment"]:
        assert private not in caplog.text


def test_the_console_provider_refuses_what_msg91_would(settings):
    settings.SMS_PROVIDER = "console"

    assert refusal(sms(params=["A" * 41, "Mon", "10:30"])).code == "variable-too-long"


def test_only_channels_with_a_provider_are_offered(settings):
    settings.SMS_PROVIDER, settings.WHATSAPP_PROVIDER = "none", "console"
    assert channels.configured_channels() == ["whatsapp"]

    settings.SMS_PROVIDER, settings.WHATSAPP_PROVIDER = "msg91", "none"
    assert channels.configured_channels() == ["sms"]


def test_a_channel_switched_off_sends_nothing(settings):
    settings.WHATSAPP_PROVIDER = "none"

    assert (refusal(whatsapp()).retry, refusal(whatsapp()).code) == (False, "not-configured")


# Delivery receipts


def meta_webhook(payload, secret=APP_SECRET, signature=None):
    body = json.dumps(payload).encode()
    signature = signature or "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return RequestFactory().post(
        "/hooks/whatsapp/", body, content_type="application/json", headers={"X-Hub-Signature-256": signature}
    )


def meta_envelope(**value):
    value = {"messaging_product": "whatsapp", "metadata": {"phone_number_id": "106540352242922"}} | value
    change = {"field": "messages", "value": value}
    return {"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [change]}]}


STATUSES = meta_envelope(
    statuses=[
        {"id": "wamid.A", "status": "sent", "recipient_id": "919876543210"},
        {"id": "wamid.A", "status": "delivered", "recipient_id": "919876543210"},
        {"id": "wamid.B", "status": "read", "recipient_id": "919876543210"},
        {"id": "wamid.C", "status": "failed", "errors": [{"code": 131026, "title": "Message undeliverable"}]},
    ]
)


def test_a_signed_whatsapp_receipt_gives_each_message_its_status(fake_meta):
    receipts = channels.parse_receipt("whatsapp", meta_webhook(STATUSES))

    assert receipts == [("wamid.A", "delivered"), ("wamid.B", "read"), ("wamid.C", "failed")]


@pytest.mark.parametrize(
    "forgery",
    [{"secret": "not-the-app-secret"}, {"signature": "sha256=" + "0" * 64}, {"signature": "md5=abc"}],
)
def test_a_forged_whatsapp_receipt_is_refused(fake_meta, forgery):
    assert channels.parse_receipt("whatsapp", meta_webhook(STATUSES, **forgery)) is None


def test_a_whatsapp_receipt_is_refused_when_no_app_secret_is_set(settings):
    settings.META_APP_SECRET = ""

    assert channels.parse_receipt("whatsapp", meta_webhook(STATUSES, secret="")) is None


def test_a_signed_receipt_that_is_not_json_changes_nothing(fake_meta):
    body = b"not json at all"
    signature = "sha256=" + hmac.new(b"test-meta-app-secret", body, hashlib.sha256).hexdigest()
    request = RequestFactory().post(
        "/", body, content_type="application/json", headers={"X-Hub-Signature-256": signature}
    )

    assert channels.parse_receipt("whatsapp", request) == []


MSG91_REPORT = [
    {
        "senderId": "DMPHYS",
        "requestId": "3763646c0000000000000001",
        "report": [{"date": "2026-12-01 17:39:31", "number": "919876543210", "status": "1", "desc": "DELIVERED"}],
    },
    {
        "senderId": "DMPHYS",
        "requestId": "3763646c0000000000000002",
        "report": [{"date": "2026-12-01 17:40:02", "number": "919876543211", "status": "16", "desc": "REJECTED"}],
    },
]


def msg91_webhook(token=SMS_SECRET, **fields):
    query = f"?token={token}" if token is not None else ""
    return RequestFactory().post(f"/hooks/sms/{query}", fields)


def test_an_sms_receipt_with_the_secret_token_gives_each_message_its_status(fake_msg91):
    receipts = channels.parse_receipt("sms", msg91_webhook(data=json.dumps(MSG91_REPORT)))

    assert receipts == [("3763646c0000000000000001", "delivered"), ("3763646c0000000000000002", "failed")]


@pytest.mark.parametrize("token", ["wrong-secret", "", None])
def test_an_sms_receipt_without_the_secret_token_is_refused(fake_msg91, token):
    assert channels.parse_receipt("sms", msg91_webhook(token=token, data=json.dumps(MSG91_REPORT))) is None


def test_an_sms_receipt_is_refused_when_no_secret_is_set(settings):
    settings.SMS_WEBHOOK_SECRET = ""

    assert channels.parse_receipt("sms", msg91_webhook(token="", data=json.dumps(MSG91_REPORT))) is None


def test_an_unknown_channel_has_no_receipts():
    assert channels.parse_receipt("pigeon", RequestFactory().post("/")) is None


# STOP


def test_a_whatsapp_stop_reply_or_button_names_the_patient_who_wants_no_more(fake_meta):
    replies = meta_envelope(
        messages=[
            {"from": "919876543210", "id": "wamid.1", "type": "text", "text": {"body": " Stop."}},
            {"from": "919812345678", "id": "wamid.2", "type": "button", "button": {"payload": "STOP", "text": "Stop"}},
            {"from": "919811111111", "id": "wamid.3", "type": "text", "text": {"body": "Can I come at 5 instead?"}},
        ]
    )

    assert channels.parse_inbound_stop("whatsapp", meta_webhook(replies)) == ["+919876543210", "+919812345678"]


def test_a_forged_whatsapp_stop_is_refused(fake_meta):
    replies = meta_envelope(messages=[{"from": "919876543210", "type": "text", "text": {"body": "STOP"}}])

    assert channels.parse_inbound_stop("whatsapp", meta_webhook(replies, secret="forged")) is None


def test_an_sms_stop_with_the_secret_token_names_the_patient(fake_msg91):
    request = msg91_webhook(number="919876543210", message="STOP")

    assert channels.parse_inbound_stop("sms", request) == ["+919876543210"]


def test_an_sms_that_is_not_stop_names_nobody(fake_msg91):
    assert channels.parse_inbound_stop("sms", msg91_webhook(number="9876543210", message="Thanks")) == []


def test_an_sms_stop_without_the_secret_token_is_refused(fake_msg91):
    assert (
        channels.parse_inbound_stop("sms", msg91_webhook(token="guess", number="919876543210", message="STOP")) is None
    )


def test_meta_s_subscription_check_is_answered_only_with_the_verify_token(settings):
    settings.META_WEBHOOK_VERIFY_TOKEN = "test-verify-token"
    query = {"hub.mode": "subscribe", "hub.challenge": "1158201444"}

    good = RequestFactory().get("/", query | {"hub.verify_token": "test-verify-token"})
    bad = RequestFactory().get("/", query | {"hub.verify_token": "guess"})

    assert channels.whatsapp_subscription_challenge(good) == "1158201444"
    assert channels.whatsapp_subscription_challenge(bad) is None


# The registered texts


def test_a_template_fills_its_variables_in_order():
    assert sms_template(text="{#var#} then {#var#}").render(["first", "second"]) == "first then second"
    assert whatsapp_template(text="{{2}} after {{1}}").render(["first", "second"]) == "second after first"


@pytest.mark.parametrize("params", [[], ["Asha"], ["Asha", "Mon", "10:30", "extra"]])
def test_a_template_refuses_another_number_of_values(params):
    with pytest.raises(ValueError):
        sms_template().render(params)
    with pytest.raises(ValueError):
        whatsapp_template().render(params)


@pytest.mark.parametrize(
    "channel, text",
    [("sms", "Dear {{1}}"), ("whatsapp", "Dear {#var#}"), ("whatsapp", "Dear {{1}} on {{3}}")],
)
def test_staff_cannot_save_a_text_with_the_other_channel_s_variables(channel, text):
    with pytest.raises(ValidationError):
        MessageTemplate(channel=channel, kind="appt_booked", text=text, provider_template_id="x").clean()


@pytest.mark.django_db
def test_every_kind_is_seeded_in_english_on_both_channels_with_placeholder_ids():
    assert seed_message_templates() == 12
    assert seed_message_templates() == 0

    templates = MessageTemplate.objects.all()
    assert {(t.channel, t.kind) for t in templates} == {
        (channel, kind) for channel in ["sms", "whatsapp"] for kind in MessageTemplate.Kind.values
    }
    for template in templates:
        assert template.language == "en" and template.provider_template_id == PLACEHOLDER_TEMPLATE_ID
        template.full_clean()
        assert "Asha" in template.render(["Asha", "Mon 3 Mar", "10:30 am"])


@pytest.mark.django_db
def test_load_initial_data_seeds_the_message_templates(seeded):
    assert MessageTemplate.objects.filter(kind="reminder_24h", channel="whatsapp").exists()


@pytest.mark.django_db
def test_staff_see_the_message_templates_in_the_admin(staff_client, seeded):
    response = staff_client.get("/admin/appointments/messagetemplate/")

    assert response.status_code == 200
    assert "Reminder a day before" in response.text


# Production refuses to start half-configured


def test_production_refuses_msg91_without_its_dlt_fields_and_secrets():
    result = run_settings(DJANGO_DEBUG="false", DJANGO_SECRET_KEY="x" * 50, SMS_PROVIDER="msg91", MSG91_AUTH_KEY="k")

    assert result.returncode != 0
    assert (
        "SMS_PROVIDER=msg91 needs MSG91_AUTH_KEY, MSG91_SENDER_ID, DLT_ENTITY_ID, SMS_WEBHOOK_SECRET" in result.stderr
    )


def test_production_refuses_an_unknown_provider():
    result = run_settings(DJANGO_DEBUG="false", DJANGO_SECRET_KEY="x" * 50, WHATSAPP_PROVIDER="twilio")

    assert result.returncode != 0 and "WHATSAPP_PROVIDER is console, meta or none" in result.stderr
