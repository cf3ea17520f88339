"""The real worker (manage.py run_worker) in processes of its own, on the test database: three of them racing
over one outbox send every message exactly once, whether it came from the task queue or the periodic tick."""

import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from appointments.models import Notification
from tests.builders import make_booking_request
from tests.fakes import fixtures
from tests.prod.servers import production_env

fake_msg91 = fixtures.fake_msg91
pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite serialises writers; the worker race is tested on PostgreSQL"
)
MESSAGES = 20


def worker_env(mail_server, sms):
    return production_env(
        EMAIL_URL=f"smtp://127.0.0.1:{mail_server.port}",
        SMS_PROVIDER="msg91",
        MSG91_AUTH_KEY="test-msg91-auth-key",
        MSG91_SENDER_ID="DMPHYS",
        DLT_ENTITY_ID="1201100000000000001",
        SMS_WEBHOOK_SECRET="test-sms-webhook-secret",
        MSG91_BASE_URL=sms.url,
        WORKER_TICK_SECONDS="0.2",
        DJANGO_LOG_LEVEL="WARNING",
    )


def start_workers(env, count):
    return [
        subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", "run_worker", "--interval", "0.05"], cwd=settings.BASE_DIR, env=env
        )
        for _ in range(count)
    ]


def stop(workers):
    for worker in workers:
        worker.send_signal(signal.SIGTERM)
    for worker in workers:
        worker.wait(timeout=30)


def wait_until(condition, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.fixture
def outbox(transactional_db, fake_msg91, settings):
    """Committed rows for MESSAGES patients: an e-mail and an SMS each, all due now, queued for the worker."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    call_command("load_initial_data", verbosity=0)
    rows = []
    for n in range(MESSAGES):
        booking = make_booking_request(email=f"patient{n}@example.com", message_channels=["email", "sms"])
        rows += list(booking.notifications.filter(kind=Notification.Kind.PATIENT_ACKNOWLEDGEMENT))
    Notification.objects.exclude(pk__in=[row.pk for row in rows]).delete()  # the clinic's alerts: not the subject
    return rows


def test_three_workers_racing_send_every_message_exactly_once(outbox, mail_server, fake_msg91, settings):
    from appointments.tasks import send_outbox

    ids = [row.pk for row in outbox]
    for _ in range(3):  # the same rows queued three times over, and the tick finds them due as well
        send_outbox.enqueue(ids)
    workers = start_workers(worker_env(mail_server, fake_msg91), 3)
    try:
        done = wait_until(lambda: not Notification.objects.exclude(state=Notification.State.SENT).exists())
    finally:
        stop(workers)

    assert done, list(Notification.objects.values_list("state", "last_error"))
    addresses = sorted(message["To"] for message in mail_server.inbox.messages)
    assert addresses == sorted(f"patient{n}@example.com" for n in range(MESSAGES))
    assert len(fake_msg91.received) == MESSAGES
    assert set(Notification.objects.values_list("attempts", flat=True)) == {1}


def test_a_worker_killed_mid_send_leaves_its_sms_for_staff_and_another_sends_the_rest(
    outbox, mail_server, fake_msg91, settings
):
    fake_msg91.hangs(30)  # the first SMS never gets its answer: the worker is killed waiting
    env = worker_env(mail_server, fake_msg91) | {"OUTBOX_STALE_CLAIM_SECONDS": "2", "MESSAGING_TIMEOUT_SECONDS": "60"}
    [first] = start_workers(env, 1)
    assert wait_until(lambda: len(fake_msg91.received) >= 1, 30)
    first.kill()
    first.wait()
    stuck = Notification.objects.get(state=Notification.State.SENDING)

    workers = start_workers(env, 2)
    try:
        settled = (Notification.State.SENT, Notification.State.UNKNOWN)
        done = wait_until(lambda: not Notification.objects.exclude(state__in=settled).exists())
    finally:
        stop(workers)

    assert done, list(Notification.objects.exclude(state="sent").values_list("pk", "channel", "state", "claimed_at"))
    stuck.refresh_from_db()
    assert stuck.state == Notification.State.UNKNOWN, "neither resent (it may have gone) nor lost"
    assert Notification.objects.filter(state=Notification.State.UNKNOWN).count() == 1
    assert len(fake_msg91.received) == MESSAGES, "every other SMS once, the stuck one not again"
