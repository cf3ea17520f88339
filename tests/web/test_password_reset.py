"""Staff password reset: the worker sends it, so the page answers at once and alike for any address; asking is
limited; the reset link exists only in the e-mail."""

import time

import pytest
from django.core import mail
from django_tasks_db.models import DBTaskResult

from tests.appointments.mailserver import SilentServer
from web.password_reset import send_password_reset

RESET = "/admin/password_reset/"
KNOWN, UNKNOWN = "desk@dmphysios.test", "nobody@dmphysios.test"


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("desk", KNOWN, "a-long-test-password", is_staff=True)


@pytest.fixture
def queued(settings):
    """Tasks wait in the database for the worker, as in production."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def hanging_mail_server(settings):
    server = SilentServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", server.port, 10
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    yield server
    server.stop()


def timed_post(client, email):
    started = time.monotonic()
    response = client.post(RESET, {"email": email})
    return response, time.monotonic() - started


def test_a_hanging_mail_server_keeps_nobody_waiting_known_address_or_not(client, staff, queued, hanging_mail_server):
    known, known_took = timed_post(client, KNOWN)
    unknown, unknown_took = timed_post(client, UNKNOWN)

    assert known_took < 1 and unknown_took < 1, "the hanging server would take 10 s"
    assert (known.status_code, known.url) == (unknown.status_code, unknown.url) == (302, "/admin/password_reset/done/")
    assert hanging_mail_server.accepted == []
    # One queued task each, carrying user ids only: no address, no link.
    assert [task.args_kwargs["args"] for task in DBTaskResult.objects.order_by("enqueued_at")] == [[[staff.pk]], [[]]]


def test_the_worker_sends_the_link_made_as_the_mail_goes(staff, settings):
    assert send_password_reset.call([staff.pk]) == 1
    [message] = mail.outbox
    assert message.to == [KNOWN]
    assert "/admin/reset/" in message.body


def test_an_unknown_address_gets_no_mail(client, db):
    client.post(RESET, {"email": UNKNOWN})
    assert mail.outbox == []


def test_asking_too_often_for_one_address_sends_no_more_but_looks_the_same(client, staff, settings):
    settings.PASSWORD_RESET_PER_EMAIL_PER_HOUR = 2
    answers = [client.post(RESET, {"email": KNOWN}, REMOTE_ADDR=f"10.0.0.{n}") for n in range(4)]
    assert {(a.status_code, a.url) for a in answers} == {(302, "/admin/password_reset/done/")}
    assert len(mail.outbox) == 2


def test_asking_too_often_from_one_client_address_sends_no_more(client, staff, settings, django_user_model):
    settings.PASSWORD_RESET_PER_IP_PER_HOUR = 1
    django_user_model.objects.create_user("other", "other@dmphysios.test", "a-long-test-password", is_staff=True)
    client.post(RESET, {"email": KNOWN})
    client.post(RESET, {"email": "other@dmphysios.test"})
    assert len(mail.outbox) == 1
