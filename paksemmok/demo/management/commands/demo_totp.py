"""Prints the current TOTP code of a demo account (demo and browser tests only).

Works only for devices created by the demo step (fixed, published key), never for a device
someone enrolled with their own phone.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from paksemmok.demo.accounts import DEMO_DEVICE_NAME


def current_code(device: TOTPDevice, at: float | None = None) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() if at is None else at
    return f"{totp.token():0{device.digits}d}"


class Command(BaseCommand):
    help = "Prints the current TOTP code of a demo staff account (e.g. admin, supervisor)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        device = TOTPDevice.objects.filter(
            user__username=username, name=DEMO_DEVICE_NAME, confirmed=True
        ).first()
        if device is None:
            raise CommandError(
                f"{username!r} has no demo TOTP device (only demo accounts have one)."
            )
        remaining = device.step - int(time.time() - device.t0) % device.step
        self.stdout.write(current_code(device))
        self.stderr.write(f"(berlaku {remaining} detik lagi)")
