import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from conditions.fixture import build_rows


class Command(BaseCommand):
    help = (
        "Rebuild fixtures/conditions.json from the articles in fixtures/source/ "
        "(<slug>.txt for the text, <slug>.toml for title, summary and other page data)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--source", default=settings.BASE_DIR / "fixtures" / "source")
        parser.add_argument("--output", default=settings.BASE_DIR / "fixtures" / "conditions.json")
        parser.add_argument("--dry-run", action="store_true", help="Print the row count; write nothing.")

    def handle(self, *args, source, output, dry_run, **options):
        rows = build_rows(source)
        if dry_run:
            self.stdout.write(f"Would write {len(rows)} rows to {output}.")
            return
        Path(output).write_text(json.dumps(rows, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"Wrote {len(rows)} rows to {output}."))
