"""Loads the demo data once (see `paksemmok.demo.steps`) or prints the demo logins.

Demo data is for development machines only: published passwords, a published TOTP key,
made-up residents and a self-signed signing key. So the command refuses with DEBUG=0 and
whenever staff accounts exist that the demo did not make (a real deployment), unless
--allow-demo-data says that this database is meant to get it anyway. It never changes an
account that exists.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from paksemmok.demo import appointments as demo_appointments
from paksemmok.demo import steps
from paksemmok.demo.accounts import real_staff_accounts
from paksemmok.demo.logins import printed_lines, write_readme
from paksemmok.web.models import DemoStep

ALLOW_OPTION = "--allow-demo-data"


class Command(BaseCommand):
    help = "Loads the demo data (only steps not loaded before) or prints the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--print-logins", action="store_true")
        parser.add_argument(
            "--readme", action="store_true", help="regenerate README.md's demo-logins table"
        )
        parser.add_argument(
            ALLOW_OPTION,
            action="store_true",
            dest="allow_demo_data",
            help="Load demo data although DEBUG is off or real staff accounts exist "
            "(never on a production database).",
        )

    def handle(self, *args, print_logins=False, readme=False, allow_demo_data=False, **options):
        if readme:
            changed = write_readme(Path(settings.BASE_DIR) / "README.md")
            self.stdout.write("README.md diperbarui." if changed else "README.md sudah sesuai.")
            return
        if print_logins:
            # Accounts made after the register was loaded later (see accounts.logins).
            list(steps.logins())
            for line in printed_lines():
                self.stdout.write(line)
            return
        if not allow_demo_data:
            self.refuse_outside_development()
        for name, step in steps.steps():
            if DemoStep.objects.filter(name=name).exists():
                continue
            self.stdout.write(f"Memuat data demo: {name} ...")
            with transaction.atomic():
                step()
                DemoStep.objects.create(name=name)
        with transaction.atomic():
            booking = demo_appointments.ensure_booking_today()
        if booking is not None:
            self.stdout.write(
                f"Janji perekaman demo hari ini: kode {booking.code} "
                f"({timezone.localtime(booking.start):%H.%M}, {booking.place.name})"
            )

    def refuse_outside_development(self) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "Data demo tidak dimuat: DEBUG=0 (produksi). Data demo berisi kata sandi dan "
                f"kunci TOTP yang diumumkan. Hanya untuk pengembangan; {ALLOW_OPTION} "
                "memaksanya (jangan di basis data produksi)."
            )
        real = list(real_staff_accounts().values_list("username", flat=True)[:5])
        if real:
            raise CommandError(
                "Data demo tidak dimuat: basis data ini sudah berisi akun petugas yang bukan "
                f"akun demo ({', '.join(real)}). {ALLOW_OPTION} memaksanya."
            )
