"""Loads demo data once: each app may have a `demo` module with

STEPS: list[tuple[str, Callable[[], None]]]   # run once each, in INSTALLED_APPS order
def logins() -> list[tuple[str, str, str]]    # (who, username, password) to print
"""

from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import module_has_submodule

from paksemmok.web.models import DemoStep


def demo_modules():
    for config in apps.get_app_configs():
        if config.name.startswith("paksemmok.") and module_has_submodule(config.module, "demo"):
            yield import_module(f"{config.name}.demo")


class Command(BaseCommand):
    help = "Loads the demo data (only steps not loaded before) or prints the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--print-logins", action="store_true")

    def handle(self, *args, print_logins=False, **options):
        if print_logins:
            self.stdout.write("  Akun demo:")
            for module in demo_modules():
                for who, username, password in getattr(module, "logins", list)():
                    self.stdout.write(f"    {who:<34} {username:<18} sandi: {password}")
            return
        for module in demo_modules():
            for name, step in getattr(module, "STEPS", []):
                if DemoStep.objects.filter(name=name).exists():
                    continue
                self.stdout.write(f"Memuat data demo: {name} ...")
                with transaction.atomic():
                    step()
                    DemoStep.objects.create(name=name)
