from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from paksemmok.backup import restore_backup, verify_files


class Command(BaseCommand):
    help = (
        "Restores a backup made by `manage.py backup` into the configured database (which "
        "must be empty: create a fresh one) and file store, then verifies every file."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory")
        parser.add_argument(
            "--yes", action="store_true", help="Do not ask; the target must be fresh anyway."
        )

    def handle(self, *args, **options):
        source = Path(options["directory"])
        if not (source / "manifest.json").exists():
            raise CommandError(f"{source} has no manifest.json")
        if not options["yes"]:
            answer = input("Restore into the configured database and storage? [y/N] ")
            if answer.strip().lower() != "y":
                raise CommandError("cancelled")
        report = restore_backup(source)
        checked = verify_files(source / "manifest.json")
        for problem in report.problems + checked.problems:
            self.stderr.write(problem)
        self.stdout.write(f"restored {report.files} files; verified {checked.files}")
        if report.problems or checked.problems:
            raise CommandError("restore incomplete")
