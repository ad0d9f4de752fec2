from django.core.management.base import BaseCommand

from paksemmok.appointments.places import seed_places


class Command(BaseCommand):
    help = "Creates the Disdukcapil office and one office per kecamatan as perekaman places."

    def add_arguments(self, parser):
        parser.add_argument("regency_code", nargs="?", default=None)

    def handle(self, *args, regency_code=None, **options):
        created = seed_places(regency_code)
        self.stdout.write(f"{created} tempat perekaman dibuat.")
