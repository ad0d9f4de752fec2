from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from paksemmok.issuance.signing import make_demo_pair


class Command(BaseCommand):
    help = "Writes a self-signed demo signing key and certificate (only if missing)."

    def handle(self, *args, **options):
        key, cert = Path(settings.SIGNING_KEY_PATH), Path(settings.SIGNING_CERT_PATH)
        made = make_demo_pair(
            key, cert, common_name=settings.SIGNER_NAME, organisation=settings.AGENCY_NAME
        )
        if made:
            self.stdout.write(f"Pasangan kunci demo dibuat: {key}, {cert}")
        else:
            self.stdout.write(f"Pasangan kunci sudah ada: {key}, {cert}")
