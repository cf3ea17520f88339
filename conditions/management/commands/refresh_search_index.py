from django.core.management.base import BaseCommand
from django.db import transaction

from conditions.models import Condition
from web.page_cache import invalidate_pages


class Command(BaseCommand):
    help = (
        "Rebuild every condition's search text (and, on PostgreSQL, its search vector). Edits in the admin "
        "keep it up to date; run this after loading a fixture with `loaddata` by hand."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count the conditions; change nothing.")

    def handle(self, *args, dry_run, **options):
        conditions = Condition.objects.all()
        if dry_run:
            self.stdout.write(f"Would refresh the search index of {conditions.count()} condition(s).")
            return
        with transaction.atomic():
            conditions.refresh_search_index()
            invalidate_pages()  # cached search results were built from the old index
        self.stdout.write(self.style.SUCCESS(f"Refreshed the search index of {conditions.count()} condition(s)."))
