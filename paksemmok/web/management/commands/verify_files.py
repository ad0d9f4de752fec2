from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from paksemmok.backup import verify_files


class Command(BaseCommand):
    help = (
        "Checks that every file a row points at is in the store with its recorded SHA-256 "
        "(uploads record one; --manifest adds a backup's checksums for generated PDFs)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--manifest", help="manifest.json of a backup")

    def handle(self, *args, **options):
        manifest = Path(options["manifest"]) if options["manifest"] else None
        report = verify_files(manifest)
        for problem in report.problems:
            self.stderr.write(problem)
        self.stdout.write(f"{report.files} files verified, {len(report.problems)} problem(s)")
        if report.problems:
            raise CommandError("some stored documents are missing or damaged")
