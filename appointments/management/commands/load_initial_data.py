from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from appointments.models import BookingWindow
from appointments.seeds import seed_diary, seed_message_templates
from clinic.models import ClinicDetails
from conditions.models import Condition
from web.page_cache import invalidate_pages

# Each fixture is loaded only while the table it seeds is empty, so a restart
# never overwrites what staff have edited in the admin.
FIXTURES = [
    ("clinic", ClinicDetails),
    ("conditions", Condition),
    ("booking", BookingWindow),
]


class Command(BaseCommand):
    help = "Load the clinic's details and the condition pages from fixtures/, into empty tables only."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Say what would be loaded; load nothing.")

    def handle(self, *args, dry_run, **options):
        for fixture, model in FIXTURES:
            if model.objects.exists():
                self.stdout.write(f"{fixture}: already has data, left as it is.")
            elif dry_run:
                self.stdout.write(f"{fixture}: would be loaded.")
            else:
                with transaction.atomic():
                    call_command("loaddata", fixture, verbosity=0)
                self.stdout.write(self.style.SUCCESS(f"{fixture}: loaded."))
        if dry_run:
            self.stdout.write("diary: would be seeded if it has no visit types.")
        elif seed_diary():
            self.stdout.write(
                self.style.SUCCESS("diary: visit types, booking policy and placeholder physiotherapists.")
            )
        else:
            self.stdout.write("diary: already has visit types, left as it is.")
        if not dry_run:
            self.stdout.write(f"message templates: {seed_message_templates()} added (placeholder DLT / Meta ids).")
            # loaddata saves raw rows, which neither the search index nor the page cache follows.
            Condition.objects.refresh_search_index()
            invalidate_pages()
