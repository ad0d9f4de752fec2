from django.core.management.base import BaseCommand

from paksemmok.web.orphans import sweep_orphans


class Command(BaseCommand):
    help = (
        "Deletes stored files no row points at and abandoned temporary uploads older than "
        "ORPHAN_MIN_AGE_SECONDS (the worker does this hourly). Audited."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count, delete nothing.")

    def handle(self, *args, **options):
        result = sweep_orphans(dry_run=options["dry_run"])
        self.stdout.write(
            f"checked={result.checked} orphans={result.orphans} "
            f"temporary={result.temporary} bytes={result.bytes}"
            + (" (dry run)" if options["dry_run"] else "")
        )
