"""Background work, run by the worker (manage.py run_worker): Django's Tasks API, through the django-tasks
backport until Django 6 (then only the import and the TASKS backend change)."""

import logging

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from .models import Appointment
from .notifications import send_notifications

logger = logging.getLogger(__name__)


@task()
def send_outbox(ids: list[int]) -> dict:
    """Send these outbox rows now (queued when the request that wrote them commits)."""
    return dict(send_notifications(ids=ids))


def enqueue_on_commit(ids: list[int]) -> None:
    """Once the rows are safely saved, ask the worker to send them; no request waits on a mail server or a
    provider. If queueing fails, the worker's tick still finds the rows due."""
    if ids:
        transaction.on_commit(lambda: send_outbox.enqueue(ids), robust=True)


def tick() -> dict:
    """The worker's periodic round: outbox rows come due (reminders, retries, stale claims), lapsed holds."""
    outcome = dict(send_notifications())
    lapsed = Appointment.objects.filter(status=Appointment.Status.HELD, hold_expires_at__lte=timezone.now())
    outcome["expired_holds"] = lapsed.update(status=Appointment.Status.EXPIRED)
    return outcome
