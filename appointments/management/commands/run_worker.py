"""The one worker process: the task queue (django-tasks-db's worker) and a periodic tick, in one loop."""

import logging
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from appointments.tasks import tick as periodic_tick

logger = logging.getLogger("appointments.worker")


class Command(BaseCommand):
    help = (
        "Run queued tasks (e-mails, SMS and WhatsApp messages, password resets) as they come, and every "
        "WORKER_TICK_SECONDS send what came due (reminders, retries) and expire lapsed holds. Ctrl-C stops it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=0.5, help="Seconds between looks at the task queue.")
        parser.add_argument(
            "--tick", type=float, default=None, dest="tick_seconds", help="Seconds between ticks (WORKER_TICK_SECONDS)."
        )
        parser.add_argument("--worker-id", default=None, help="Unique across workers (default: random).")

    def handle(self, *args, interval, tick_seconds, worker_id, verbosity, **options):
        if verbosity < 2:
            # db_worker's batch mode says "no more tasks" each time the queue empties.
            logging.getLogger("django_tasks_db").setLevel(logging.WARNING)
        every = settings.WORKER_TICK_SECONDS if tick_seconds is None else tick_seconds
        worker = Worker(
            queue_names=["default"],
            interval=0,
            batch=True,  # run() returns once the queue is empty: the loop below ticks, then looks again
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id or get_random_string(32),
            excluded_queue_names=[],
        )
        # Ctrl-C or SIGTERM: a task or tick under way finishes (its row is never left half-sent), then we stop.
        worker.configure_signals()
        logger.info("Worker %s started (tick every %ss)", worker.worker_id, every)
        next_tick = 0.0
        while worker.running:
            self.safely(worker.run)
            if worker.running and time.monotonic() >= next_tick:
                worker.running_task = True  # a signal now waits for the tick to end
                try:
                    self.safely(periodic_tick)
                finally:
                    worker.running_task = False
                next_tick = time.monotonic() + every
            if worker.running:
                time.sleep(interval)
        logger.info("Worker %s stopped", worker.worker_id)

    @staticmethod
    def safely(work):
        """A database that is away for a while stops this round, not the worker."""
        try:
            work()
        except Exception:
            logger.exception("Worker round failed; trying again shortly")
            close_old_connections()
