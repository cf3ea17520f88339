from django.core.management.base import BaseCommand

from appointments.models import Notification
from appointments.notifications import send_notifications


class Command(BaseCommand):
    help = "Send booking e-mails that are due: new ones, and failed ones whose retry time has come (run from cron)."

    def handle(self, *args, **options):
        outcome = send_notifications()
        self.stdout.write(f"{outcome[Notification.State.SENT]} sent, {outcome[Notification.State.FAILED]} failed.")
        gave_up = Notification.objects.given_up().count()
        if gave_up:
            self.stdout.write(self.style.WARNING(f"{gave_up} no longer retried: resend them from the admin."))
