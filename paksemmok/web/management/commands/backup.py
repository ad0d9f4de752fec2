from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from paksemmok.backup import default_backup_dir, take_backup


class Command(BaseCommand):
    help = (
        "Takes a consistent backup: database dump and every stored file a row points at, "
        "with a manifest of SHA-256 checksums (see README, Production: backups)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            help="Directory to create (default: BACKUP_ROOT/paksemmok-<UTC time>).",
        )

    def handle(self, *args, **options):
        out = (
            Path(options["output"])
            if options["output"]
            else default_backup_dir(Path(settings.BACKUP_ROOT))
        )
        report = take_backup(out)
        for problem in report.problems:
            self.stderr.write(problem)
        self.stdout.write(f"{out}: {report.files} files, {report.bytes} bytes")
        if report.problems:
            raise CommandError(f"{len(report.problems)} problem(s): the backup is incomplete")
