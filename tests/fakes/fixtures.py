"""pytest fixtures: a running fake provider, with the settings pointed at it. Import them into a test module."""

import pytest

from .providers import FakeMeta, FakeMsg91


@pytest.fixture
def fake_msg91(settings):
    settings.SMS_PROVIDER = "msg91"
    settings.MSG91_AUTH_KEY = "test-msg91-auth-key"
    settings.MSG91_SENDER_ID = "DMPHYS"
    settings.DLT_ENTITY_ID = "1201100000000000001"
    settings.SMS_WEBHOOK_SECRET = "test-sms-webhook-secret"
    with FakeMsg91() as server:
        settings.MSG91_BASE_URL = server.url
        yield server


@pytest.fixture
def fake_meta(settings):
    settings.WHATSAPP_PROVIDER = "meta"
    settings.META_WHATSAPP_TOKEN = "test-meta-token"
    settings.META_WHATSAPP_PHONE_NUMBER_ID = "106540352242922"
    settings.META_APP_SECRET = "test-meta-app-secret"
    with FakeMeta() as server:
        settings.META_GRAPH_BASE_URL = f"{server.url}/v21.0"
        yield server
