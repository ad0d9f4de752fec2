"""Demo data never reaches production: setup_demo refuses outside development and never
changes existing accounts; `check --deploy` fails while demo accounts or the demo signing
certificate are present with DEBUG=0."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.core.management.base import SystemCheckError
from django_otp.plugins.otp_totp.models import TOTPDevice

from paksemmok.accounts.models import User
from paksemmok.demo import accounts as demo_accounts_module
from paksemmok.demo import issuance as demo_issuance
from paksemmok.demo import steps
from paksemmok.demo.accounts import DEMO_TOTP_KEY
from paksemmok.demo.checks import demo_data_in_production
from tests.cast import PASSWORD, staff


@pytest.fixture(autouse=True)
def accounts_only(monkeypatch, settings, tmp_path):
    # The account and signing-key steps are the dangerous ones; the register steps are slow.
    monkeypatch.setattr(steps, "MODULES", (demo_accounts_module, demo_issuance))
    settings.SIGNING_KEY_PATH = tmp_path / "signing" / "key.pem"
    settings.SIGNING_CERT_PATH = tmp_path / "signing" / "cert.pem"


def test_refused_with_debug_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=0"):
        call_command("setup_demo")
    assert not User.objects.exists()
    assert not settings.SIGNING_CERT_PATH.exists()


def test_refused_beside_real_staff_and_never_changes_them(db, settings):
    real = staff("supervisor", User.Role.SUPERVISOR, is_staff=True)
    own = TOTPDevice.objects.create(user=real, name="ponsel", confirmed=True)
    also_real = staff("kabid", User.Role.SUPERVISOR, is_staff=True)
    with pytest.raises(CommandError, match="supervisor"):
        call_command("setup_demo")
    assert not User.objects.filter(username="admin").exists()

    # Forced, it still leaves every existing account as it was: no published TOTP key, same
    # password, same flags.
    call_command("setup_demo", "--allow-demo-data")
    for user in (real, also_real):
        user.refresh_from_db()
        assert user.check_password(PASSWORD)
        assert not TOTPDevice.objects.filter(user=user, key=DEMO_TOTP_KEY).exists()
    assert list(TOTPDevice.objects.filter(user=real)) == [own]
    # The demo's own admin was made, with the demo key.
    assert TOTPDevice.objects.filter(user__username="admin", key=DEMO_TOTP_KEY).exists()


def test_loads_in_development_on_an_empty_database(db, settings):
    call_command("setup_demo")
    assert User.objects.filter(username="admin", is_superuser=True).exists()


def test_deploy_check_fails_on_demo_accounts_and_demo_certificate(db, settings):
    call_command("setup_demo")
    settings.DEBUG = True
    assert demo_data_in_production() == []
    settings.DEBUG = False
    ids = {error.id for error in demo_data_in_production()}
    assert ids == {"paksemmok.E001", "paksemmok.E002"}
    with pytest.raises(SystemCheckError, match=r"paksemmok\.E001"):
        call_command("check", deploy=True, fail_level="ERROR")

    # Without them the check passes.
    User.objects.filter(pk__in=demo_accounts_module.demo_accounts().values("pk")).delete()
    settings.SIGNING_CERT_PATH.unlink()
    assert demo_data_in_production() == []


def test_a_real_account_holding_the_published_key_counts_as_demo(db, settings):
    real = staff("kabid", User.Role.SUPERVISOR, is_staff=True)
    TOTPDevice.objects.create(user=real, name="x", key=DEMO_TOTP_KEY, confirmed=True)
    settings.DEBUG = False
    assert [e.id for e in demo_data_in_production()] == ["paksemmok.E001"]
