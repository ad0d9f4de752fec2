from django.core.management.base import BaseCommand, CommandError

from paksemmok.population.register_import import import_register, validate


class Command(BaseCommand):
    help = (
        "Loads residents and families from a CSV file (layout: docs/register-import.md). "
        "Checks every row first; on any error nothing is loaded."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file, UTF-8, comma or semicolon separated")
        parser.add_argument("--check", action="store_true", help="only check, load nothing")

    def handle(self, *args, file, check, **options):
        try:
            report = validate(file)[0] if check else import_register(file, name=file)
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Berkas tidak dapat dibaca: {exc}") from exc
        for problem in report.warnings:
            self.stdout.write(self.style.WARNING(f"Peringatan: {problem}"))
        for problem in report.errors:
            self.stderr.write(self.style.ERROR(str(problem)))
        if report.errors:
            raise CommandError(
                f"{len(report.errors)} kesalahan pada {report.rows} baris; tidak ada data "
                "yang dimuat."
            )
        verb = "dimuat" if report.loaded else "diperiksa, tanpa kesalahan"
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.rows} penduduk dalam {report.families} KK {verb} "
                f"({len(report.warnings)} peringatan)."
            )
        )
