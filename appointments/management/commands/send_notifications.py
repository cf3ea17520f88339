from django.conf import settings
from django.core.management.base import BaseCommand

from appointments.models import Notification
from appointments.notifications import send_notifications


class Command(BaseCommand):
    help = "Send booking e-mails that are due: new ones, and failed ones whose retry time has come (run from cron)."

    def handle(self, *args, **options):
        outcome = send_notifications()
        self.stdout.write(f"{outcome[Notification.State.SENT]} sent, {outcome[Notification.State.FAILED]} failed.")
        gave_up = Notification.objects.filter(
            state=Notification.State.FAILED, attempts__gte=settings.BOOKING_NOTIFICATION_MAX_ATTEMPTS
        ).count()
        if gave_up:
            self.stdout.write(self.style.WARNING(f"{gave_up} no longer retried: resend them from the admin."))
