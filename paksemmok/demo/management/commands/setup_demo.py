"""Loads the demo data once (see `paksemmok.demo.steps`) or prints the demo logins."""

from django.core.management.base import BaseCommand
from django.db import transaction

from paksemmok.demo import steps
from paksemmok.web.models import DemoStep


class Command(BaseCommand):
    help = "Loads the demo data (only steps not loaded before) or prints the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--print-logins", action="store_true")

    def handle(self, *args, print_logins=False, **options):
        if print_logins:
            self.stdout.write("  Akun demo:")
            for who, username, password in steps.logins():
                self.stdout.write(f"    {who:<34} {username:<18} sandi: {password}")
            return
        for name, step in steps.steps():
            if DemoStep.objects.filter(name=name).exists():
                continue
            self.stdout.write(f"Memuat data demo: {name} ...")
            with transaction.atomic():
                step()
                DemoStep.objects.create(name=name)
