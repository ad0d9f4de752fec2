"""Loads the demo data once (see `paksemmok.demo.steps`) or prints the demo logins.

Demo data is for development machines only: published passwords, a published TOTP key,
made-up residents and a self-signed signing key. So the command refuses with DEBUG=0 and
whenever staff accounts exist that the demo did not make (a real deployment), unless
--allow-demo-data says that this database is meant to get it anyway. It never changes an
account that exists.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from paksemmok.demo import steps
from paksemmok.demo.accounts import real_staff_accounts
from paksemmok.web.models import DemoStep

ALLOW_OPTION = "--allow-demo-data"


class Command(BaseCommand):
    help = "Loads the demo data (only steps not loaded before) or prints the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--print-logins", action="store_true")
        parser.add_argument(
            ALLOW_OPTION,
            action="store_true",
            dest="allow_demo_data",
            help="Load demo data although DEBUG is off or real staff accounts exist "
            "(never on a production database).",
        )

    def handle(self, *args, print_logins=False, allow_demo_data=False, **options):
        if print_logins:
            self.stdout.write("  Akun demo:")
            for who, username, password in steps.logins():
                self.stdout.write(f"    {who:<34} {username:<18} sandi: {password}")
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
