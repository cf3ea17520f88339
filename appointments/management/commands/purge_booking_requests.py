from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from appointments.models import Appointment, BookingRequest

# A held time nobody booked is kept this long after its hold ran out, then deleted with its hashed visitor marks.
LAPSED_HOLDS_KEPT = timedelta(days=1)


class Command(BaseCommand):
    help = (
        "Delete closed booking requests (completed, cancelled, no-show) older than the retention period, "
        "with their appointments and notifications, and held times nobody booked once a day has passed. "
        "Open requests that old are listed for staff, never deleted."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=settings.BOOKING_RETENTION_DAYS,
            metavar="DAYS",
            help=f"Age in days (default: BOOKING_RETENTION_DAYS, {settings.BOOKING_RETENTION_DAYS}).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Say what would be deleted; delete nothing.")

    def handle(self, *args, older_than, dry_run, **options):
        if older_than <= 0:
            # 0 would delete every closed request, even one closed a minute ago.
            raise CommandError(f"--older-than must be a number of days above 0, not {older_than}.")
        old = BookingRequest.objects.created_before(timezone.now() - timedelta(days=older_than))
        if dry_run:
            count, holds = old.closed().count(), lapsed_holds().count()
            self.stdout.write(f"Would delete {count} closed booking request(s) older than {older_than} days.")
            self.stdout.write(f"Would delete {holds} lapsed hold(s) nobody booked.")
        else:
            count, holds = self.delete(old)
            self.stdout.write(
                self.style.SUCCESS(f"Deleted {count} closed booking request(s) older than {older_than} days.")
            )
            self.stdout.write(self.style.SUCCESS(f"Deleted {holds} lapsed hold(s) nobody booked."))
        self.list_open(old.open(), older_than)

    @staticmethod
    @transaction.atomic
    def delete(old) -> tuple[int, int]:
        """Delete and count in one transaction: the numbers reported are the numbers deleted. An appointment
        protects its request from deletion, so the appointments go first; notifications go with their request."""
        closed = list(old.closed().values_list("pk", flat=True))
        Appointment.objects.filter(booking_request__in=closed).delete()
        _, deleted = BookingRequest.objects.filter(pk__in=closed).delete()
        _, holds = lapsed_holds().delete()
        return deleted.get(BookingRequest._meta.label, 0), holds.get(Appointment._meta.label, 0)

    def list_open(self, still_open, older_than):
        if not still_open.exists():
            return
        self.stdout.write(
            self.style.WARNING(
                f"{still_open.count()} open request(s) older than {older_than} days need closing by staff:"
            )
        )
        for booking in still_open.order_by("created_at"):
            self.stdout.write(
                f"  {booking.reference}  {booking.get_status_display()}, received {booking.created_at:%Y-%m-%d}"
            )


def lapsed_holds():
    """Times held while a patient typed, never booked, whose hold ran out more than a day ago."""
    return Appointment.objects.filter(
        booking_request__isnull=True,
        status__in=[Appointment.Status.HELD, Appointment.Status.EXPIRED],
        hold_expires_at__lt=timezone.now() - LAPSED_HOLDS_KEPT,
    )
